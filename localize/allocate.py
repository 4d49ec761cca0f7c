"""Replacements for the moves of one text, for a country target: ranking each pool by the analogy
``entity - source + target`` and a prior, the set of replacements already given, what each original got, the
jitter and the seed. The result is the text's ``EntityMap``.

What stays consistent across a text: a source first name always gets the same new first name, a surname the same
new surname (so "Barack Obama" and "Michelle Obama" stay one family), a place the same new place, and two
different originals never share a replacement (unless every candidate of a pool is taken).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache

import numpy as np

from localize import communities, names, organisations, places, pools
from localize.config import LocalizeConfig
from localize.countries import Country, country, normalize, takes_article
from localize.grounded import INITIAL, PARTICLES, Analogy, Around, Fixed, FullName, OneName, ToOrganisation, ToPlace
from localize.mapping import Decision, EntityMap, Entry, Kept, Kind, Move
from localize.places import Place
from localize.text import Mention, abbreviation, match_casing
from localize.vectors import VectorIndex


@dataclass
class Pick:
    """A chosen replacement and why."""

    text: str
    kind: Kind
    pool: str  # where the candidates came from
    score: float | None = None  # analogy cosine of the chosen candidate (None for rule-based picks)
    alternatives: list[str] = field(default_factory=list)
    follows: str | None = None
    parts: dict[str, dict[str, str]] = field(default_factory=dict)  # a person's names one by one (Entry.parts)
    why: str | None = None  # what the original was taken for, where a reader needs it (organisations)


Outcome = Pick | Kept


@dataclass(frozen=True)
class Pool:
    """Candidates of one kind for one country, their unit vectors (zero rows where unknown) and a [0, 1] prior."""

    label: str
    names: tuple[str, ...]
    vectors: np.ndarray
    prior: np.ndarray


class Ranker:
    """Ranks a pool by ``cos(candidate, entity - source + target) + weight * prior``; shared by every text."""

    def __init__(self, index: VectorIndex, config: LocalizeConfig) -> None:
        self.index = index
        self.config = config
        self.pools = cache(self._pool)
        self._centres: dict[str, np.ndarray] = {}
        self._centred: dict[str, np.ndarray] = {}
        self._community: dict[str, np.ndarray | None] = {}

    def name_centre(self, code: str) -> np.ndarray:
        """The mean unit vector of a country's given names and surnames that the vocabulary knows."""
        if code not in self._centres:
            pools = names.load_pools()[code]
            found = [self.vector([name]) for name in (*pools.male, *pools.female, *pools.surname)]
            known = [row for row in found if row is not None]
            self._centres[code] = np.mean(known, axis=0) if known else np.zeros(self.index.kv.vector_size)
        return self._centres[code]

    def community_rows(self, name_pools: names.NamePools, role: str, pool: Pool) -> np.ndarray | None:
        """The community rows of a pool's names (``NamePools.community_rows``), once per pool."""
        if pool.label not in self._community:
            self._community[pool.label] = name_pools.community_rows(role, pool.names)
        return self._community[pool.label]

    def centred(self, pool: Pool, centre: np.ndarray) -> np.ndarray:
        """A pool's vectors less ``centre``, of unit length (zero rows, unknown to the vocabulary, stay zero)."""
        if pool.label not in self._centred:
            known = np.any(pool.vectors != 0, axis=1, keepdims=True)
            rows = np.where(known, pool.vectors - centre, 0.0)
            self._centred[pool.label] = (rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-9)).astype(
                np.float32
            )
        return self._centred[pool.label]

    def vector(self, words: Sequence[str]) -> np.ndarray | None:
        """Mean unit vector of the words the vocabulary knows ("New York" -> new + york), or None."""
        keys = [self.index.lookup(word) for word in words if word.lower() not in PARTICLES]
        known = [self.index.unit(key) for key in keys if key is not None]
        if not known:
            return None
        mean = np.mean(known, axis=0)
        return mean / (np.linalg.norm(mean) or 1.0)

    def _pool(self, label: str, candidates: tuple[str, ...], prior: tuple[float, ...]) -> Pool:
        rows = [self.vector(name.split()) for name in candidates]
        matrix = np.stack([row if row is not None else np.zeros(self.index.kv.vector_size) for row in rows])
        return Pool(label, candidates, matrix.astype(np.float32), np.asarray(prior, dtype=np.float32))

    def rank(
        self, pool: Pool, query: np.ndarray, used: set[str], banned: set[str], prior: np.ndarray
    ) -> tuple[list[str], list[float]]:
        """Best candidates first, skipping those already used for another entity or equal to the original."""
        scores = pool.vectors @ query
        order = np.argsort(-(scores + self.config.prior_weight * prior), kind="stable")
        picked: list[str] = []
        cosines: list[float] = []
        for i in order.tolist():
            name = pool.names[i]
            if name.lower() in used or name.lower() in banned:
                continue
            picked.append(name)
            cosines.append(float(scores[i]))
            if len(picked) > self.config.alternatives:
                break
        return picked, cosines

    def well_known(self, name: str) -> float:
        """0..1 from the vectors' frequency rank of the name's rarest word (a proxy for fame)."""
        ranks = [self.index.kv.key_to_index.get(word.lower()) for word in name.split()]
        if not ranks or any(rank is None for rank in ranks):
            return 0.0
        return 1.0 - math.log1p(max(ranks)) / math.log1p(len(self.index.kv.key_to_index))


