"""Swap people, places and organisations for word-vector analogies: Paris -> Delhi for USA -> India.

    from localize import Localizer
    result = Localizer.load().rewrite(text, entities)   # entities: Hugging Face pipeline dicts
    result = localizer.rewrite(text, entities, policy=Policy("pseudonymize", keep=("Seattle",), force={"Priya": "PER"}))
    restore(result.text, result.mapping) == text          # byte for byte; result.mapping.to_dict() is its JSON
    localizer.rewrite(text, entities, mapping=edit(result.mapping, {("PER", "Barack Obama"): "Rahul Gandhi"}))

This package never imports ``ner``; entities come in as plain dicts and the optional ``type_checker``
is any tagger ``Callable[[list[str]], list[list[dict]]]`` returning the same dict format.
"""

from localize.config import LocalizeConfig, LocalizeError
from localize.edits import edit
from localize.localizer import Localizer
from localize.mapping import EntityMap, restore
from localize.policy import MODES, Policy, read_force, read_keep
from localize.result import Replacement, RewriteResult

__all__ = [
    "MODES", "EntityMap", "LocalizeConfig", "LocalizeError", "Localizer", "Policy", "Replacement", "RewriteResult",
    "edit", "read_force", "read_keep", "restore",
]
