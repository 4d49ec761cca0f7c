"""Organisations: the kind of an organisation and the country it belongs to, and each country's organisations by
kind, from data that ships with the package.

- ``data/organisations.tsv``: national institutions (central bank, parliament and its houses, supreme court,
  federal police, stock and commodity exchanges, space agency, national broadcaster, ministries of finance and
  agriculture, weather service, environment agency), news agencies, parties, universities, newspapers, clubs by
  sport and leagues, companies of countries pytickersymbols lacks (India, Brazil, Mexico, Nigeria: their index
  lists), global brands and international bodies; every row names its source (a Wikipedia article title).
- ``data/companies.tsv``: the constituents of the stock indices ``pytickersymbols`` ships (S&P 500, DAX, FTSE
  100, Nikkei 225, ...), with their country and sector; ``pip install pytickersymbols==1.17.10 && python -m
  localize.organisations`` rebuilds it.

An organisation the data does not name is recognised by its words where they say the kind ("University",
"Times", "FC", "Bank", "Party", "Corp"); its country is then the place or demonym in its name, if any.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from localize.mapping import OrganisationKind

DATA = Path(__file__).resolve().parent / "data"
TABLE = DATA / "organisations.tsv"
COMPANIES = DATA / "companies.tsv"
PYTICKERSYMBOLS = "pytickersymbols==1.17.10"

# Kinds that are the same in every country: they stay.
STAYS: frozenset[str] = frozenset({"global brand", "international"})
# Kinds of which a country has one or two: a national institution becomes the target's own.
NATIONAL: frozenset[str] = frozenset(
    {
        "central bank", "parliament", "lower house", "upper house", "supreme court", "federal police",
        "stock exchange", "commodity exchange", "space agency", "national broadcaster", "finance ministry",
        "agriculture ministry", "weather service", "environment agency", "news agency",
    }
)  # fmt: skip
# A company's sector, from the sector names of GICS and of Refinitiv's TRBC that pytickersymbols carries.
SECTORS: dict[str, str] = {
    "financials": "financials", "information technology": "technology", "technology": "technology",
    "energy": "energy", "health care": "health care", "healthcare": "health care", "industrials": "industrials",
    "materials": "materials", "basic materials": "materials", "consumer discretionary": "consumer discretionary",
    "consumer cyclicals": "consumer discretionary", "consumer staples": "consumer staples",
    "consumer non-cyclicals": "consumer staples", "utilities": "utilities", "communication services": "communication",
    "telecommunications services": "communication", "telecommunications": "communication",
    "real estate": "real estate",
}  # fmt: skip
# Where a company lists only industries (the Nikkei's "Electric machinery", "Railway/bus"), the first that holds
# one of these words gives its sector; the order settles "Electric power" (utilities) before "Electric machinery".
INDUSTRY_WORDS: tuple[tuple[str, str], ...] = (
    ("bank", "financials"),
    ("financ", "financials"),
    ("insurance", "financials"),
    ("securities", "financials"),
    ("electric power", "utilities"),
    ("utility", "utilities"),
    ("gas", "utilities"),
    ("petroleum", "energy"),
    ("oil", "energy"),
    ("energy", "energy"),
    ("pharma", "health care"),
    ("health", "health care"),
    ("chemical", "materials"),
    ("steel", "materials"),
    ("metal", "materials"),
    ("glass", "materials"),
    ("paper", "materials"),
    ("mining", "materials"),
    ("automotive", "consumer discretionary"),
    ("retail", "consumer discretionary"),
    ("apparel", "consumer discretionary"),
    ("food", "consumer staples"),
    ("beverage", "consumer staples"),
    ("telecom", "communication"),
    ("communications", "communication"),
    ("electronic", "technology"),
    ("electric machinery", "technology"),
    ("semiconductor", "technology"),
    ("software", "technology"),
    ("precision", "technology"),
    ("real estate", "real estate"),
    ("machinery", "industrials"),
    ("construction", "industrials"),
    ("transport", "industrials"),
    ("railway", "industrials"),
    ("trading", "industrials"),
    ("conglomerate", "industrials"),
    ("manufacturing", "industrials"),
    ("services", "industrials"),
)
# Legal forms dropped before a name is looked up ("Barrick Gold Corp" is "Barrick Gold").
LEGAL_FORMS = frozenset(
    "inc inc. corp corp. corporation co co. company ltd ltd. limited plc ag sa s.a. se nv n.v. llc group "
    "holdings holding".split()
)
# Words that say the kind of an organisation the data does not name.
UNIVERSITY_WORDS = frozenset({"university", "college", "polytechnic", "universidad", "universidade", "universitat"})
NEWSPAPER_WORDS = frozenset(
    {"times", "post", "herald", "journal", "tribune", "gazette", "chronicle", "examiner", "inquirer", "telegraph"}
)
FOOTBALL_WORDS = frozenset({"fc", "f.c.", "afc", "a.f.c.", "cf", "c.f."})
FOOTBALL_ENDINGS = frozenset({"united", "rovers", "wanderers", "athletic", "albion", "hotspur"})
ACRONYM = re.compile(r"[A-Z]{2,6}")
_APOSTROPHE_S = re.compile(r"\s+'s\b")


@dataclass(frozen=True)
class Organisation:
    name: str
    kind: OrganisationKind
    country: str | None  # ISO 3166 alpha-2; None for international bodies and global brands
    detail: str  # a company's sector, a club's or a league's sport; "" otherwise
    source: str  # "wp" (the Wikipedia article titled as the name), "wp:Title", or the package and list
    aliases: tuple[str, ...] = ()

    @property
    def acronym(self) -> str | None:
        """How it is written in capitals alone ("ISRO" for the Indian Space Research Organisation), if it is."""
        return next((n for n in (self.name, *self.aliases) if ACRONYM.fullmatch(n)), None)


@dataclass(frozen=True)
class Recognized:
    """What an organisation was taken for, and how: ``known`` when the data names it."""

    kind: OrganisationKind | None
    country: str | None
    detail: str
    how: str  # "Wikipedia: Federal Reserve" (the data's row), "by its word 'University'"
    known: Organisation | None = None


def key(name: str) -> str:
    """The form names are looked up by: no accents, lower case, no leading "the", no legal form ("Corp")."""
    text = unicodedata.normalize("NFKD", name.replace("\u2019", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = _APOSTROPHE_S.sub("'s", " ".join(text.split())).lower().split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[-1].strip(",") in LEGAL_FORMS:
        words = words[:-1]
    return " ".join(words).strip(",")


def cited(organisation: Organisation) -> str:
    """Its source as a reader can look it up: "Wikipedia: Federal Reserve"."""
    source = organisation.source
    if source == "wp":
        return f"Wikipedia: {organisation.name}"
    if source.startswith("wp:"):
        return f"Wikipedia: {source[3:]}"
    return source


@cache
def organisations() -> tuple[Organisation, ...]:
    """Every organisation of the shipped files, the hand table's first."""
    rows = [*_read(TABLE), *(_read(COMPANIES) if COMPANIES.exists() else [])]
    return tuple(row for row, _ in rows)