class Allocator:
    """The replacements of one text, for one target country: the only place a candidate is chosen."""

    def __init__(
        self,
        ranker: Ranker,
        target: Country,
        mapping: EntityMap,
        anchors: tuple[np.ndarray, np.ndarray],
        analogy: Callable[[str], tuple[list[str], list[float], str | None]] | None = None,
        pseudonymous: bool = False,
    ) -> None:
        self.ranker = ranker
        self.config = ranker.config
        self.target = target
        self.map = mapping  # empty: filled here
        self.target_vector, self.source_vector = anchors
        self.analogy = analogy  # candidates of the open-vocabulary analogy for single-word organisations
        self.memo: dict[tuple[str, str], Outcome] = {}  # (what, normalized original) -> what it got
        self.used: dict[str, set[str]] = {"place": set(), "name": set(), "organisation": set()}
        self.name_pools = names.load_pools().get(target.code)
        self.pseudonymous = pseudonymous  # no original of the text becomes a replacement
        self.families: list[tuple[int, int, str]] = []  # (start, end, new surname) of the text's people
        self.near: Mention | None = None  # the mention being allocated

    def allocate(self, decisions: Sequence[tuple[Mention, Decision]], fixed: EntityMap | None = None) -> EntityMap:
        """Fill the map: an original ``fixed`` already maps is reused as it is, and its replacement is never
        given to another original; every other ``Move`` gets a candidate, in the order of the text."""
        if fixed is not None:
            self._reserve(fixed)
        if self.pseudonymous:
            self._reserve_originals([mention for mention, _ in decisions])
        entries: dict[tuple[str, str], Entry] = {}
        # A lone first name ("her son Jack") comes last: it takes the community of the family nearest to it.
        for later in (False, True):
            for mention, decision in decisions:
                key = (mention.entity_group, mention.text)
                if key in entries or _lone_first_name(decision) != later:
                    continue
                given = fixed.get(*key) if fixed is not None else None
                self.near = mention
                entries[key] = given or self._entry(mention.text, decision)
                self._note_family(mention, entries[key], decision)
        for mention, _ in decisions:
            if self.map.get(mention.entity_group, mention.text) is None:
                self.map.put(mention.entity_group, mention.text, entries[(mention.entity_group, mention.text)])
        return self.map

    def _note_family(self, mention: Mention, entry: Entry, decision: Decision) -> None:
        """Where a surname of the text went, for the lone first names near it."""
        surname = entry.parts.get("surname") if isinstance(decision, Move) else None
        if surname:
            self.families.append((mention.start, mention.end, next(iter(surname.values()))))

    def _family_near(self) -> tuple[str, str] | None:
        """("surname", the new surname) of the person nearest the mention being allocated, if any."""
        if not self.families or self.near is None:
            return None
        start, end = self.near.start, self.near.end
        nearest = min(self.families, key=lambda f: max(f[0] - end, start - f[1], 0))
        return "surname", nearest[2]

    def _reserve(self, fixed: EntityMap) -> None:
        for group, by_original in fixed.entries.items():
            usage = "name" if group == "PER" else "place"
            if self.pseudonymous:  # a series' originals are never another entity's replacement either
                self.used[usage].update(o.lower() for original in by_original for o in _parts(original, usage))
            for entry in by_original.values():
                for role, names_of_role in entry.parts.items():  # "Obama" alone takes what "Barack Obama" got
                    for key, text in names_of_role.items():
                        self.memo.setdefault((role, key), Pick(text, role, "the saved mapping"))  # type: ignore[arg-type]
                if entry.replacement:
                    words = entry.replacement.split() if usage == "name" else [entry.replacement]
                    self.used[usage].update(word.lower() for word in words)

    def _reserve_originals(self, mentions: Sequence[Mention]) -> None:
        """Within one country, a replacement that is another entity's original would read as that entity."""
        for mention in mentions:
            usage = "name" if mention.entity_group == "PER" else "place"
            self.used[usage].update(part.lower() for part in _parts(mention.text, usage))

    def _entry(self, surface: str, decision: Decision) -> Entry:
        if isinstance(decision, Kept):
            return Entry(reason=decision.reason, kind=decision.kind)
        outcome = self._outcome(decision)
        if isinstance(outcome, Kept):
            return Entry(reason=outcome.reason, kind=outcome.kind or decision.kind)
        if outcome.text == surface:
            return Entry(reason="its counterpart is the same word", kind=decision.kind)
        return Entry(
            outcome.text,
            outcome.why,
            outcome.kind,
            outcome.pool,
            outcome.score,
            outcome.alternatives,
            outcome.follows,
            outcome.parts,
        )

    def _outcome(self, move: Move) -> Outcome:
        request = move.request
        if isinstance(request, Fixed):
            return Pick(request.text, move.kind, request.pool)
        if isinstance(request, ToPlace):
            outcome = self.place(request)
            return replace(outcome, kind=move.kind) if isinstance(outcome, Pick) else outcome
        if isinstance(request, Around):
            return self.around(request, move.kind)
        if isinstance(request, FullName):
            return self.full_name(request)
        if isinstance(request, OneName):
            return self.one_name(request)
        if isinstance(request, ToOrganisation):
            return self.organisation_of(request)
        if isinstance(request, Analogy):
            return self.organisation(request.surface)
        raise TypeError(f"no allocation for {request!r}")

    # --- places -------------------------------------------------------------------------------------

    def place(self, request: ToPlace) -> Outcome:
        place, surface = request.place, request.surface
        key = ("city" if request.named else place.kind, normalize(surface))
        if key not in self.memo:
            where = country(request.country) if request.country else self.target
            located = self._where_located(request)
            self.memo[key] = located or self._place(request, where)
        outcome = self.memo[key]
        if isinstance(outcome, Pick) and not abbreviation(surface):
            return replace(outcome, text=match_casing(surface, outcome.text, False))
        return outcome

    def _where_located(self, request: ToPlace) -> Pick | None:
        """ "Harvard University in Boston" -> "University of Tokyo in Tokyo": the city in the name of the
        organisation the place was written after, where that organisation moved to one with a city of the target
        in its name and the city is free."""
        if request.located is None or request.place.kind != "city" or request.region is not None:
            return None
        moved = self.memo.get(("organisation", normalize(request.located)))
        if not isinstance(moved, Pick):
            return None
        inside = places.place_inside(moved.text.split(), sizes=self.config.places)
        city = inside[0].place if inside is not None else None
        if city is None or city.kind != "city" or city.country != self.target.code:
            return None
        if city.name.lower() in self.used["place"]:
            return None
        self.used["place"].add(city.name.lower())
        self._settle(city, None)
        return Pick(city.name, "city", f"where {moved.text} is (GeoNames cities of {self.target.name})")

    def _place(self, request: ToPlace, where: Country) -> Outcome:
        place, surface, region = request.place, request.surface, request.region
        capital = self._capital() if request.capital else None
        if capital is not None:
            self.used["place"].add(capital.name.lower())
            self._settle(capital, region)
            return Pick(capital.name, "city", f"the capital of {self.target.name}")
        pool, prior = self._place_pool(request, where)
        if pool is None:
            return Kept(f"no {place.kind} of {where.name} in the data")
        if place.kind != "city" and not request.named:
            return self._pick(pool, surface.split(), place.kind, "place", prior)
        cities = {c.name: c for c in reversed(self._cities(where))}  # the largest of a name (Sendai of Miyagi)
        candidates = [cities[name] for name in pool.names]
        prior = prior + self._belonging(candidates, region, where) + self._near(candidates, request.near, cities)
        picked = self._pick(pool, surface.split(), "city", "place", prior)
        self._settle(cities[picked.text], region)
        return picked

    def _capital(self) -> Place | None:
        """The target's capital, where it is in the pool part and still free."""
        capital = places.capital_of(self.target, self.config.places)
        in_part = capital in pools.places_in_part(self.config, places.cities_of(self.target.code, self.config.places))
        return capital if capital is not None and in_part and capital.name.lower() not in self.used["place"] else None

    def _place_pool(self, request: ToPlace, where: Country) -> tuple[Pool | None, np.ndarray | None]:
        code, place, named = where.code, request.place, request.named
        if place.kind == "city" or named:
            cities = self._cities(where)
            if named:  # a club's home is a city a reader knows: one of the largest
                cities = tuple(c for c in cities if c.rank < self.config.named_after_top)
            if not cities:
                return None, None
            label = f"GeoNames cities of {where.name} ({len(cities)})"
            pool = self.ranker.pools(label, tuple(c.name for c in cities), tuple(0.0 for _ in cities))
            if named:
                return pool, pools.named_prior(cities, place, self.config)
            return pool, pools.city_prior(cities, place, self.config, spread=request.near is None)
        regions = pools.places_in_part(self.config, pools.region_pool(code))
        if not regions:
            return None, None
        label = f"GeoNames regions of {where.name} ({len(regions)})"
        known = tuple(self.ranker.well_known(r.name) for r in regions)
        return self.ranker.pools(label, tuple(r.name for r in regions), known), None

    def _cities(self, where: Country) -> tuple[Place, ...]:
        return pools.places_in_part(self.config, pools.city_pool(where.code, self.config.places))

    # --- places that belong together (issue #28) ---------------------------------------------------

    def _belonging(self, cities: list[Place], region: str | None, where: Country) -> np.ndarray:
        """A prior that keeps a city written with its region ("Boston, Massachusetts") to cities of the region
        that region already got, or else to cities whose own region is free to follow them (in the pool part, not
        another original's, not the city's own name: "Lagos, Lagos")."""
        if region is None:
            return np.zeros(len(cities), dtype=np.float32)
        given = self.memo.get(("region", normalize(region)))
        if isinstance(given, Pick):
            fits = [normalize(c.region) == normalize(given.text) for c in cities]
        else:
            free = {normalize(r.name) for r in pools.places_in_part(self.config, places.regions_of(where.code))}
            free -= {normalize(name) for name in self.used["place"]}
            fits = [
                bool(c.region) and normalize(c.region) in free and normalize(c.region) != normalize(c.name)
                for c in cities
            ]
        return np.where(fits, 0.0, self.config.out_of_region_prior).astype(np.float32)

    def _near(self, cities: list[Place], twin: str | None, known: dict[str, Place]) -> np.ndarray:
        """A prior that keeps the second of two cities written as one ("Boston/Cambridge") near the city the first
        became: within ``twin_km`` of it, unless every city there is taken."""
        given = self.memo.get(("city", normalize(twin))) if twin is not None else None
        first = known.get(given.text) if isinstance(given, Pick) else None
        if first is None:
            return np.zeros(len(cities), dtype=np.float32)
        close = {p.name.lower() for p in places.places_near(first, self.config.places.twin_km)}
        return np.where([c.name.lower() in close for c in cities], 0.0, self.config.out_of_region_prior).astype(
            np.float32
        )

    def _settle(self, city: Place, region: str | None) -> None:
        """After a city is chosen: no other place of the text becomes it or a place one inside the other with it
        (New Delhi and Delhi), and the region written with it, not yet given, becomes the city's own."""
        self.used["place"].update(places.nested_with(city, self.config.places))
        key = ("region", normalize(region)) if region is not None else None
        if key is not None and key not in self.memo and city.region:
            self.used["place"].add(city.region.lower())
            self.memo[key] = Pick(city.region, "region", f"the GeoNames region of {city.name}")

    def around(self, request: Around, kind: Kind) -> Outcome:
        """A venue or organisation name with the place in it replaced ("Melbourne Cricket Ground")."""
        words, (first, end) = request.words, request.inside
        inner = self._outcome(Move(None, request.inner))
        if isinstance(inner, Kept):
            return Kept(f"names {request.place.name}, which stays ({inner.reason})")
        text = inner.text.upper() if all(word.isupper() for word in words) else inner.text  # "NY RANGERS"
        new_words = [*words[:first], *_with_article(words[:first], text).split(), *words[end:]]
        if len({word.lower() for word in new_words}) < len(new_words):
            return Kept(f"{inner.text} would repeat a word of the name", kind)
        return Pick(" ".join(new_words), kind, inner.pool, inner.score, why=request.why)

    # --- people -------------------------------------------------------------------------------------

    def full_name(self, request: FullName) -> Pick:
        """Surname first, then given names of its community; where the given name already has its replacement
        in this text (a second "Emma"), the surname follows the given name's community instead."""
        firsts = [w for w in request.given if not INITIAL.match(w)]
        given_first = bool(firsts) and ("first name", firsts[0].lower()) in self.memo
        if request.family and given_first and ("surname", normalize(" ".join(request.family))) not in self.memo:
            new_given = [self._given(word, request.gender) for word in request.given]
            partner = ("given", next(p.text for p in new_given if p.kind != "initial"))
            new_family = [self._surname(" ".join(request.family), partner)]
        else:
            new_family = [self._surname(" ".join(request.family))] if request.family else []
            partner = ("surname", new_family[0].text) if new_family else None
            new_given = [self._given(word, request.gender, partner) for word in request.given]
        parts = new_family + new_given if request.family_first else new_given + new_family
        alternatives = [
            " ".join(p.alternatives[i] if i < len(p.alternatives) else p.text for p in parts)
            for i in range(min(self.config.alternatives, max(len(p.alternatives) for p in parts)))
        ]
        scores = [p.score for p in parts if p.score is not None]
        text = match_casing(request.surface, " ".join(part.text for part in parts), False)
        pool = f"first names ({request.gender or 'either gender'}) and surnames of {self.target.name}"
        named = {"first name": {w.lower(): p.text for w, p in zip(request.given, new_given, strict=True)
                                if p.kind != "initial"}}  # fmt: skip
        if request.family:
            named["surname"] = {normalize(" ".join(request.family)): new_family[0].text}
        score = round(sum(scores) / len(scores), 4) if scores else None
        return Pick(text, "full name", pool, score, alternatives, parts=named)

    def one_name(self, request: OneName) -> Pick:
        word = request.word
        if request.role == "first":
            picked = self._given(word, request.gender, self._family_near())
        else:
            picked = self._surname(word)
        role, key = ("first name", word.lower()) if request.role == "first" else ("surname", normalize(word))
        parts = {role: {key: picked.text}} if picked.kind != "initial" else {}
        return replace(picked, text=match_casing(word, picked.text, False), follows=request.follows, parts=parts)

    def _given(self, word: str, gender: str | None, partner: tuple[str, str] | None = None) -> Pick:
        if INITIAL.match(word):  # an initial ("John F. Kennedy") stays an initial
            return Pick(word, "initial", "kept")
        key = ("first name", word.lower())
        if key not in self.memo:
            pool_names = pools.part_of(self.config, self.name_pools.first(gender))
            label = f"{gender or 'either-gender'} first names of {self.target.name} ({len(pool_names)}, names-dataset)"
            pool = self.ranker.pools(label, pool_names, pools.frequency_prior(len(pool_names)))
            prior = pool.prior + self._community(pool, "given", partner)
            self.memo[key] = self._pick(pool, [word], "first name", "name", prior)
        return self.memo[key]

    def _surname(self, surname: str, partner: tuple[str, str] | None = None) -> Pick:
        key = ("surname", normalize(surname))
        if key not in self.memo:
            found = pools.surnames_that_name_no_place(self.target.code, self.config.places)
            pool_names = pools.part_of(self.config, found)
            label = f"surnames of {self.target.name} ({len(pool_names)}, names-dataset)"
            pool = self.ranker.pools(label, pool_names, pools.frequency_prior(len(pool_names)))
            words = [w for w in surname.split() if w.lower() not in PARTICLES] or surname.split()
            prior = pool.prior + self._community(pool, "surname", partner)
            self.memo[key] = self._pick(pool, words, "surname", "name", prior)
        return self.memo[key]

    def _community(self, pool: Pool, role: str, partner: tuple[str, str] | None) -> np.ndarray:
        """How well each candidate goes with ``partner`` ((role, name) of the name already chosen for the person
        or family): ``community_weight`` times the names' compatibility (``localize.communities``) plus
        ``community_vector_weight`` times the cosine of their word vectors centred on the country's names; 0
        without a partner."""
        out = np.zeros(len(pool.names), dtype=np.float32)
        if partner is None:
            return out
        code, config = self.target.code, self.config
        at = self.name_pools.community_row(*partner)
        rows = self.ranker.community_rows(self.name_pools, role, pool) if at is not None else None
        if config.community_weight and rows is not None and at is not None:
            out += config.community_weight * communities.compatibility(rows, at)
        partner_vector = self.ranker.vector([partner[1]])
        if config.community_vector_weight and partner_vector is not None:
            centre = self.ranker.name_centre(code)
            out += config.community_vector_weight * (self.ranker.centred(pool, centre) @ _unit(partner_vector - centre))
        return out

    # --- organisations ------------------------------------------------------------------------------

    def organisation_of(self, request: ToOrganisation) -> Outcome:
        """A real organisation of the target of the same kind (sector, sport), ranked by the analogy within that
        kind and by how well known it is; an acronym becomes an acronym where the new one has one (NASA -> ISRO)."""
        surface = request.surface
        key = ("organisation", normalize(surface))
        if key not in self.memo:
            self.memo[key] = self._organisation_of(request)
            if self.memo[key] is None:  # every candidate taken by another organisation of the text
                fallback = self.around(request.fallback, request.kind) if request.fallback else None  # type: ignore[arg-type]
                reason = f"{request.why}; every one of the data is taken by another organisation of the text: kept"
                self.memo[key] = fallback or Kept(reason, request.kind)  # type: ignore[arg-type]
        outcome = self.memo[key]
        if not isinstance(outcome, Pick):
            return outcome
        if organisations.ACRONYM.fullmatch(surface):
            chosen = next(
                (o for o in organisations.pool(self.target.code, request.kind) if o.name == outcome.text), None
            )
            acronym = chosen.acronym if chosen is not None else None
            rank = self.ranker.index.kv.key_to_index.get(acronym.lower()) if acronym else None
            known = rank is not None and rank < self.config.known_acronym_rank
            return replace(outcome, text=acronym) if known else outcome
        return outcome if abbreviation(surface) else replace(outcome, text=match_casing(surface, outcome.text, False))

    def _organisation_of(self, request: ToOrganisation) -> Pick | None:
        members = organisations.pool(self.target.code, request.kind, request.detail)
        own = organisations.key(request.surface)
        candidates = tuple(o for o in members if organisations.key(o.name) != own)
        if all(o.name.lower() in self.used["organisation"] for o in candidates):
            return None
        known = tuple(o for o in candidates if self.ranker.vector(o.name.split()) is not None)
        candidates = known or candidates  # a name the vectors do not know cannot be ranked by the analogy
        sources = sorted({organisations.cited(o) for o in candidates})
        where = sources[0] if len(sources) == 1 else f"{len(sources)} sources, e.g. {sources[0]}"
        what = organisations.plural(request.kind, request.detail)
        label = f"{what} of {self.target.name} ({len(candidates)}; {where})"
        names_of = tuple(o.name for o in candidates)
        pool = self.ranker.pools(label, names_of, tuple(self.ranker.well_known(n) for n in names_of))
        picked = self._pick(pool, request.surface.split(), request.kind, "organisation")  # type: ignore[arg-type]
        return replace(picked, why=request.why)

    def organisation(self, surface: str) -> Outcome:
        if self.analogy is None:  # the target or source word is not in the vectors
            return Kept("an organisation with no place in its name: kept whole")
        key = ("organisation", normalize(surface))
        if key not in self.memo:
            self.memo[key] = self._organisation_word(surface, *self.analogy(surface))
        return self.memo[key]

    def _organisation_word(self, surface: str, rendered: list[str], scores: list[float], reason: str | None) -> Outcome:
        used = self.used["organisation"]
        fresh = [t for t in dict.fromkeys(rendered) if t.lower() not in used and t != surface]
        if not fresh:
            return Kept(reason or "no organisation word fits")
        used.add(fresh[0].lower())
        score = round(scores[rendered.index(fresh[0])], 4)
        pool = "organisation words of the vectors (open-vocabulary analogy)"
        return Pick(fresh[0], "organisation", pool, score, fresh[1 : 1 + self.config.alternatives])

    # --- ranking ------------------------------------------------------------------------------------

    def _pick(self, pool: Pool, words: Sequence[str], kind: Kind, usage: str, prior: np.ndarray | None = None) -> Pick:
        entity = self.ranker.vector(words)
        query = self.target_vector - self.source_vector + (entity if entity is not None else 0.0)
        query = (query / (np.linalg.norm(query) or 1.0)).astype(np.float32)
        used = self.used[usage]
        banned = {w.lower() for w in words} | {" ".join(words).lower()}
        if self.pseudonymous:  # "Boston" -> "South Boston" would give the original away
            banned |= {c.lower() for c in pool.names if banned & set(c.lower().split())}
        prior = (pool.prior if prior is None else prior) + self._jitter(words, len(pool.names), entity is None, usage)
        ranked, cosines = self.ranker.rank(pool, query, used, banned, prior)
        if not ranked:  # every candidate is taken: share the best one rather than keep a foreign word
            ranked, cosines = self.ranker.rank(pool, query, set(), banned, prior)
        if self.config.seed:  # a corpus copy draws among the best few instead of taking the best
            rng = np.random.default_rng(zlib.crc32(f"{self.config.seed}:{' '.join(words).lower()}".encode()))
            chosen = int(rng.integers(len(ranked)))
            ranked = [ranked[chosen], *ranked[:chosen], *ranked[chosen + 1 :]]
            cosines = [cosines[chosen], *cosines[:chosen], *cosines[chosen + 1 :]]
        used.add(ranked[0].lower())
        return Pick(ranked[0], kind, pool.label, round(cosines[0], 4), ranked[1:])

    def _jitter(self, words: Sequence[str], size: int, unknown: bool, usage: str) -> np.ndarray:
        config = self.config
        jitters = {"name": config.jitter_name, "organisation": config.jitter_organisation}
        amount = config.jitter_unknown if unknown else jitters.get(usage, config.jitter_place)
        return pools.variety(" ".join(words), size, amount, config.seed)


def _unit(vector: np.ndarray) -> np.ndarray:
    return (vector / (np.linalg.norm(vector) or 1.0)).astype(np.float32)


def _lone_first_name(decision: Decision) -> bool:
    return isinstance(decision, Move) and isinstance(decision.request, OneName) and decision.request.role == "first"


def _with_article(before: Sequence[str], place: str) -> str:
    """ "of the United States": a country name that takes "the", written after "of" with none before it."""
    if before and before[-1].lower() == "of" and takes_article(place):
        return f"the {place}"
    return place


def _parts(original: str, usage: str) -> list[str]:
    """What of an original a replacement must not be: each word of a name, a place whole."""
    return original.split() if usage == "name" else [original]
