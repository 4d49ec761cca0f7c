"""Replacements for a target that names a country: each entity becomes a real thing of that country of the same kind,
ranked by the analogy ``entity - source + target`` and a prior for well-known candidates.

One ``Plan`` per text holds what must stay consistent across it: a source first name always gets the same new
first name, a surname the same new surname (so "Barack Obama" and "Michelle Obama" stay one family and a later
"Obama" follows), a place the same new place, and two different originals never share a replacement.

Policy (README, "What gets replaced"):
- people: every PER name; first names keep their gender, a full name keeps its order of given names and surname
  (family name first where the target country writes it so);
- places: the source country becomes the target country; other countries stay, and so do their cities and regions
  when the text names that country ("Berlin, Germany"); any other city becomes a city of the target country of
  similar rank, a region a region, a capital the capital; districts (Wimbledon) and unknown places stay; a venue
  keeps its name around the place in it ("Melbourne Cricket Ground" -> "Delhi Cricket Ground");
- organisations: the place in a name moves ("Bank of America" -> "Bank of India"); an organisation named after a
  place moves with it; other organisations are left to the open-vocabulary analogy (single words) or kept.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache

import numpy as np

from localize import names, places
from localize.countries import Country, find_country, normalize
from localize.places import Place
from localize.text import match_casing, words_of
from localize.vectors import VectorIndex

_INITIAL = re.compile(r"^[A-Z]\.?$")
PARTICLES = frozenset(
    ["van", "von", "de", "da", "di", "del", "della", "der", "den", "du", "dos", "das", "bin", "ibn", "al", "el"]
    + ["le", "la", "st.", "st"]
)


@dataclass
class Pick:
    """A chosen replacement and why."""

    text: str
    kind: str  # "city", "region", "country", "venue", "first name", "surname", "full name", "organisation"
    pool: str  # where the candidates came from
    score: float | None = None  # analogy cosine of the chosen candidate (None for rule-based picks)
    alternatives: list[str] = field(default_factory=list)
    follows: str | None = None


@dataclass
class Kept:
    reason: str


Outcome = Pick | Kept


@dataclass(frozen=True)
class Pool:
    """Candidates of one kind for one country, their unit vectors (zero rows where unknown) and a [0, 1] prior."""

    label: str
    names: tuple[str, ...]
    vectors: np.ndarray
    prior: np.ndarray


class Ranker:
    """Ranks a pool by ``cos(candidate, entity - source + target) + weight * prior``."""

    def __init__(self, index: VectorIndex, prior_weight: float, alternatives: int, seed: int = 0) -> None:
        self.index = index
        self.seed = seed
        self.prior_weight = prior_weight
        self.alternatives = alternatives
        self.pools = cache(self._pool)

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
        self, pool: Pool, query: np.ndarray, used: set[str], banned: set[str], prior: np.ndarray | None = None
    ) -> tuple[list[str], list[float]]:
        """Best candidates first, skipping those already used for another entity or equal to the original."""
        scores = pool.vectors @ query
        total = scores + self.prior_weight * (pool.prior if prior is None else prior)
        order = np.argsort(-total, kind="stable")
        picked: list[str] = []
        cosines: list[float] = []
        for i in order.tolist():
            name = pool.names[i]
            if name.lower() in used or name.lower() in banned:
                continue
            picked.append(name)
            cosines.append(float(scores[i]))
            if len(picked) > self.alternatives:
                break
        return picked, cosines


class Plan:
    """The replacements of one text, for one target country."""

    def __init__(
        self,
        ranker: Ranker,
        target: Country,
        source: Country | None,
        anchors: tuple[np.ndarray, np.ndarray],
        organisation_fallback: Callable[[str], Outcome] | None = None,
        part: tuple[str, float] = ("all", 0.2),
    ) -> None:
        self.ranker = ranker
        self.part = part  # (pool part, held-out share): LocalizeConfig.pool_part and held_out_share
        self.target = target
        self.source = source
        self.target_vector, self.source_vector = anchors
        self.organisation_fallback = organisation_fallback
        self.kept_countries: set[str] = set()  # foreign countries the text names: their places stay
        self.anchored_places: dict[str, str] = {}  # normalized place -> the kept organisation or venue it locates
        self.places: dict[tuple[str, str], Outcome] = {}  # (kind, normalized name) -> outcome
        self.first_names: dict[str, Pick] = {}  # lower-case source first name -> its new first name
        self.surnames: dict[str, Pick] = {}  # normalized source surname -> its new surname
        self.used: dict[str, set[str]] = {}  # per pool kind, lower-case replacements already given
        self.roles: dict[str, str] = {}  # lower-case single word -> "first" / "surname", from full names
        self.full_forms: dict[str, str] = {}  # lower-case word -> the full name it is part of, as written
        self.name_pools = names.load_pools().get(target.code)

    # --- what the whole text says before any choice -------------------------------------------------

    def survey(self, mentions: Sequence[tuple[str, str]]) -> None:
        """Learn from all (group, text) mentions first: which foreign countries the text names (their places
        stay), and which words are given names or surnames of full names (a later "Lopez" follows)."""
        for group, surface in mentions:
            words = words_of(surface)
            if group == "LOC":
                found = find_country(surface)
                if found is not None and found.code not in self._home():
                    self.kept_countries.add(found.code)
            if group == "PER" and len(words) > 1:
                given, family = self._split(words)
                for word in given:
                    self.roles.setdefault(word.lower(), "first")
                    self.full_forms.setdefault(word.lower(), surface)
                for word in family:
                    self.roles.setdefault(word.lower(), "surname")
                    self.full_forms.setdefault(word.lower(), surface)

    def keep_places_of_kept_entities(self, located: Sequence[tuple[str, str, str]], moved: set[str]) -> None:
        """(group, entity, place) triples written as "Harvard University in Cambridge": where an organisation or
        a venue stays (or its type is not ``moved`` at all), the place that says where it is stays too, everywhere
        in the text ("Harvard University in Varanasi" would be a new, false fact). An entity that is itself a
        country, region or city, or a team named after one ("MONTREAL AT CHICAGO"), anchors nothing: its place
        rules apply."""
        for group, entity, place in located:
            if places.recognize(words_of(entity), self.common).kind in ("country", "region", "city"):
                continue
            if group not in moved or isinstance(self.replace(group, entity), Kept):
                self.anchored_places.setdefault(normalize(place), entity)

    def _source_name(self) -> str:
        return self.source.name if self.source else "the source country"

    def _home(self) -> set[str]:
        return {self.target.code} | ({self.source.code} if self.source else set())

    # --- one mention --------------------------------------------------------------------------------

    def replace(self, group: str, surface: str) -> Outcome:
        words = words_of(surface)
        if group == "PER":
            return self.person(surface, words)
        if group == "LOC":
            return self.location(surface, words)
        if group == "ORG":
            return self.organisation(surface, words)
        if group == "MISC":
            return self.demonym(surface)
        return Kept(f"type {group} has no grounded pool")

    # --- places -------------------------------------------------------------------------------------

    def common(self, word: str) -> bool:
        """One of the vectors' 5,000 most frequent words ("golden", "university"): no place name inside a venue
        or an organisation."""
        rank = self.ranker.index.kv.key_to_index.get(word.lower())
        return rank is not None and rank < 5000

    def location(self, surface: str, words: list[str]) -> Outcome:
        outcome = self._location(surface, words)
        anchor = self.anchored_places.get(normalize(surface))
        if anchor is not None and isinstance(outcome, Pick):  # a place kept anyway keeps its own reason
            return Kept(f"where {anchor} is, which stays: kept")
        return outcome

    def _location(self, surface: str, words: list[str]) -> Outcome:
        found = places.recognize(words, self.common)
        if found.kind == "venue" and found.place is not None and found.inside is not None:
            return self._around(words, found.place, found.inside, "venue")
        if found.kind == "district":
            return Kept(f"a district of {found.parent}: kept")
        if found.place is None:
            return Kept("not a known country, region or city")
        return self.place(found.place, surface)

    def _around(self, words: list[str], place: Place, inside: tuple[int, int], kind: str) -> Outcome:
        """A venue or organisation name with the place in it replaced ("Melbourne Cricket Ground")."""
        first, end = inside
        inner = self.place(place, " ".join(words[first:end]))
        if isinstance(inner, Kept):
            return Kept(f"names {place.name}, which stays ({inner.reason})")
        new_words = [*words[:first], *inner.text.split(), *words[end:]]
        if len({word.lower() for word in new_words}) < len(new_words):
            return Kept(f"{inner.text} would repeat a word of the name")
        return Pick(" ".join(new_words), kind, inner.pool, inner.score)

    def place(self, place: Place, surface: str) -> Outcome:
        key = (place.kind, normalize(surface))
        if key not in self.places:
            self.places[key] = self._place(place, surface)
        outcome = self.places[key]
        if isinstance(outcome, Pick) and not _abbreviation(surface):  # "USA" -> "India", not "INDIA"
            return replace(outcome, text=match_casing(surface, outcome.text, False))
        return outcome

    def _place(self, place: Place, surface: str) -> Outcome:
        if place.kind == "country":
            if self.source is not None and place.country == self.source.code:
                return Pick(self.target.name, "country", "the target country")
            where = "the target country" if place.country == self.target.code else "a foreign country"
            return Kept(f"{where}: kept")
        if place.country == self.target.code:
            return Kept(f"already a {place.kind} of {self.target.name}")
        if place.country in self.kept_countries:
            return Kept(f"a {place.kind} of {find_country_name(place.country)}, which the text names: kept")
        if place.kind == "city" and place.capital:
            capital = places.capital_of(self.target)
            in_part = capital in self._part_places(places.cities_of(self.target.code))
            if capital is not None and in_part and capital.name.lower() not in self._used("place"):
                self._used("place").add(capital.name.lower())
                return Pick(capital.name, "city", f"the capital of {self.target.name}")
        pool, prior = self._place_pool(place)
        if pool is None:
            return Kept(f"no {place.kind} of {self.target.name} in the data")
        return self._pick(pool, surface.split(), place.kind, "place", prior)

    def _place_pool(self, place: Place) -> tuple[Pool | None, np.ndarray | None]:
        code = self.target.code
        if place.kind == "city":
            cities = self._part_places(places.cities_of(code))
            if not cities:
                return None, None
            label = f"GeoNames cities of {self.target.name} ({len(cities)})"
            pool = self.ranker.pools(label, tuple(c.name for c in cities), tuple(0.0 for _ in cities))
            rank = source_rank(place)
            prior = rank_match(len(cities), rank)
            # The capital stands for capitals, and for the largest city where it is the largest (Tokyo, Berlin).
            prior[[c.capital and not (c.rank == 0 and rank == 0) for c in cities]] = -10.0
            return pool, prior
        regions = self._part_places(places.regions_of(code))
        if not regions:
            return None, None
        label = f"ISO 3166-2 regions of {self.target.name} ({len(regions)})"
        known = tuple(self.well_known(r.name) for r in regions)
        return self.ranker.pools(label, tuple(r.name for r in regions), known), None

    def well_known(self, name: str) -> float:
        """0..1 from the vectors' frequency rank of the name's rarest word (a proxy for fame)."""
        ranks = [self.ranker.index.kv.key_to_index.get(word.lower()) for word in name.split()]
        if not ranks or any(rank is None for rank in ranks):
            return 0.0
        return 1.0 - math.log1p(max(ranks)) / math.log1p(len(self.ranker.index.kv.key_to_index))

    # --- people -------------------------------------------------------------------------------------

    def person(self, surface: str, words: list[str]) -> Outcome:
        if self.name_pools is None:
            return Kept(f"no name data for {self.target.name}")
        if len(words) == 1:
            return self._single_name(words[0])
        given, family = self._split(words)
        gender = names.gender_of(given[0]) if given and not _INITIAL.match(given[0]) else None
        new_given = [self._given(word, gender) for word in given]
        new_family = [self._surname(" ".join(family))] if family else []
        if self.target.family_name_first and not (self.source and self.source.family_name_first):
            parts = new_family + new_given
        else:
            parts = new_given + new_family
        alternatives = [
            " ".join(p.alternatives[i] if i < len(p.alternatives) else p.text for p in parts)
            for i in range(min(self.ranker.alternatives, max(len(p.alternatives) for p in parts)))
        ]
        scores = [p.score for p in parts if p.score is not None]
        text = match_casing(surface, " ".join(part.text for part in parts), False)
        pool = f"first names ({gender or 'either gender'}) and surnames of {self.target.name}"
        return Pick(text, "full name", pool, round(sum(scores) / len(scores), 4) if scores else None, alternatives)

    def _single_name(self, word: str) -> Pick:
        role = self.roles.get(word.lower()) or guess_role(word)
        picked = self._given(word, names.gender_of(word)) if role == "first" else self._surname(word)
        follows = self.full_forms.get(word.lower())
        return replace(picked, text=match_casing(word, picked.text, False), follows=follows)

    def _split(self, words: list[str]) -> tuple[list[str], list[str]]:
        """(given names, surname words): the last word and its particles ("van Gogh") are the surname, unless
        the name is written family name first ("Yoo Sang Chul")."""
        if len(words) == 1:
            return [], words
        first, last = words[0], words[-1]
        if (
            names.surname_rank(first) is not None
            and not names.is_first_name(first)
            and names.surname_rank(last) is None
        ):
            return words[1:], [first]
        cut = len(words) - 1
        while cut > 1 and words[cut - 1].lower() in PARTICLES:
            cut -= 1
        return words[:cut], words[cut:]

    def _given(self, word: str, gender: str | None) -> Pick:
        if _INITIAL.match(word):  # an initial ("John F. Kennedy") stays an initial
            return Pick(word, "initial", "kept")
        key = word.lower()
        if key not in self.first_names:
            pool_names = self._part(self.name_pools.first(gender))
            label = f"{gender or 'either-gender'} first names of {self.target.name} ({len(pool_names)}, names-dataset)"
            pool = self.ranker.pools(label, pool_names, frequency_prior(len(pool_names)))
            self.first_names[key] = self._pick(pool, [word], "first name", "name", None)
        return self.first_names[key]

    def _surname(self, surname: str) -> Pick:
        key = normalize(surname)
        if key not in self.surnames:
            pool_names = self._part(surnames_that_name_no_place(self.target.code))
            label = f"surnames of {self.target.name} ({len(pool_names)}, names-dataset)"
            pool = self.ranker.pools(label, pool_names, frequency_prior(len(pool_names)))
            words = [w for w in surname.split() if w.lower() not in PARTICLES] or surname.split()
            self.surnames[key] = self._pick(pool, words, "surname", "name", None)
        return self.surnames[key]

    # --- organisations and demonyms -----------------------------------------------------------------

    def organisation(self, surface: str, words: list[str]) -> Outcome:
        found = places.recognize(words, self.common)
        if found.kind in ("country", "city", "region") and found.place is not None:
            # A team or body named after a place ("Barcelona", "NEW YORK") moves only with a place of the source
            # country; a foreign club stays foreign.
            if self.source is None or found.place.country != self.source.code:
                return Kept(f"named after {found.place.name}, outside {self._source_name()}: kept")
            outcome = self.place(found.place, surface)
            return replace(outcome, kind="organisation") if isinstance(outcome, Pick) else outcome
        inside = places.place_inside(words, self.common) if len(words) > 1 else None
        if inside is not None:
            return self._around(words, inside[0].place, inside[1], "organisation")
        if len(words) == 1 and self.organisation_fallback is not None:
            key = ("organisation", normalize(surface))
            if key not in self.places:
                self.places[key] = self.organisation_fallback(surface)
            return self.places[key]
        return Kept("an organisation with no place in its name: kept whole")

    def demonym(self, surface: str) -> Outcome:
        found = find_country(surface)
        if (
            found is not None
            and self.source is not None
            and found.code == self.source.code
            and surface.lower() == (found.demonym or "").lower()
            and self.target.demonym
        ):
            return Pick(match_casing(surface, self.target.demonym, False), "demonym", "the target's demonym")
        return Kept("not the source country's demonym")

    # --- ranking ------------------------------------------------------------------------------------

    def _pick(self, pool: Pool, words: Sequence[str], kind: str, usage: str, prior: np.ndarray | None) -> Pick:
        entity = self.ranker.vector(words)
        query = self.target_vector - self.source_vector + (entity if entity is not None else 0.0)
        query = query / (np.linalg.norm(query) or 1.0)
        used = self._used(usage)
        banned = {w.lower() for w in words} | {" ".join(words).lower()}
        # The target's direction dominates the query, so without a jitter every surname would get the one most
        # typical of the target; names get more of it than places (whose rank prior already spreads them), and
        # originals the vectors do not know, which all share one query, the most.
        amount = 1.0 if entity is None else (0.6 if usage == "name" else 0.3)
        jitter = variety(" ".join(words), len(pool.names), amount, self.ranker.seed)
        prior = (pool.prior if prior is None else prior) + jitter
        ranked, cosines = self.ranker.rank(pool, query.astype(np.float32), used, banned, prior)
        if not ranked:  # every candidate is taken: share the best one rather than keep a foreign word
            ranked, cosines = self.ranker.rank(pool, query.astype(np.float32), set(), banned, prior)
        if self.ranker.seed:  # a corpus copy draws among the best few instead of taking the best
            rng = np.random.default_rng(zlib.crc32(f"{self.ranker.seed}:{' '.join(words).lower()}".encode()))
            chosen = int(rng.integers(len(ranked)))
            ranked = [ranked[chosen], *ranked[:chosen], *ranked[chosen + 1 :]]
            cosines = [cosines[chosen], *cosines[:chosen], *cosines[chosen + 1 :]]
        used.add(ranked[0].lower())
        return Pick(ranked[0], kind, pool.label, round(cosines[0], 4), ranked[1:])

    def _used(self, usage: str) -> set[str]:
        return self.used.setdefault(usage, set())

    def _part(self, names: tuple[str, ...]) -> tuple[str, ...]:
        return pool_part(names, *self.part)

    def _part_places(self, found: tuple[Place, ...]) -> tuple[Place, ...]:
        kept = set(self._part(tuple(p.name for p in found)))
        return tuple(p for p in found if p.name in kept)


MIN_HELD_OUT = 5  # names a small pool still holds out (or a third of it), so that an audit has a few to draw


@cache
def pool_part(names: tuple[str, ...], part: str, held_out_share: float) -> tuple[str, ...]:
    """The names of one pool that belong to ``part`` ("all", "train" or "held-out"), in the pool's order. The
    held-out part is the ``held_out_share`` of the pool's names with the lowest hashes (at least
    ``MIN_HELD_OUT``, or a third of a small pool): the same names on every machine and in every run."""
    if part == "all":
        return names
    distinct = sorted({normalize(name) for name in names}, key=lambda name: (zlib.crc32(name.encode()), name))
    size = max(round(held_out_share * len(distinct)), min(MIN_HELD_OUT, len(distinct) // 3))
    held_out = set(distinct[:size])
    return tuple(name for name in names if (normalize(name) in held_out) == (part == "held-out"))


@cache
def surnames_that_name_no_place(code: str) -> tuple[str, ...]:
    """The country's surnames, less those that are also a country, a region or a city of 100,000 people: a
    reader (and the tagger) takes "Santos" or "Lima" for the place or its football club."""

    def names_a_place(name: str) -> bool:
        found = places._recognize_name(name)
        if found is None or found.place is None:
            return False
        return found.kind in ("country", "region") or found.place.population >= 100_000

    return tuple(name for name in names.load_pools()[code].surname if not names_a_place(name))


def _abbreviation(surface: str) -> bool:
    """ "USA", "U.K.", "UAE": upper case by spelling, not for emphasis."""
    letters = [c for c in surface if c.isalpha()]
    return surface.isupper() and (len(letters) <= 3 or "." in surface)


def guess_role(word: str) -> str:
    """ "first" or "surname" for a lone name: the role in which it is more frequent anywhere."""
    first, family = names.first_name_rank(word), names.surname_rank(word)
    if names.is_first_name(word) and (family is None or (first is not None and first < family)):
        return "first"
    if family is not None or not names.is_first_name(word):
        return "surname"
    return "first"


def source_rank(place: Place) -> int:
    """The rank of a city among its own country's cities that are not districts."""
    ranks = _town_ranks(place.country)
    return ranks.get(place.name, len(ranks))


