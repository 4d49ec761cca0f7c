"""The search behind the open-vocabulary analogy ``entity + target - source`` over the vectors' own words: a
vector-only type filter (k-nearest-seed vote), exclusions, phrase then word-by-word resolution, and the probes
of an injected tagger. ``localize.openvocab`` decides and allocates with it."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from localize.config import LocalizeConfig, LocalizeError
from localize.countries import aliases
from localize.seeds import COARSE, SEEDS, STOP_WORDS
from localize.text import match_casing, words_of
from localize.vectors import VectorIndex


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
    def build(cls, index: VectorIndex, k: int, min_seeds: int) -> TypeFilter | None:
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
            banned.update(aliases(word.replace("_", " ")))
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
    # Word by word: each token's candidates (vocabulary word, cosine), best first; empty for a phrase.
    hits: tuple[tuple[tuple[str, float], ...], ...] = ()


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
        return Resolution(tuple(dict.fromkeys(choices)), None, tuple(tuple(h) for h in hits))

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


TypeChecker = Callable[[list[str]], Sequence[Sequence[Mapping[str, Any]]]]

def context(text: str, start: int, end: int, window: int) -> tuple[int, int]:
    """The line around ``[start, end)``, clipped to ``window`` characters either side."""
    lo = max(text.rfind("\n", 0, start) + 1, start - window)
    hi = text.find("\n", end)
    hi = min(len(text) if hi < 0 else hi, end + window)
    return lo, hi


def accepted(
    checker: TypeChecker, text: str, requests: list[tuple[int, int, str, list[str]]], window: int
) -> list[list[bool]]:
    """For each ``(start, end, group, candidates)``: whether the checker tags each candidate as ``group``
    when spliced into the entity's own sentence. One batched checker call for the whole text."""
    probes, spans = [], []
    for start, end, _, candidates in requests:
        lo, hi = context(text, start, end, window)
        for candidate in candidates:
            probes.append(text[lo:start] + candidate + text[end:hi])
            spans.append((start - lo, start - lo + len(candidate)))
    tagged = list(checker(probes)) if probes else []
    verdicts = iter(_matches(ents, span) for ents, span in zip(tagged, spans, strict=True))
    groups = (group for _, _, group, _ in requests)
    out = []
    for (_, _, _, candidates), group in zip(requests, groups, strict=True):
        out.append([group in next(verdicts) for _ in candidates])
    return out


def _matches(entities: Sequence[Mapping[str, Any]], span: tuple[int, int]) -> set[str]:
    """Types the tagger gave to anything overlapping the candidate's span."""
    found = set()
    for entity in entities:
        if int(entity["start"]) < span[1] and int(entity["end"]) > span[0]:
            group = str(entity.get("entity_group") or entity.get("entity", ""))
            found.add(group.split("-", 1)[1] if group[:2] in ("B-", "I-") else group)
    return found
