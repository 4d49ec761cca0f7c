"""The public entry point and the one path of a rewrite: survey the text, decide each entity, allocate the moves
into an ``EntityMap``, splice it in once. A country target takes the grounded strategy (``localize.grounded``
decides, ``localize.allocate`` allocates); any other word the open-vocabulary one (``localize.openvocab``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from gensim.models import KeyedVectors

from localize.allocate import Allocator, Ranker
from localize.analogy import AnalogySearch, Anchors, Resolution, TypeChecker, TypeFilter
from localize.config import LocalizeConfig, LocalizeError
from localize.countries import Country, find_country
from localize.grounded import Rules
from localize.mapping import Decision, EntityMap, Kept
from localize.openvocab import OpenVocabulary, organisation_words
from localize.result import Replacement, RewriteResult
from localize.text import Mention, mentions_from_entities, splice
from localize.vectors import VectorIndex, load_vectors


class Strategy(NamedTuple):
    """The three steps a strategy brings to the path, for one text."""

    survey: Callable[[str, Sequence[Mention], set[str]], Any]
    decide: Callable[[Mention], Decision]
    allocate: Callable[[Sequence[tuple[Mention, Decision]], EntityMap | None], EntityMap]


class Localizer:
    """``Localizer.load().rewrite(text, entities)``: "I live in Paris" -> "I live in Delhi"."""

    def __init__(self, kv: KeyedVectors, config: LocalizeConfig | None = None, name: str = "custom") -> None:
        self.config = config or LocalizeConfig()
        self.name = name
        self.index = VectorIndex(kv, self.config.search_vocab)
        self.ranker = Ranker(self.index, self.config)

    # The open-vocabulary analogy is built on first use (the type filter labels 150k words: ~1 s), since
    # country targets need it only for organisations.
    @cached_property
    def types(self) -> TypeFilter | None:
        config = self.config
        return TypeFilter.build(self.index, config.type_k, config.type_min_seeds) if config.vector_type_filter else None

    @cached_property
    def search(self) -> AnalogySearch:
        return AnalogySearch(self.index, self.types, self.config)

    @cached_property
    def _resolve(self) -> Callable[[str, str, Anchors], Resolution]:
        from localize.analogy import Resolver

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
        fixed: EntityMap | None = None,
    ) -> RewriteResult:
        """Replace the entities of ``text`` (Hugging Face pipeline dicts) of the selected ``types`` with their
        counterparts in ``target``, seen from ``source``. A target that names a country draws on that country's
        real cities, regions and names; any other word uses the open-vocabulary analogy. ``type_checker`` (a
        tagger) vets the open-vocabulary analogy's candidates; grounded candidates are real things of the kind
        already, so it is not consulted for them. ``fixed`` (an earlier result's ``mapping``) keeps what it maps."""
        if not isinstance(text, str):
            raise LocalizeError(f"text must be a string, not {type(text).__name__}")
        mentions = mentions_from_entities(text, entities)
        selected = set(self.config.types if types is None else types)
        strategy = self.strategy(target or self.config.target, source or self.config.source, type_checker)
        strategy.survey(text, mentions, selected)
        decisions = [(m, strategy.decide(m) if m.entity_group in selected else _unselected(m)) for m in mentions]
        return _splice(text, mentions, strategy.allocate(decisions, fixed))

    def strategy(self, target: str, source: str, checker: TypeChecker | None = None) -> Strategy:
        """The grounded strategy for a target that names a country, else the open-vocabulary one."""
        country = find_country(target) if self.config.grounded else None
        if country is not None:
            return self._grounded(country, source)
        anchors = self.search.anchors(target, source)
        mapping = EntityMap(anchors.target, anchors.source, "open-vocabulary", _notice(target, country_named=False))
        if find_country(target) is not None:
            mapping.notice = _notice(target, country_named=True)
        strategy = OpenVocabulary(self.config, self._resolve, self.index.lowercase, anchors, checker, mapping)
        return Strategy(strategy.survey, strategy.decide, strategy.allocate)

    def _grounded(self, target: Country, source_word: str) -> Strategy:
        source = find_country(source_word)
        vectors = (self._anchor_vector(target.name, "target"), self._anchor_vector(source_word, "source"))
        analogy = None
        if self.config.organisation_analogy:
            try:
                anchors = self.search.anchors(target.name, source_word)
            except LocalizeError:  # only an organisation would need the word: keep organisations instead
                anchors = None
            analogy = organisation_words(self._resolve, anchors, self.index.lowercase) if anchors else None
        mapping = EntityMap(target.name, source.name if source else source_word, "grounded")
        allocator = Allocator(self.ranker, target, mapping, vectors, analogy)
        rules = Rules(self.config, target, source, self._common)
        return Strategy(rules.survey, rules.decide, allocator.allocate)

    def _common(self, word: str) -> bool:
        """One of the vectors' most frequent words ("golden", "university"): no place name on its own."""
        rank = self.index.kv.key_to_index.get(word.lower())
        return rank is not None and rank < self.config.common_words

    def _anchor_vector(self, word: str, role: str) -> np.ndarray:
        vector = self.ranker.vector(word.split())
        if vector is None:
            raise LocalizeError(f"unknown {role} word {word!r}: not a country name and not in the vectors' vocabulary")
        return vector


def _unselected(mention: Mention) -> Kept:
    return Kept(f"type {mention.entity_group} not selected")


def _notice(target: str, country_named: bool) -> str:
    if country_named:
        return (
            f"{target} is a country, but the open-vocabulary analogy was asked for: replacements are the words "
            "nearest the analogy in the vectors, not real people and places of that country."
        )
    return (
        f"{target!r} names no country: replacements are the open-vocabulary analogy, the words nearest "
        f"entity + {target} - source in the vectors, not real people and places."
    )


def _splice(text: str, mentions: Sequence[Mention], mapping: EntityMap) -> RewriteResult:
    """Every mention's record from the map, and the new text with every replacement in place."""
    records = []
    for mention in mentions:
        entry = mapping.get(mention.entity_group, mention.text)
        assert entry is not None, mention  # allocate maps every mention
        record = Replacement(mention.text, mention.entity_group, mention.start, mention.end, entry.replacement)
        record.reason, record.kind, record.pool, record.score = entry.reason, entry.kind, entry.pool, entry.score
        record.alternatives, record.follows = list(entry.alternatives), entry.follows
        records.append(record)
    new_text, spans = splice(text, [(r.start, r.end, r.replacement) for r in records if r.replacement is not None])
    new_spans = iter(spans)
    shift = 0
    for r in records:
        if r.replacement is not None:
            r.new_start, r.new_end = next(new_spans)
            shift = r.new_end - r.end
        else:
            r.new_start, r.new_end = r.start + shift, r.end + shift
    return RewriteResult(new_text, text, mapping.target, mapping.source, records, mapping)
