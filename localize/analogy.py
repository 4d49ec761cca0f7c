"""Analogy search ``entity + target - source`` with exclusions, type blocks and caching."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from localize.config import LocalizeConfig
from localize.errors import LocalizeError
from localize.index import VectorIndex
from localize.seeds import ALIASES
from localize.typefilter import TypeFilter


@dataclass(frozen=True)
class Anchors:
    target: str
    source: str
    banned: frozenset[str]  # lower-case anchors, demonyms and aliases
    prefixes: tuple[str, ...]  # "india" also bans "indians", "india's"


class AnalogySearch:
    def __init__(self, index: VectorIndex, types: TypeFilter | None, config: LocalizeConfig) -> None:
        self.index = index
        self.types = types
        self.config = config
        self.candidates = lru_cache(maxsize=config.cache_size)(self._candidates)

    def anchors(self, target: str, source: str) -> Anchors:
        keys = [self._anchor_key(word) for word in (target, source)]
        lowered = [word.lower() for word in (target, source, *keys)]
        banned = set(lowered)
        for word in lowered:
            banned.update(ALIASES.get(word, ()))
        prefixes = tuple(sorted({w for w in lowered if len(w) >= 4}))
        return Anchors(keys[0], keys[1], frozenset(banned), prefixes)

    def _anchor_key(self, word: str) -> str:
        key = self.index.lookup(word.strip()) if word and word.strip() else None
        if key is None:
            key = self.index.lookup_phrase(word.split())
        if key is None:
            raise LocalizeError(f"unknown anchor word {word!r}: not in the vectors' vocabulary")
        return key

    def _candidates(
        self, key: str, fine: tuple[str, ...] | None, anchors: Anchors
    ) -> tuple[tuple[str, float], ...]:
        """Ranked (vocabulary word, cosine to the analogy point), best first, already filtered."""
        target, source = self.index.unit(anchors.target), self.index.unit(anchors.source)
        query = self.index.unit(key) + target - source
        query /= np.linalg.norm(query) or 1.0
        hits = self._search(query, fine)
        original = key.lower()
        out = []
        for position, score in hits:
            word = self.index.words[position]
            if self._allowed(word, original, anchors, target, source, position):
                out.append((word, score))
        return tuple(out)

    def _search(self, query: np.ndarray, fine: tuple[str, ...] | None) -> list[tuple[int, float]]:
        n = self.config.topn
        if fine is None or self.types is None:
            return self.index.nearest(query, n)
        hits = [hit for c in fine for hit in self.index.nearest(query, n, self.types.blocks[c])]
        return sorted(hits, key=lambda hit: -hit[1])[:n]

    def _allowed(
        self,
        word: str,
        original: str,
        anchors: Anchors,
        target: np.ndarray,
        source: np.ndarray,
        position: int,
    ) -> bool:
        low = word.lower()
        if low in anchors.banned or low.startswith(anchors.prefixes):
            return False
        if low.startswith(original) or original.startswith(low):  # "paris" -> "parisian", "mitchells"
            return False
        if not self.config.require_closer_to_target:
            return True
        row = self.index.matrix[position]
        return float(row @ target) > float(row @ source)
