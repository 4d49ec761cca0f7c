"""Which of a country's given names and surnames go together: names of one community (India: Hindu, Muslim, Sikh,
Tamil names; Nigeria: Hausa, Yoruba, Igbo; Malaysia: Malay, Chinese, Indian) rarely mix in one person.

Two signals, both of the names alone:
- each name's *fingerprint*: the share of its bearers in each country, from ``names-dataset`` (730M public
  profiles). Names of one community share a diaspora: Muslim names of India are also borne in Pakistan,
  Bangladesh and the Gulf, Sikh names in Canada and the United Kingdom, Tamil names in Malaysia and Singapore,
  Hausa names in Niger and Sudan, Christian English names of Nigeria in Ghana and Britain;
- its *spelling*: names of one language share letter sequences (Yoruba Ade-, Olu-, Ogun-; Hausa Abdul-), which
  tells apart communities borne at home only (Yoruba and Igbo names are nearly all Nigeria's).
At build time (``python -m localize.names``) the given names and surnames of one country are embedded together
(each signal on its own first principal axes, centred on the country's names) and shipped as small integers;
at run time the compatibility of a given name and a surname is the cosine of their coordinates, shrunk for
names near the country's centre (borne by every community, whose direction means little). ``localize.allocate``
adds it to the score of the name drawn second, so "Laxmi Ali" becomes rare while the draw still follows the
names' frequencies. How often chosen pairs go together is measured by a third signal, the names' GloVe vectors
(benchmarks/naturalness.py).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence

import numpy as np

# Coordinates per name: the first FINGERPRINT_DIMENSIONS principal axes of the country fingerprints, then the
# first SPELLING_DIMENSIONS of the names' letter trigrams.
FINGERPRINT_DIMENSIONS = 4
SPELLING_DIMENSIONS = 6
DIMENSIONS = FINGERPRINT_DIMENSIONS + SPELLING_DIMENSIONS
# The spelling's typical length against the fingerprint's (1): it tells apart names borne at home only, but
# alone it pairs rhymes ("Khan" and "Mohan").
SPELLING_WEIGHT = 0.5
SCALE = 127  # coordinates are stored as integers in [-SCALE, SCALE] (int8)


def coordinates(fingerprints: Sequence[Mapping[str, float]], names: Sequence[str], home: str) -> np.ndarray:
    """Integer coordinates, one row per name: where its bearers live outside ``home`` (the country whose names
    these are) and how it is spelt, the spelling's typical length ``SPELLING_WEIGHT`` times the fingerprint's.
    A name's spelling counts as much as its bearers live at home: a name with a diaspora is told by it, and
    spelling alone would pair "Abigail" with "Abdullahi" by their first letters."""
    blocks = [_principal(_fingerprint_matrix(fingerprints, home), FINGERPRINT_DIMENSIONS)]
    at_home = np.array([_home_share(fingerprint, home) for fingerprint in fingerprints])
    blocks.append(_principal(_trigram_matrix(names), SPELLING_DIMENSIONS) * at_home[:, None])
    weights = (1.0, SPELLING_WEIGHT)
    typical = [float(np.median(np.linalg.norm(block, axis=1))) or 1.0 for block in blocks]
    blocks = [w * block / t for w, block, t in zip(weights, blocks, typical, strict=True)]
    joined = np.hstack(blocks)
    largest = float(np.abs(joined).max()) or 1.0
    return np.rint(joined / largest * SCALE).astype(np.int8)


def _home_share(fingerprint: Mapping[str, float], home: str) -> float:
    """The share of a name's bearers who live at home (0.5 where names-dataset does not know the name)."""
    total = sum(fingerprint.values())
    return fingerprint.get(home, 0.0) / total if total else 0.5


