"""The wiring between the app and the two packages: a tagger, a localizer, and the size limits around them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from demo.config import DemoConfig
from demo.editing import EditError
from demo.inputs import InputError, check_text, check_total
from localize import LocalizeError, Localizer, Policy, RewriteResult
from localize.mapping import EntityMap
from ner import EntityTagger, NerConfig, NerError, with_contacts

Entities = list[dict[str, Any]]
Tagger = Callable[[list[str]], list[Entities]]  # EntityTagger, or any tagger in the pipeline's dict format

USER_ERRORS = (InputError, NerError, LocalizeError, EditError)  # one-line messages fit to show users as they are


class LoadError(RuntimeError):
    """The model or the vectors could not be loaded; the message is one line."""


@dataclass(frozen=True)
class Engine:
    tagger: Tagger
    localizer: Localizer
    config: DemoConfig

    @classmethod
    def load(cls, config: DemoConfig) -> Engine:
        """The model and the vectors named in ``config`` (embedded defaults when None), loaded once."""
        try:
            tagger = EntityTagger.load(config.model, NerConfig(precision=config.precision, num_threads=config.threads))
            localizer = Localizer.load(config.vectors)
        except (NerError, LocalizeError) as error:
            raise LoadError(str(error)) from error
        return cls(tagger, localizer, config)

    def entities(self, texts: Sequence[str]) -> list[Entities]:
        """Entities of each text, all tagged in one batched call."""
        texts = [check_text(text, self.config.max_chars) for text in texts]
        check_total(texts, self.config.max_chars)
        return self.tagger(texts) if texts else []

    def rewrite(
        self,
        text: str,
        target: str,
        source: str,
        types: Sequence[str],
        type_check: bool = False,
        policy: Policy | None = None,
        mapping: EntityMap | None = None,
    ) -> tuple[Entities, RewriteResult]:
        """The text's entities and its rewrite from ``source`` to ``target`` context under ``policy`` (the mode,
        keep and force lists); ``mapping`` (a saved one) keeps what it maps. Pseudonymize and redact stay in the
        source country: they take no target."""
        check_text(text, self.config.max_chars)
        policy = policy or Policy()
        source = _anchor(source, "source")
        target = _anchor(target, "target") if policy.mode == "localize" else None
        entities = with_contacts(text, self.tagger([text])[0])  # addresses follow the names they spell
        checker = self.tagger if type_check else None
        result = self.localizer.rewrite(
            text, entities, target, source, tuple(types), checker, policy=policy, mapping=mapping
        )
        return entities, result


def _anchor(word: str, name: str) -> str:
    if not isinstance(word, str) or not word.strip():
        raise InputError(f"the {name} context must be a word such as India or USA")
    return word.strip()