@cache
def _index() -> dict[str, tuple[Organisation, ...]]:
    """Looked-up form of every name and alias -> the organisations it names (a name can be several countries')."""
    found: dict[str, list[Organisation]] = defaultdict(list)
    for path in (TABLE, COMPANIES):
        if not path.exists():
            continue
        for organisation, aliases in _read(path):
            for name in (organisation.name, *aliases):
                if organisation not in found[key(name)]:
                    found[key(name)].append(organisation)
    return {name: tuple(orgs) for name, orgs in found.items()}


def _read(path: Path) -> list[tuple[Organisation, tuple[str, ...]]]:
    with path.open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    rows = []
    for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
        country = None if row["country"] == "-" else row["country"]
        aliases = tuple(a for a in row["aliases"].split(";") if a)
        organisation = Organisation(row["name"], row["kind"], country, row["detail"], row["source"], aliases)  # type: ignore[arg-type]
        rows.append((organisation, aliases))
    return rows


@cache
def _pools() -> dict[tuple[str, str], tuple[Organisation, ...]]:
    """(country, kind) -> its organisations, in the order of the files (the hand table first)."""
    found: dict[tuple[str, str], list[Organisation]] = defaultdict(list)
    for organisation in organisations():
        if organisation.country is not None and organisation not in found[(organisation.country, organisation.kind)]:
            found[(organisation.country, organisation.kind)].append(organisation)
    return {pair: tuple(orgs) for pair, orgs in found.items()}


def pool(country: str, kind: str, detail: str = "") -> tuple[Organisation, ...]:
    """The organisations of ``country`` of ``kind`` (and of the same sector or sport, where ``detail`` says one;
    a club or league of an unknown sport, a company of an unknown sector: any). Companies only of small-cap
    indices are recognised but never chosen: a reader knows the big ones."""
    members = _pools().get((country, kind), ())
    members = tuple(o for o in members if not o.source.endswith(SMALL_CAP_INDICES))
    return tuple(o for o in members if o.detail == detail) if detail else members


def recognize(
    surface: str, source: str | None, country_in: Callable[[Sequence[str]], str | None] | None = None
) -> Recognized:
    """What ``surface`` is: the data's organisation of that name (the source country's first, where several
    countries have one: "Senate"), else the kind its words say and the country of the place or demonym in it
    (``country_in``, given the words). ``kind`` None: nothing says what it is."""
    known = _index().get(key(surface))
    if known:
        chosen = next((o for o in known if o.country == source), None) or next(
            (o for o in known if o.country is None), known[0]
        )
        return Recognized(chosen.kind, chosen.country, chosen.detail, cited(chosen), chosen)
    words = surface.split()
    kind, detail, word = _kind_by_words(words)
    if kind is None:
        return Recognized(None, None, "", "")
    country = country_in(words) if country_in is not None else None
    return Recognized(kind, country, detail, f"by its word {word!r}")


