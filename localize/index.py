"""Case-aware lookup and fast nearest-neighbour search over a normalised, frequency-restricted matrix."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from gensim.models import KeyedVectors

from localize.seeds import STOP_WORDS

# Letters, optionally joined by - ' _ . (phrases such as New_York); no digits or bare punctuation.
_WORDLIKE = re.compile(r"^[^\W\d_]{2,}(?:[-'_.][^\W\d_]+)*$")


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


class VectorIndex:
    """Wraps ``KeyedVectors``: case-insensitive lookup for lower-case vocabularies, phrase lookup and
    cosine search restricted to the ``search_vocab`` most frequent word-like keys."""

    def __init__(self, kv: KeyedVectors, search_vocab: int) -> None:
        self.kv = kv
        self.lowercase = not any(any(c.isupper() for c in str(k)) for k in kv.index_to_key[:5000])
        head = kv.index_to_key[:search_vocab]
        keep = [i for i, w in enumerate(head) if _searchable(str(w))]
        self.rows = np.asarray(keep, dtype=np.int64)
        self.words: list[str] = [str(head[i]) for i in keep]
        self.matrix = _unit(np.asarray(kv.vectors[self.rows], dtype=np.float32))

    def lookup(self, word: str) -> str | None:
        """The vocabulary key for ``word``: exact, then lower/Title/UPPER variants; None if absent."""
        variants = (word.lower(),) if self.lowercase else (word, word.lower(), word.title(), word.upper())
        return next((v for v in variants if v in self.kv.key_to_index), None)

    def lookup_phrase(self, tokens: Sequence[str]) -> str | None:
        return self.lookup("_".join(tokens)) if len(tokens) > 1 else None

    def unit(self, key: str) -> np.ndarray:
        return _unit(np.asarray(self.kv.vectors[self.kv.key_to_index[key]], dtype=np.float32))

    def block(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """A (positions, unit rows) pair to search repeatedly without re-slicing the matrix."""
        return positions, np.ascontiguousarray(self.matrix[positions])

    def nearest(
        self, query: np.ndarray, n: int, block: tuple[np.ndarray, np.ndarray] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``n`` positions in ``self.words`` and their cosines to a unit ``query``, best first."""
        positions, matrix = block if block is not None else (None, self.matrix)
        # einsum's plain loop beats multi-threaded BLAS gemv by 10x when the cores are busy elsewhere.
        sims = np.einsum("ij,j->i", matrix, query)
        n = min(n, len(sims))
        if n == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        top = np.argpartition(sims, len(sims) - n)[-n:]
        top = top[np.argsort(-sims[top], kind="stable")]
        return (top if positions is None else positions[top]), sims[top]

def _searchable(word: str) -> bool:
    return bool(_WORDLIKE.match(word)) and word.lower() not in STOP_WORDS and not word.endswith(".")
