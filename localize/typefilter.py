"""Vector-only "same kind" check: a k-nearest-seed vote assigns every searchable word a fine class."""

from __future__ import annotations

import numpy as np

from localize.index import VectorIndex
from localize.seeds import COARSE, SEEDS


class TypeFilter:
    """Labels each searchable word PER / CITY / COUNTRY / ORG / NORP / OTHER by its mean cosine to the
    ``k`` nearest seed words of each class, and serves per-class search blocks."""

    def __init__(self, index: VectorIndex, k: int) -> None:
        self.index = index
        self.k = k
        self.classes = list(SEEDS)
        self.seeds = [self._seed_matrix(words) for words in SEEDS.values()]
        self.labels = self._label(index.matrix)
        self.blocks = {c: index.block(np.flatnonzero(self.labels == i)) for i, c in enumerate(self.classes)}

    @classmethod
    def build(cls, index: VectorIndex, k: int, min_seeds: int = 10) -> TypeFilter | None:
        """None when the vocabulary holds too few seed words of some class for the vote to mean anything
        (tiny or domain-specific vectors); the localizer then searches without a type filter."""
        found = {c: sum(index.lookup(w) is not None for w in words) for c, words in SEEDS.items()}
        return cls(index, k) if min(found.values()) >= min_seeds else None

    def classify(self, unit_vector: np.ndarray) -> str:
        return self.classes[int(self._label(unit_vector[None, :])[0])]

    def label_of(self, position: int) -> str:
        return self.classes[int(self.labels[position])]

    @staticmethod
    def fine_classes(entity_group: str) -> tuple[str, ...]:
        return tuple(c for c, coarse in COARSE.items() if coarse == entity_group)

    def _seed_matrix(self, words: tuple[str, ...]) -> np.ndarray:
        keys = [key for key in map(self.index.lookup, words) if key is not None]
        return (
            np.stack([self.index.unit(key) for key in keys])
            if keys
            else np.zeros((0, self.index.kv.vector_size))
        )

    def _label(self, units: np.ndarray, chunk: int = 20_000) -> np.ndarray:
        out = np.empty(len(units), dtype=np.int8)
        for lo in range(0, len(units), chunk):
            part = units[lo : lo + chunk]
            votes = np.stack([self._class_score(part, seeds) for seeds in self.seeds], axis=1)
            out[lo : lo + chunk] = votes.argmax(axis=1)
        return out

    def _class_score(self, units: np.ndarray, seeds: np.ndarray) -> np.ndarray:
        if len(seeds) == 0:
            return np.full(len(units), -np.inf, dtype=np.float32)
        sims = units @ seeds.T
        k = min(self.k, sims.shape[1])
        return np.partition(sims, sims.shape[1] - k, axis=1)[:, -k:].mean(axis=1)
