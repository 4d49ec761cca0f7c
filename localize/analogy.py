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
        keys = [self._anchor_key(word, role) for word, role in ((target, "target"), (source, "source"))]
        lowered = [word.lower() for word in (target, source, *keys)]
        banned = set(lowered)
        for word in lowered:
            banned.update(ALIASES.get(word, ()))
        prefixes = tuple(sorted({w for w in lowered if len(w) >= 4}))
        return Anchors(keys[0], keys[1], frozenset(banned), prefixes)

    def _anchor_key(self, word: str, role: str) -> str:
        key = self.index.lookup(word.strip()) if word and word.strip() else None
        if key is None:
            key = self.index.lookup_phrase(word.split())
        if key is None:
            raise LocalizeError(f"unknown {role} word {word!r}: not a country name and not in the vectors' vocabulary")
        return key

    def _candidates(
        self, key: str, fine: tuple[str, ...] | None, anchors: Anchors, limit: int
    ) -> tuple[tuple[str, float], ...]:
        """Up to ``limit`` (vocabulary word, cosine to the analogy point), best first, already filtered.
        Looks at a few dozen neighbours first and widens to ``topn`` only when filters reject too many."""
        target, source = self.index.unit(anchors.target), self.index.unit(anchors.source)
        query = self.index.unit(key) + target - source
        query /= np.linalg.norm(query) or 1.0
        out: list[tuple[str, float]] = []
        for n in sorted({min(8 * limit, self.config.topn), self.config.topn}):
            positions, sims = self._search(query, fine, n)
            out = self._filter(positions, sims, key.lower(), anchors, target - source, limit)
            if len(out) >= limit or len(positions) < n:  # enough, or nothing more to widen to
                break
        return tuple(out)

    def _search(
        self, query: np.ndarray, fine: tuple[str, ...] | None, n: int
    ) -> tuple[np.ndarray, np.ndarray]:
        if fine is None or self.types is None:
            return self.index.nearest(query, n)
        found = [self.index.nearest(query, n, self.types.blocks[c]) for c in fine]
        positions, sims = np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found])
        order = np.argsort(-sims, kind="stable")[:n]
        return positions[order], sims[order]

    def _filter(
        self,
        positions: np.ndarray,
        sims: np.ndarray,
        original: str,
        anchors: Anchors,
        direction: np.ndarray,
        limit: int,
    ) -> list[tuple[str, float]]:
        closer = self.index.matrix[positions] @ direction > 0  # cos(word, target) > cos(word, source)
        out = []
        for position, score, ok in zip(positions.tolist(), sims.tolist(), closer.tolist(), strict=True):
            word = self.index.words[position]
            if (ok or not self.config.require_closer_to_target) and self._allowed(word, original, anchors):
                out.append((word, score))
                if len(out) == limit:
                    break
        return out

    @staticmethod
    def _allowed(word: str, original: str, anchors: Anchors) -> bool:
        low = word.lower()
        if low in anchors.banned or low.startswith(anchors.prefixes):
            return False
        return not (low.startswith(original) or original.startswith(low))  # "paris" -> "parisian"