def _fingerprint_matrix(fingerprints: Sequence[Mapping[str, float]], home: str) -> np.ndarray:
    """Square roots of the shares of each name's bearers per country, ``home`` left out and not renormalized:
    a name borne nearly only at home (Igbo and Yoruba names in Nigeria) sits near the centre, where the spelling
    decides, while a name with a diaspora (Hausa names in Niger and Sudan, English ones in Ghana and Britain)
    shows it."""
    countries = sorted({code for fingerprint in fingerprints for code in fingerprint} - {home})
    column = {code: i for i, code in enumerate(countries)}
    matrix = np.zeros((len(fingerprints), max(len(countries), 1)))
    for row, fingerprint in enumerate(fingerprints):
        total = sum(fingerprint.values()) or 1.0
        for code, share in fingerprint.items():
            if code in column:
                matrix[row, column[code]] = np.sqrt(share / total)
    return matrix


def _trigram_matrix(names: Sequence[str]):
    """TF-IDF of the letter trigrams of each name ("^ad", "ade", "dey", ... for Adeyemi), rows of unit length, as
    a sparse matrix: names of one language share sounds (Yoruba Ade-, Olu-; Hausa Abdul-; Igbo Chi-, Nn-)."""
    from scipy.sparse import csr_matrix

    grams = [[word[i : i + 3] for i in range(len(word) - 2)] for word in (f"^{name.lower()}$" for name in names)]
    column: dict[str, int] = {}
    rows, columns = [], []
    for row, found in enumerate(grams):
        for gram in found:
            rows.append(row)
            columns.append(column.setdefault(gram, len(column)))
    ones = np.ones(len(rows), dtype=np.float64)
    matrix = csr_matrix((ones, (rows, columns)), shape=(len(names), max(len(column), 1)))
    matrix.sum_duplicates()
    seen = np.bincount(matrix.indices, minlength=matrix.shape[1])
    matrix = matrix.multiply(np.log(len(names) / np.maximum(seen, 1))[None, :]).tocsr()
    lengths = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    return csr_matrix(matrix.multiply(1.0 / np.maximum(lengths, 1e-9)[:, None]))


def _principal(matrix, dimensions: int, iterations: int = 4) -> np.ndarray:
    """The rows (dense or sparse), centred, on their first principal axes: a randomized SVD (a fixed seed, a few
    power iterations), fast on thousands of names by thousands of trigrams and the same on every build."""
    mean = np.asarray(matrix.mean(axis=0)).ravel()
    rng = np.random.default_rng(0)
    sketch = rng.standard_normal((matrix.shape[1], dimensions + 10))

    def times(right: np.ndarray) -> np.ndarray:  # (matrix - mean) @ right
        return np.asarray(matrix @ right) - mean @ right

    def transposed(left: np.ndarray) -> np.ndarray:  # (matrix - mean).T @ left
        return np.asarray(matrix.T @ left) - np.outer(mean, left.sum(axis=0))

    basis, _ = np.linalg.qr(times(sketch))
    for _ in range(iterations):
        basis, _ = np.linalg.qr(times(transposed(basis)))
    small = transposed(basis).T  # basis.T @ (matrix - mean)
    left, values, _ = np.linalg.svd(small, full_matrices=False)
    found = min(dimensions, len(values))
    out = np.zeros((matrix.shape[0], dimensions))
    out[:, :found] = (basis @ left[:, :found]) * values[:found]
    return out


def encode(rows: np.ndarray) -> str:
    """Integer coordinates as one base64 string (int8, row after row), compact in the shipped JSON."""
    return base64.b64encode(np.asarray(rows, dtype=np.int8).tobytes()).decode("ascii")


def decode(text: str, dimensions: int = DIMENSIONS) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=np.int8).reshape(-1, dimensions)


def unit_rows(rows: np.ndarray) -> np.ndarray:
    """Rows scaled for ``compatibility``: unit direction times min(1, norm / the rows' median norm), so that a
    name near the country's centre (borne by every community) pulls little either way."""
    rows = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    typical = float(np.median(norms[norms > 0])) if np.any(norms > 0) else 1.0
    return rows / np.maximum(norms, 1e-9) * np.minimum(1.0, norms / typical)


def compatibility(candidates: np.ndarray, partner: np.ndarray) -> np.ndarray:
    """How well each candidate (rows of ``unit_rows``) goes with ``partner`` (one such row): -1 .. 1."""
    return candidates @ partner