def _kind_by_words(words: Sequence[str]) -> tuple[OrganisationKind | None, str, str]:
    lower = [w.lower() for w in words]
    if len(lower) < 2:
        return None, "", ""
    for i, word in enumerate(lower):
        if word in UNIVERSITY_WORDS:
            return "university", "", words[i]
        if word in FOOTBALL_WORDS:
            return "club", "football", words[i]
        if word == "bank":
            return "company", "financials", words[i]
        if word == "party":
            return "party", "", words[i]
    if lower[-1] in NEWSPAPER_WORDS or lower[0] == "daily":
        return "newspaper", "", words[-1] if lower[-1] in NEWSPAPER_WORDS else words[0]
    if lower[-1] in FOOTBALL_ENDINGS:
        return "club", "football", words[-1]
    if lower[-1] in LEGAL_FORMS:
        return "company", "", words[-1]
    return None, "", ""


def plural(kind: str, detail: str) -> str:
    """ "basketball clubs", "companies (financials)", "universities"."""
    words = described(kind, detail).split(" ", 1)[1].split(" (")
    head = words[0]
    head = head[:-1] + "ies" if head.endswith("y") and not head.endswith("ey") else head + "s"
    return " (".join([head, *words[1:]])


def described(kind: str, detail: str) -> str:
    """ "a basketball club", "a company (financials)", "a central bank"."""
    if kind == "international":
        text = "international body"
    elif kind in ("club", "league") and detail:
        text = f"{detail} {kind}"
    elif kind == "company" and detail:
        text = f"company ({detail})"
    else:
        text = kind
    article = "an" if text[:1] in "aeio" or text.startswith(("und", "unk")) else "a"
    return f"{article} {text}"


# --- the derived file: index constituents of pytickersymbols ----------------------------------------------------

# Where an index's companies are from when a company's ISIN does not say.
INDEX_COUNTRIES = {
    "AEX": "NL", "BEL 20": "BE", "CAC_40": "FR", "CAC Mid 60": "FR", "DAX": "DE", "DOW JONES": "US",
    "FTSE 100": "GB", "IBEX 35": "ES", "MDAX": "DE", "NASDAQ 100": "US", "NIKKEI 225": "JP",
    "OMX Helsinki 25": "FI", "OMX Stockholm 30": "SE", "S&P 100": "US", "S&P 500": "US", "S&P 600": "US",
    "Switzerland 20": "CH", "SDAX": "DE", "TecDAX": "DE",
}  # fmt: skip
SMALL_CAP_INDICES = ("S&P 600", "SDAX", "CAC Mid 60")
_CLASS = re.compile(r"\s*\((class [a-z]|the)\)\s*$", re.IGNORECASE)


def build(out: Path = COMPANIES) -> int:
    """Write ``companies.tsv`` from pytickersymbols' index constituents: name, country, sector. Companies the
    hand table names already (as a global brand, say) are left out."""
    from pytickersymbols import PyTickerSymbols

    symbols = PyTickerSymbols()
    table = {key(o.name) for o, _ in _read(TABLE)} | {key(a) for _, aliases in _read(TABLE) for a in aliases}
    rows: dict[str, tuple[str, str, str, str, str]] = {}
    for index in symbols.get_all_indices():
        for stock in symbols.get_stocks_by_index(index):
            name = _CLASS.sub("", stock["name"]).strip()
            sector = _sector(stock.get("industries") or [])
            isin = next(iter(stock.get("isins") or []), "")
            country = isin[:2] if re.fullmatch(r"[A-Z]{2}", isin[:2]) else INDEX_COUNTRIES.get(index, "")
            if not sector or not country or key(name) in table or key(name) in rows:
                continue
            short = _short_name(name)  # "Lanxess AG" is written "Lanxess"
            rows[key(name)] = (
                country,
                sector,
                short or name,
                name if short else "",
                f"pytickersymbols 1.17.10: {index}",
            )
    with out.open("w", encoding="utf-8") as handle:
        handle.write(f"# Derived by python -m localize.organisations from {PYTICKERSYMBOLS} (index constituents).\n")
        handle.write("country\tkind\tdetail\tname\taliases\tsource\n")
        for country, sector, name, short, source in sorted(rows.values()):
            handle.write(f"{country}\tcompany\t{sector}\t{name}\t{short}\t{source}\n")
    return len(rows)


def _sector(industries: list[str]) -> str:
    named = [SECTORS[i.lower()] for i in industries if i.lower() in SECTORS]
    if named:
        return named[0]
    return next((sector for i in industries for word, sector in INDUSTRY_WORDS if word in i.lower()), "")


def _short_name(name: str) -> str:
    """ "Exxon Mobil Corporation" is also written "Exxon Mobil": the name less its legal form, when that differs."""
    words = name.replace(",", "").split()
    while len(words) > 1 and words[-1].lower() in LEGAL_FORMS:
        words = words[:-1]
    short = " ".join(words)
    return short if short != name else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=f"Rebuild {COMPANIES.name} (needs {PYTICKERSYMBOLS}).")
    parser.add_argument("--out", type=Path, default=COMPANIES)
    args = parser.parse_args(argv)
    print(f"{build(args.out)} companies -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
