"""The candidates of a country target, per kind: its cities and regions (``localize.places``), its first names and
surnames (``localize.names``), the part of each pool a run draws from, and each candidate's prior."""

from __future__ import annotations

import math
import zlib
from functools import cache

import numpy as np

from localize import names, places
from localize.config import LocalizeConfig, PlaceSizes
from localize.countries import find_country, normalize
from localize.places import Place


@cache
def pool_part(names: tuple[str, ...], part: str, held_out_share: float, held_out_min: int = 5) -> tuple[str, ...]:
    """The names of one pool that belong to ``part`` ("all", "train" or "held-out"), in the pool's order. The
    held-out part is the ``held_out_share`` of the pool's names with the lowest hashes (at least
    ``held_out_min``, or a third of a small pool): the same names on every machine and in every run."""
    if part == "all":
        return names
    distinct = sorted({normalize(name) for name in names}, key=lambda name: (zlib.crc32(name.encode()), name))
    size = max(round(held_out_share * len(distinct)), min(held_out_min, len(distinct) // 3))
    held_out = set(distinct[:size])
    return tuple(name for name in names if (normalize(name) in held_out) == (part == "held-out"))


def part_of(config: LocalizeConfig, found: tuple[str, ...]) -> tuple[str, ...]:
    return pool_part(found, config.pool_part, config.held_out_share, config.held_out_min)


def places_in_part(config: LocalizeConfig, found: tuple[Place, ...]) -> tuple[Place, ...]:
    kept = set(part_of(config, tuple(p.name for p in found)))
    return tuple(p for p in found if p.name in kept)


@cache
def surnames_that_name_no_place(code: str, sizes: PlaceSizes = places.SIZES) -> tuple[str, ...]:
    """The country's surnames, less those that are also a country, a region or a known town: a reader (and the
    tagger) takes "Santos" or "Lima" for the place or its football club."""

    def names_a_place(name: str) -> bool:
        found = places._recognize_name(name, sizes)
        if found is None or found.place is None:
            return False
        return found.kind in ("country", "region") or found.place.population >= sizes.known_town

    return tuple(name for name in names.load_pools()[code].surname if not names_a_place(name))


# The bands a city's population rank falls in (1, 2-5, 6-20, 21-100, 101-500, >500): a city becomes one of the
# same band, the largest the largest, a regional centre a regional centre (benchmarks/naturalness.py).
RANK_BANDS = (1, 5, 20, 100, 500)
# Words that make a GeoNames "city" a feature or a site, not a town a reader knows as one: "River Atuwara".
FEATURE_WORDS = frozenset(
    {"river", "lake", "mount", "mountain", "island", "islands", "forest", "desert", "bay", "creek"}
)


def rank_band(rank: float) -> int:
    return next((i for i, top in enumerate(RANK_BANDS) if rank < top), len(RANK_BANDS))


@cache
def city_pool(code: str, sizes: PlaceSizes = places.SIZES) -> tuple[Place, ...]:
    """The target's cities a replacement is drawn from: populated places (no "River Atuwara", no "Berlin Köpenick"
    where Berlin is bigger, no section of a city: "South Boston", ``places.sections_of``), none that reads as
    another country ("Niger") and, under ``sizes.known_town``, none that is one of the country's first names or
    surnames ("Hashimoto": a town of 60,000, and one of Japan's commonest surnames; Kanazawa, a city of 460,000,
    reads as the city)."""
    people = person_names(code)
    bigger: set[str] = set()
    parts: set[Place] = set()  # "Berlin Köpenick": a part of a bigger city that GeoNames lists on its own
    for city in places.cities_of(code, sizes):
        words = normalize(city.name).split()
        if any(" ".join(words[:end]) in bigger for end in range(1, len(words))):
            parts.add(city)
        bigger.add(" ".join(words))
    sections = places.sections_of(code, sizes)
    return tuple(
        city
        for city in places.cities_of(code, sizes)
        if city not in parts
        and (normalize(city.name) not in sections or city.capital)
        and len({word.lower() for word in city.name.split()}) == len(city.name.split())  # "Budge Budge"
        and not any(word.lower() in FEATURE_WORDS for word in city.name.split())
        and find_country(city.name, demonyms=False) is None
        and (city.population >= sizes.known_town or city.name.lower() not in people)
    )


@cache
def region_pool(code: str) -> tuple[Place, ...]:
    """The target's regions a region written alone becomes: none that is one of the country's first names or
    surnames (Guerrero, Hidalgo, Hesse). A region that follows its city (``localize.allocate``) is the city's own,
    whatever its name."""
    people = person_names(code)
    return tuple(region for region in places.regions_of(code) if region.name.lower() not in people)


@cache
def person_names(code: str) -> frozenset[str]:
    """Lower-case first names and surnames of the country's pools."""
    pool = names.load_pools().get(code)
    return frozenset(n.lower() for n in (*pool.male, *pool.female, *pool.surname)) if pool else frozenset()


def source_rank(place: Place, sizes: PlaceSizes = places.SIZES) -> int:
    """The rank of a city among its own country's cities that are not districts; for a district (Cambridge beside
    Boston), the rank its population would have."""
    ranks = _town_ranks(place.country, sizes)
    if place.name in ranks:
        return ranks[place.name]
    return sum(city.population > place.population for city in places.cities_of(place.country, sizes))


@cache
def _town_ranks(code: str, sizes: PlaceSizes) -> dict[str, int]:
    return {city.name: city.rank for city in reversed(places.cities_of(code, sizes))}  # the first of a name wins


def city_prior(cities: tuple[Place, ...], place: Place, config: LocalizeConfig, spread: bool = True) -> np.ndarray:
    """Prior for a city of about the same rank in its country: New York (1st) -> the largest, Kansas City (~40th)
    -> one between the 21st and the 100th (``RANK_BANDS``); the analogy decides within that band. 1 at the aimed
    rank, falling to 0 at a factor of 3 apart, ``out_of_rank_prior`` per band apart out of the aimed band.

    A share ``next_band_share`` of originals (by a hash of the name, so one original always aims the same way) aims
    at the same place in the next band down instead: the top bands hold 1, 4 and 15 cities, and without this
    every capital and big city of a corpus shares a handful of replacements (issue #28, variety); not where
    ``spread`` is False (the second of two cities written as one keeps its rank). The target's
    capital stands only for the source's capital (``localize.allocate``) and the largest city for the largest; a
    city of ``big_city`` people never becomes a town under ``small_town``."""
    sizes = config.places
    rank = aimed_rank(source_rank(place, sizes), place.name, config) if spread else source_rank(place, sizes)
    ranks = np.array([c.rank for c in cities], dtype=np.float32)
    distance = _rank_distance(ranks, rank)
    gap = np.abs(np.array([rank_band(c.rank) for c in cities]) - rank_band(rank))
    prior = np.where(gap == 0, 1.0 - distance, config.out_of_rank_prior * gap - distance).astype(np.float32)
    if place.population >= sizes.big_city:
        prior[[c.population < sizes.small_town for c in cities]] += config.out_of_rank_prior
    prior[[c.capital and not (c.rank == 0 and rank == 0) for c in cities]] = config.capital_prior
    return prior


def named_prior(cities: tuple[Place, ...], place: Place, config: LocalizeConfig) -> np.ndarray:
    """Prior for the city a team or body is named after ("PHILADELPHIA", "NEW JERSEY" in a results table), among
    the target's largest (``localize.allocate``: a town of 20,000 reads as a surname and a long region name as a
    place, issue #28): nearest the original's rank where the original is a city, none named like a person of the
    country where another is free (alone in a results table, "HAGEN" reads as a surname), no next-band share."""
    if place.kind == "city":
        prior = city_prior(cities, place, config, spread=False)
    else:
        prior = np.ones(len(cities), dtype=np.float32)
        prior[[c.capital and c.rank > 0 for c in cities]] = config.capital_prior
    people = person_names(cities[0].country) if cities else frozenset()
    prior[[c.name.lower() in people for c in cities]] += config.out_of_rank_prior  # "HAGEN 110 MAINZ 108"
    return prior


def _rank_distance(ranks: np.ndarray, rank: float) -> np.ndarray:
    """0 at the same rank, 1 at a factor of 3 apart or more."""
    return np.minimum(np.abs(np.log1p(ranks) - math.log1p(rank)) / math.log(3), 1.0)


def aimed_rank(rank: int, original: str, config: LocalizeConfig) -> float:
    """``rank``, or for a share ``next_band_share`` of originals the rank at the same place (on a log scale) in
    the next band down: the 1st -> the 2nd, the 3rd -> about the 10th, the 30th -> about the 150th."""
    band = rank_band(rank)
    if band >= len(RANK_BANDS) or not _in_share(original, config.next_band_share, config.seed):
        return float(rank)
    edges = (0, *RANK_BANDS, RANK_BANDS[-1] * 5)  # the last band's span, for this mapping only
    low, high = math.log1p(edges[band]), math.log1p(edges[band + 1])
    position = (math.log1p(rank) - low) / (high - low)
    low, high = math.log1p(edges[band + 1]), math.log1p(edges[band + 2])
    return math.expm1(low + position * (high - low))


def _in_share(original: str, share: float, seed: int) -> bool:
    return zlib.crc32(f"{seed}:band:{original.lower()}".encode()) / 2**32 < share


def variety(original: str, size: int, amount: float, seed: int = 0) -> np.ndarray:
    """A Gumbel jitter of scale ``amount`` per candidate, the same for the same original and seed on every run.
    Added to a score it draws a candidate with odds exp(score / amount) (the Gumbel-max trick): with the frequency
    prior in the score, replacements spread over a country's names about as its people bear them, while one
    original always gets the same one. Without it the target's direction dominates the analogy and every text gets
    the same few names (issue #28: 17% distinct first names over the CoNLL++ test documents)."""
    rng = np.random.default_rng(zlib.crc32(f"{seed}:{original.lower()}".encode()))
    uniform = rng.random(size).clip(1e-12, 1.0 - 1e-12)
    return (amount * -np.log(-np.log(uniform))).astype(np.float32)


def frequency_prior(size: int) -> tuple[float, ...]:
    return tuple(1.0 - math.log1p(rank) / math.log1p(size) for rank in range(size))
