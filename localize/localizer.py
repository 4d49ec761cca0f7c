"""The public entry point: rewrite a text by swapping its entities for word-vector analogies."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from gensim.models import KeyedVectors

from localize.config import LocalizeConfig, LocalizeError
from localize.countries import Country, find_country
from localize.grounded import Kept, Outcome, Pick, Plan, Ranker
from localize.openvocab import (
    AnalogySearch,
    Anchors,
    Choice,
    Resolution,
    Resolver,
    TypeChecker,
    TypeFilter,
    accepted,
)
from localize.result import Replacement, RewriteResult
from localize.text import Key, Mention, full_forms, key_of, located_mentions, mentions_from_entities, splice
from localize.vectors import VectorIndex, load_vectors


class Localizer:
    """``Localizer.load().rewrite(text, entities)``: "I live in Paris" -> "I live in Delhi"."""

    def __init__(self, kv: KeyedVectors, config: LocalizeConfig | None = None, name: str = "custom") -> None:
        self.config = config or LocalizeConfig()
        self.name = name
        self.index = VectorIndex(kv, self.config.search_vocab)
        self.ranker = Ranker(self.index, self.config.prior_weight, self.config.alternatives, self.config.seed)

    # The open-vocabulary analogy is built on first use (the type filter labels 150k words: ~1 s), since
    # country targets need it only for organisations.
    @cached_property
    def types(self) -> TypeFilter | None:
        return TypeFilter.build(self.index, self.config.type_k) if self.config.vector_type_filter else None

    @cached_property
    def search(self) -> AnalogySearch:
        return AnalogySearch(self.index, self.types, self.config)

    @cached_property
    def _resolve(self) -> Callable[[str, str, Anchors], Resolution]:
        depth = max(self.config.probe_candidates, self.config.alternatives + 1)
        return lru_cache(maxsize=self.config.cache_size)(Resolver(self.search, self.types, depth).resolve)

    @classmethod
    def load(cls, vectors: str | Path | None = None, config: LocalizeConfig | None = None) -> Localizer:
        """Embedded GloVe 6B 50d by default; else a vectors file or a ``gensim.downloader`` name."""
        kv, name = load_vectors(vectors)
        return cls(kv, config, name)

    def rewrite(
        self,
        text: str,
        entities: Iterable[Mapping[str, Any]],
        target: str | None = None,
        source: str | None = None,
        types: Iterable[str] | None = None,
        type_checker: TypeChecker | None = None,
    ) -> RewriteResult:
        """Replace the entities of ``text`` (Hugging Face pipeline dicts) of the selected ``types`` with their
        counterparts in ``target``, seen from ``source``. A target that names a country draws on that country's
        real cities, regions and names; any other word uses the open-vocabulary analogy. ``type_checker`` (a
        tagger) vets the open-vocabulary analogy's candidates; grounded candidates are real things of the kind
        already, so it is not consulted for them."""
        if not isinstance(text, str):
            raise LocalizeError(f"text must be a string, not {type(text).__name__}")
        target, source = target or self.config.target, source or self.config.source
        mentions = mentions_from_entities(text, entities)
        selected = set(self.config.types if types is None else types)
        country = find_country(target) if self.config.grounded else None
        if country is not None:
            return self._rewrite_grounded(text, mentions, selected, country, source)
        anchors = self.search.anchors(target, source)
        chosen = self._choose(text, [m for m in mentions if m.entity_group in selected], anchors, type_checker)
        surfaces: dict[Key, str] = {}  # each entity as first written, to name the full form a mention follows
        for mention in mentions:
            surfaces.setdefault(key_of(mention), mention.text)
        records = [self._record(m, chosen, selected, surfaces) for m in mentions]
        return self._finish(text, records, anchors.target, anchors.source)

    def _rewrite_grounded(
        self,
        text: str,
        mentions: list[Mention],
        selected: set[str],
        target: Country,
        source_word: str,
    ) -> RewriteResult:
        source = find_country(source_word)
        same = source is not None and source.code == target.code
        plan = Plan(
            self.ranker,
            target,
            source,
            (self._anchor_vector(target.name, "target"), self._anchor_vector(source_word, "source")),
            self._organisation_analogy(target.name, source_word) if self.config.organisation_analogy else None,
            (self.config.pool_part, self.config.held_out_share),
        )
        plan.survey([(m.entity_group, m.text) for m in mentions if m.entity_group in selected])
        plan.keep_places_of_kept_entities(
            [(first.entity_group, first.text, place.text) for first, place in located_mentions(text, mentions)],
            selected,
        )
        records = []
        for mention in mentions:
            record = Replacement(mention.text, mention.entity_group, mention.start, mention.end)
            if mention.entity_group not in selected:
                record.reason = f"type {mention.entity_group} not selected"
            elif same:
                record.reason = f"the source is the target country ({target.name}): nothing to move"
            else:
                _fill(record, plan.replace(mention.entity_group, mention.text))
            records.append(record)
        return self._finish(text, records, target.name, source.name if source else source_word)

    def _anchor_vector(self, word: str, role: str) -> np.ndarray:
        vector = self.ranker.vector(word.split())
        if vector is None:
            raise LocalizeError(f"unknown {role} word {word!r}: not a country name and not in the vectors' vocabulary")
        return vector

    def _organisation_analogy(self, target: str, source: str) -> Callable[[str], Outcome] | None:
        """The open-vocabulary analogy among the vectors' organisation words, for single-word organisations."""
        try:
            anchors = self.search.anchors(target, source)
        except LocalizeError:
            return None
        used: set[str] = set()

        def analogy(surface: str) -> Outcome:
            resolution = self._resolve(surface, "ORG", anchors)
            rendered = [c.render(surface, self.index.lowercase) for c in resolution.choices]
            fresh = [t for t in dict.fromkeys(rendered) if t.lower() not in used and t != surface]
            if not fresh:
                return Kept(resolution.reason or "no organisation word fits")
            used.add(fresh[0].lower())
            score = resolution.choices[rendered.index(fresh[0])].score
            pool = "organisation words of the vectors (open-vocabulary analogy)"
            return Pick(fresh[0], "organisation", pool, round(score, 4), fresh[1 : 1 + self.config.alternatives])

        return analogy

    def _choose(
        self, text: str, mentions: list[Mention], anchors: Anchors, checker: TypeChecker | None
    ) -> dict[Key, tuple[Resolution, Key]]:
        """Per mention key: the resolution it uses (its own, or its full form's) and that full key."""
        keys = [key_of(m) for m in mentions]
        links = full_forms(keys)
        firsts: dict[Key, Mention] = {}
        for key, mention in zip(keys, mentions, strict=True):
            firsts.setdefault(key, mention)
        own = {k: self._resolve(m.text, k[0], anchors) for k, m in firsts.items() if k not in links}
        if checker is not None:
            own = self._check(text, own, firsts, checker)
        own = _distinct(own)
        return {k: (own[links.get(k, k)], links.get(k, k)) for k in firsts}

    def _check(
        self, text: str, own: dict[Key, Resolution], firsts: dict[Key, Mention], checker: TypeChecker
    ) -> dict[Key, Resolution]:
        n = self.config.probe_candidates
        keys = [k for k, r in own.items() if r.choices]
        rendered = {k: [c.render(firsts[k].text, self.index.lowercase) for c in own[k].choices[:n]] for k in keys}
        requests = [(firsts[k].start, firsts[k].end, k[0], rendered[k]) for k in keys]
        verdicts = accepted(checker, text, requests)
        out = dict(own)
        for key, ok in zip(keys, verdicts, strict=True):
            kept = tuple(c for c, good in zip(own[key].choices, ok, strict=False) if good)
            rest = own[key].choices[n:]
            reason = f"no candidate tagged {key[0]} by the type checker"
            out[key] = Resolution(kept + rest, None) if kept else Resolution((), reason)
        return out

    def _record(
        self,
        mention: Mention,
        chosen: dict[Key, tuple[Resolution, Key]],
        selected: set[str],
        surfaces: dict[Key, str],
    ) -> Replacement:
        record = Replacement(mention.text, mention.entity_group, mention.start, mention.end)
        if mention.entity_group not in selected:
            record.reason = f"type {mention.entity_group} not selected"
            return record
        key = key_of(mention)
        resolution, full = chosen[key]
        if not resolution.choices:
            record.reason = resolution.reason
            return record
        choices = [_follow(c, key, full) for c in resolution.choices] if full != key else list(resolution.choices)
        texts = list(dict.fromkeys(c.render(mention.text, self.index.lowercase) for c in choices))
        texts = [t for t in texts if t != mention.text]
        if full != key:
            record.follows = surfaces[full]
        if not texts or choices[0].render(mention.text, self.index.lowercase) == mention.text:
            record.reason = f"follows {record.follows!r}, which keeps this word"
            return record
        record.replacement, record.score = texts[0], round(choices[0].score, 4)
        record.alternatives = texts[1 : 1 + self.config.alternatives]
        return record

    def _finish(self, text: str, records: list[Replacement], target: str, source: str) -> RewriteResult:
        edits = [(r.start, r.end, r.replacement) for r in records if r.replacement is not None]
        new_text, spans = splice(text, edits)
        new_spans = iter(spans)
        shift = 0
        for r in records:
            if r.replacement is not None:
                r.new_start, r.new_end = next(new_spans)
                shift = r.new_end - r.end
            else:
                r.new_start, r.new_end = r.start + shift, r.end + shift
        return RewriteResult(new_text, text, target, source, records)


def _fill(record: Replacement, outcome: Outcome) -> None:
    if isinstance(outcome, Kept) or outcome.text == record.original:
        record.reason = outcome.reason if isinstance(outcome, Kept) else "its counterpart is the same word"
        return
    record.replacement, record.kind, record.pool = outcome.text, outcome.kind, outcome.pool
    record.score, record.alternatives, record.follows = outcome.score, outcome.alternatives, outcome.follows


def _follow(choice: Choice, partial: Key, full: Key) -> Choice:
    """The full form's choice restricted to the partial mention's words."""
    if choice.phrase is not None:
        return choice
    return Choice(choice.score, words=tuple(choice.word_for(w, list(full[1])) for w in partial[1]))


def _distinct(own: dict[Key, Resolution]) -> dict[Key, Resolution]:
    """Different entities should not collapse onto one replacement ("Paris" and "Lyon" both -> "Delhi")."""
    used: set[tuple[Any, ...]] = set()
    out = {}
    for key, resolution in own.items():
        fresh = [c for c in resolution.choices if (c.phrase, c.words) not in used]
        choices = tuple(fresh) if fresh else resolution.choices
        if choices:
            used.add((choices[0].phrase, choices[0].words))
        out[key] = Resolution(choices, resolution.reason)
    return out
