"""The public entry point and the one path of a rewrite: survey the text, decide each entity, allocate the moves
into an ``EntityMap``, splice it in once. A country target takes the grounded strategy (``localize.grounded``
decides, ``localize.allocate`` allocates); any other word the open-vocabulary one (``localize.openvocab``). The
``Policy`` picks the mode (localize, pseudonymize within one country, redact to numbered tags: ``localize.redact``),
adds forced entities and keeps what the writer keeps; a saved ``EntityMap`` carries a series' names on."""

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
from localize.contacts import CONTACT_TYPES, follow_contacts
from localize.countries import Country, find_country
from localize.grounded import Rules
from localize.mapping import Decision, EntityMap, Entry, Kept, Span
from localize.openvocab import OpenVocabulary, organisation_words
from localize.policy import KEEP_REASON, Policy
from localize.redact import Redactor, sweep
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
        *,
        policy: Policy | None = None,
        mapping: EntityMap | None = None,
    ) -> RewriteResult:
        """Replace the entities of ``text`` (Hugging Face pipeline dicts) of the selected ``types`` with their
        counterparts in ``target``, seen from ``source``. A target that names a country draws on that country's
        real cities, regions and names; any other word uses the open-vocabulary analogy. ``type_checker`` (a
        tagger) vets the open-vocabulary analogy's candidates; grounded candidates are real things of the kind
        already, so it is not consulted for them. ``policy``: the mode, keep and force lists, the redact format
        (default: localize, nothing kept or forced). ``mapping`` (an earlier result's ``mapping``; ``fixed`` is its
        older name) keeps what it maps: its mode, target and source are the defaults, and must fit ``policy``."""
        if not isinstance(text, str):
            raise LocalizeError(f"text must be a string, not {type(text).__name__}")
        policy = policy or Policy()
        saved = mapping or fixed
        target, source = self._countries(policy, saved, target, source)
        mentions = mentions_from_entities(text, policy.entities(text, list(entities)) if policy.force else entities)
        selected = set(policy.types(self.config.types) if types is None else types) | set(policy.force.values())
        if policy.mode == "redact":  # an address is personal data however the types were chosen
            selected |= set(CONTACT_TYPES)
        if policy.mode == "redact":
            mentions = sweep(text, mentions, lambda m: m.entity_group in selected and not policy.kept(m.text))
        strategy = self.strategy(target, source, type_checker, policy)
        strategy.survey(text, mentions, selected)
        decisions = [(m, self._decide(strategy, m, selected, policy)) for m in mentions]
        entity_map = strategy.allocate(decisions, saved.reusable() if saved is not None else None)
        for mention, decision in decisions:
            if isinstance(decision, Kept) and decision.reason == KEEP_REASON:  # the writer's keep beats a saved map
                entity_map.put(mention.entity_group, mention.text, Entry(reason=KEEP_REASON))
        if policy.mode != "redact":
            contacts = [m for m in mentions if m.entity_group in CONTACT_TYPES and not policy.kept(m.text)]
            follow_contacts(entity_map, contacts, saved, self.config.contact_min_letters)
        if saved is not None:
            entity_map.carry(saved)
        entity_map.mode = policy.mode
        return _splice(text, mentions, entity_map)

    def _countries(
        self, policy: Policy, saved: EntityMap | None, target: str | None, source: str | None
    ) -> tuple[str, str]:
        """(target, source): as given, else the saved map's, else the config's; pseudonymize and redact stay in
        the source country by default."""
        if saved is not None and saved.mode != policy.mode:
            raise LocalizeError(f"the mapping is of mode {saved.mode}, not {policy.mode}: pass the mode it was made in")
        source = source or (saved.source if saved is not None else self.config.source)
        if saved is not None:
            target = target or saved.target
        if target is None:
            target = self.config.target if policy.mode == "localize" else source
        return target, source

    @staticmethod
    def _decide(strategy: Strategy, mention: Mention, selected: set[str], policy: Policy) -> Decision:
        if mention.entity_group not in selected:
            return _unselected(mention)
        if policy.kept(mention.text):
            return Kept(KEEP_REASON)
        return strategy.decide(mention)

    def strategy(
        self, target: str, source: str, checker: TypeChecker | None = None, policy: Policy | None = None
    ) -> Strategy:
        """Redact's numbered tags, the grounded strategy for a target that names a country, else the
        open-vocabulary one (which cannot pseudonymize)."""
        mode = policy.mode if policy is not None else "localize"
        country = find_country(target) if self.config.grounded or mode != "localize" else None
        if mode == "redact":
            where = find_country(source)
            name = where.name if where else source
            entity_map = EntityMap(name, name, "redact", mode=mode)
            redactor = Redactor(self.config, self._common, entity_map, (policy or Policy()).redact_format)
            return Strategy(redactor.survey, redactor.decide, redactor.allocate)
        if country is not None:
            return self._grounded(country, source, pseudonymous=mode == "pseudonymize")
        if mode == "pseudonymize":
            raise LocalizeError(f"pseudonymize needs a country target, and {target!r} names none")
        anchors = self.search.anchors(target, source)
        mapping = EntityMap(anchors.target, anchors.source, "open-vocabulary", _notice(target, country_named=False))
        if find_country(target) is not None:
            mapping.notice = _notice(target, country_named=True)
        strategy = OpenVocabulary(self.config, self._resolve, self.index.lowercase, anchors, checker, mapping)
        return Strategy(strategy.survey, strategy.decide, strategy.allocate)

    def _grounded(self, target: Country, source_word: str, pseudonymous: bool = False) -> Strategy:
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
        allocator = Allocator(self.ranker, target, mapping, vectors, analogy, pseudonymous)
        rules = Rules(self.config, target, source, self._common, pseudonymous)
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
    mapping.spans = []
    for r in records:
        if r.replacement is not None:
            r.new_start, r.new_end = next(new_spans)
            shift = r.new_end - r.end
            span = Span(r.entity_group, r.original, r.replacement, r.start, r.end, r.new_start, r.new_end)
            mapping.spans.append(span)
        else:
            r.new_start, r.new_end = r.start + shift, r.end + shift
    return RewriteResult(new_text, text, mapping.target, mapping.source, records, mapping)