@cache
def _town_ranks(code: str) -> dict[str, int]:
    return {city.name: city.rank for city in reversed(places.cities_of(code))}  # the first of a name wins


def rank_match(size: int, rank: int) -> np.ndarray:
    """Prior for a city of about the same rank in its country: New York (1st) -> one of the 4 largest,
    Kansas City (~40th) -> one between about 13th and 120th; the analogy decides within that window, and
    candidates outside it come only when all inside are taken. 1 at the same rank, falling to 0 at a
    factor of 3 apart, -5 beyond."""
    ranks = np.arange(size, dtype=np.float32)
    distance = np.abs(np.log1p(ranks) - math.log1p(rank)) / math.log(3)
    return np.where(distance <= 1.0, 1.0 - distance, -5.0).astype(np.float32)


def variety(original: str, size: int, amount: float = 0.3, seed: int = 0) -> np.ndarray:
    """A jitter in [0, amount) per candidate, the same for the same original and seed on every run: originals
    the vectors do not know ("Campese", "Eyles") would otherwise all get the single most typical candidate."""
    rng = np.random.default_rng(zlib.crc32(f"{seed}:{original.lower()}".encode()))
    return (amount * rng.random(size)).astype(np.float32)


def frequency_prior(size: int) -> tuple[float, ...]:
    return tuple(1.0 - math.log1p(rank) / math.log1p(size) for rank in range(size))


def find_country_name(code: str) -> str:
    from localize.countries import country

    return country(code).name
