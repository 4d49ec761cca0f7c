"""Swap people, places and organisations for word-vector analogies: Paris -> Delhi for USA -> India.

    from localize import Localizer
    result = Localizer.load().rewrite(text, entities)   # entities: Hugging Face pipeline dicts

This package never imports ``ner``; entities come in as plain dicts and the optional ``type_checker``
is any tagger ``Callable[[list[str]], list[list[dict]]]`` returning the same dict format.
"""

from localize.config import LocalizeConfig, LocalizeError
from localize.localizer import Localizer
from localize.result import Replacement, RewriteResult

__all__ = ["LocalizeConfig", "LocalizeError", "Localizer", "Replacement", "RewriteResult"]
