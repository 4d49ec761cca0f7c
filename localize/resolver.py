"""Ranked replacement choices for one entity surface: joined phrase first, then word by word."""

from __future__ import annotations

import re
from dataclasses import dataclass

from localize.analogy import AnalogySearch, Anchors
from localize.casing import match_casing
from localize.seeds import COARSE, STOP_WORDS
from localize.typefilter import TypeFilter

_SPACES = re.compile(r"(\s+)")


@dataclass(frozen=True)
class Choice:
    """A replacement in vocabulary spelling: a whole phrase, or one word (or None = keep) per token."""

    score: float
    phrase: str | None = None
    words: tuple[str | None, ...] = ()

    def render(self, surface: str, lowercase_vocab: bool) -> str:
        if self.phrase is not None:
            return match_casing(surface, self.phrase, lowercase_vocab)
        parts = _SPACES.split(surface)
        for i, word in enumerate(self.words):
            if word is not None:
                parts[2 * i] = match_casing(parts[2 * i], word, lowercase_vocab)
        return "".join(parts)

    def word_for(self, token: str, tokens: list[str]) -> str | None:
        """What this choice put in place of ``token`` of the full form (for partial mentions)."""
        if self.phrase is not None:
            return self.phrase
        lowered = [t.lower() for t in tokens]
        return self.words[lowered.index(token.lower())] if token.lower() in lowered else None


@dataclass(frozen=True)
class Resolution:
    choices: tuple[Choice, ...]
    reason: str | None = None


def words_of(surface: str) -> list[str]:
    return _SPACES.split(surface)[::2]


class Resolver:
    def __init__(self, search: AnalogySearch, types: TypeFilter | None, depth: int) -> None:
        self.search = search
        self.index = search.index
        self.types = types
        self.depth = depth  # choices kept per entity (probing + alternatives)

    def resolve(self, surface: str, group: str, anchors: Anchors) -> Resolution:
        tokens = words_of(surface)
        phrase_key = self.index.lookup_phrase(tokens)
        if phrase_key is not None:
            hits = self._hits(phrase_key, self._fine(phrase_key, group), anchors)
            if hits:
                return Resolution(tuple(Choice(score, phrase=word) for word, score in hits))
        return self._per_word(tokens, group, anchors)

    def _per_word(self, tokens: list[str], group: str, anchors: Anchors) -> Resolution:
        keys = [None if t.lower() in STOP_WORDS else self.index.lookup(t) for t in tokens]
        if all(key is None for key in keys):
            return Resolution((), f"out of vocabulary: {' '.join(tokens)!r}")
        single = len(tokens) == 1
        hits = [self._hits(k, self._fine(k, group, single), anchors) if k else [] for k in keys]
        if not any(hits):
            return Resolution(
                (), f"no {group} candidate closer to {anchors.target!r} than to {anchors.source!r}"
            )
        choices = []
        for rank in range(self.depth):
            picked = [h[min(rank, len(h) - 1)] if h else None for h in hits]
            scores = [p[1] for p in picked if p]
            choices.append(
                Choice(sum(scores) / len(scores), words=tuple(p[0] if p else None for p in picked))
            )
        return Resolution(tuple(dict.fromkeys(choices)))

    def _hits(
        self, key: str, fine: tuple[str, ...] | None | bool, anchors: Anchors
    ) -> list[tuple[str, float]]:
        if fine is False:  # a generic word inside a name ("United", "Bank"): keep it
            return []
        return list(self.search.candidates(key, fine, anchors, self.depth))

    def _fine(self, key: str, group: str, whole: bool = True) -> tuple[str, ...] | None | bool:
        """Fine classes to search: the word's own class when it fits the entity type ("Paris" -> CITY).
        Inside multi-word LOC/ORG names a word keeps its own entity class or, if generic, is kept."""
        if self.types is None:
            return None
        allowed = TypeFilter.fine_classes(group)
        own = self.types.classify(self.index.unit(key))
        if whole or group == "PER":
            return (own,) if own in allowed else (allowed or None)
        return (own,) if COARSE[own] != "OTHER" else False
