"""``--switch all``: every gold PER/LOC/ORG entity of a CoNLL document becomes one of the target country, countries
included, as in the entity-switched test sets of Agarwal et al. (2020); ``python -m corpus conll --switch``,
``python -m training --augment-switch`` and ``benchmarks/entity_switch.py`` use it.

``localize`` (``--switch localize``, the default) moves a text from the source country to the target one and keeps
the rest of the world: foreign countries, their cities when the text names them, districts, unknown places,
organisations with no place in their name. ``FullSwitch`` wraps a ``Localizer``: it lets ``localize`` rewrite the
document first (people, the source country's places, organisations named after them), then gives every entity it
kept a counterpart in the target country, from localize's public pieces (``localize.places``,
``localize.pools``):

- a country becomes a region of the target (a city of the 30 largest once its regions are used), its national team
  (tagged ORG) the same place;
- a city becomes a city of the target of similar rank (a factor of 3 either way among its country's towns), a
  region a region, a district or an unknown place (Europe, the Pacific) one of the target's 300 largest cities;
- a venue or an organisation with a place in its name keeps the rest of its name ("Old Trafford" stays whole, but
  "Lazio Rome" -> "Lazio Pune"); an organisation named after a place (a club: "Barcelona") takes that place's
  counterpart;
- any other organisation keeps its generic words and has the others replaced: "Ford Motor Co" -> "Surat Motor Co",
  "Reuters" -> "Surat"; a lone acronym ("NATO") becomes a city too.

Every original keeps one replacement within its document (a place one replacement whether tagged LOC or ORG), no
two originals share one unless the target's part of the pool runs out (a long results table), names come from the
same part of the pools as localize's (``--pool-part``), and the draw is a hash of seed, target and original: the
same copy on every run. Casing follows the original: an entity written in capitals gets capitals (headlines, results
tables), except a short abbreviation ("USA", "NATO", "U.S.") in a line not in capitals throughout. Organisations
made only of generic words ("Senate", "Finance Ministry", "League") stay: the target has one of those too.
MISC entities and outside tokens are never touched (``conll.rewrite.rewrite_document`` copies them). The result's
``mapping`` is localize's, without the full switch's additions (a corpus copy reads only the records).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import cache
from typing import Any

from localize import Localizer, Policy, Replacement, RewriteResult
from localize.countries import Country, find_country, normalize
from localize.places import Place, cities_of, place_inside, recognize, regions_of
from localize.pools import pool_part, source_rank
from localize.text import match_casing, words_of

SWITCH_MODES = ("localize", "all")
SWITCH_HELP = (
    "localize: the source country's people, places and organisations move, foreign countries and their places stay; "
    "all: every PER/LOC/ORG becomes one of the target country, countries included (docs/switch.md)"
)
TOP_CITIES = 300  # an unknown place or an organisation's name draws among the target's largest cities
COUNTRY_CITIES = 30  # a country, once the target's regions are used, becomes one of its largest cities
# Words that say what kind of organisation a name is; they stay when the rest of the name moves.
GENERIC = frozenset(
    """united city town county athletic athletico atletico sporting sport sports club fc sc ac cf afc rovers
    wanderers rangers albion olympic olympique real dynamo dinamo lokomotiv spartak racing stars star
    bank banks party corp corporation co cos company companies inc ltd plc ag sa nv bv spa llc group holding holdings
    association union council ministry department agency commission committee federation league board bureau
    office authority service services airlines airline airways air motors motor industries industrial international
    national news times post journal herald tribune daily press television tv radio broadcasting network
    university college institute school hospital court police army navy force forces government parliament
    assembly congress senate cabinet front movement alliance organisation organization exchange fund foundation
    trust securities capital investment investments finance financial energy oil petroleum gas power steel telecom
    telecommunications communications railway railways rail insurance stores systems technologies technology
    electric electronics pharmaceuticals pharmaceutical chemicals chemical mining resources development
    central state federal republic people's peoples democratic socialist communist liberal labour labor
    conservative green
    and of the & de del la le für für""".split()
)
_CONNECTORS = frozenset({"and", "of", "the", "&", "de", "del", "la", "le", "für"})
_REGION_SUFFIX = re.compile(r" (Sheng|Shi|Zizhiqu|Tebiexingzhengqu)$")


def clean_region(name: str) -> str | None:
    """A region name as news text writes it, or None for an ISO form no text uses ("Adygeya, Respublika")."""
    name = _REGION_SUFFIX.sub("", name)
    words = name.replace("-", " ").split()
    if "," in name or "'" in name or "(" in name or len(words) > 3:
        return None
    if not all(word[:1].isupper() or word in ("and", "of", "de", "do", "da") for word in words):
        return None
    return name


@cache
def target_places(code: str, part: str, share: float, minimum: int = 5) -> tuple[tuple[Place, ...], tuple[str, ...]]:
    """(cities most populous first, clean region names) of the target in one part of the pools."""
    cities = cities_of(code)
    kept = set(pool_part(tuple(c.name for c in cities), part, share, minimum))
    regions = tuple(dict.fromkeys(r for r in (clean_region(p.name) for p in regions_of(code)) if r))
    return tuple(c for c in cities if c.name in kept), pool_part(regions, part, share, minimum)


class FullSwitch:
    """A ``Localizer`` stand-in for ``conll.rewrite.rewrite_document`` that replaces every selected entity."""

    def __init__(self, localizer: Localizer) -> None:
        self.localizer = localizer

    @property
    def config(self):  # noqa: ANN201 - the wrapped localizer's LocalizeConfig
        return self.localizer.config

    def rewrite(
        self,
        text: str,
        entities: Iterable[Mapping[str, Any]],
        target: str | None = None,
        source: str | None = None,
        types: Iterable[str] | None = None,
        policy: Policy | None = None,
    ) -> RewriteResult:
        """localize's rewrite (``policy``: its keep list), then every entity it kept switched too; what the keep
        list names stays."""
        entities = list(entities)
        selected = tuple(self.config.types if types is None else types)
        result = self.localizer.rewrite(text, entities, target=target, source=source, types=selected, policy=policy)
        kept_on_purpose = {r.original for r in result.replacements if policy is not None and policy.kept(r.original)}
        country = find_country(result.target)
        if country is None:  # an open-vocabulary target: no country's places to draw from
            return result
        document = _Document(country, self.config, text)
        for record in result.replacements:
            if record.replacement:
                document.used.add(record.replacement.lower())
        records = []
        for record in result.replacements:
            switchable = record.replacement is None and record.original not in kept_on_purpose
            if record.entity_group in selected and switchable:
                new = document.switch(record.entity_group, record.original)
                if new is not None:
                    record = replace(record, replacement=new, reason=None, kind="full switch", pool=None)
            if record.replacement and record.entity_group in selected:
                record = replace(record, replacement=document.cased(record))
            records.append(record)
        return replace(result, replacements=records)


class _Document:
    """The full-switch choices of one document."""

    def __init__(self, target: Country, config, text: str) -> None:  # noqa: ANN001
        self.target = target
        self.text = text
        self.seed = config.seed
        self.cities, self.regions = target_places(
            target.code, config.pool_part, config.held_out_share, config.held_out_min
        )
        self.used: set[str] = set()
        self.places: dict[str, str | None] = {}  # normalized original place -> its replacement (LOC and ORG)
        self.organisations: dict[str, str | None] = {}

    # --- choices ------------------------------------------------------------------------------------

    def switch(self, group: str, surface: str) -> str | None:
        words = words_of(surface)
        if not words:
            return None
        if group == "PER":
            return None  # localize replaces every person where the target has name data
        if group == "LOC":
            return self.location(surface, words)
        if group == "ORG":
            return self.organisation(surface, words)
        return None

    def location(self, surface: str, words: list[str]) -> str | None:
        found = recognize(words)
        if found.kind == "venue" and found.place is not None and found.inside is not None:
            return self._around(words, found.inside, found.place)
        return self.place(surface, found.place)

    def organisation(self, surface: str, words: list[str]) -> str | None:
        key = normalize(surface)
        if key in self.organisations:
            return self.organisations[key]
        found = recognize(words)
        if found.kind in ("country", "region", "city") and found.place is not None:
            new = self.place(surface, found.place)  # a club or national team named after a place
        else:
            inside = place_inside(words) if len(words) > 1 else None
            new = self._around(words, inside[1], inside[0].place) if inside else self._renamed(surface, words)
        self.organisations[key] = new
        return new

    def place(self, surface: str, place: Place | None) -> str | None:
        key = normalize(surface)
        if key not in self.places:
            self.places[key] = self._place(surface, place)
        return self.places[key]

    def _place(self, surface: str, place: Place | None) -> str | None:
        if place is not None and place.country == self.target.code:
            return None  # already the target's
        if place is not None and place.kind in ("country", "region"):
            region = self._draw(surface, self.regions)
            if region is not None:
                return region
            return self._draw(surface, [c.name for c in self.cities[:COUNTRY_CITIES]]) or self._city(surface)
        if place is not None and place.kind == "city":
            rank = source_rank(place)
            window = [c.name for c in self.cities if rank / 3 <= c.rank + 1 <= 3 * (rank + 1)]
            return self._draw(surface, window) or self._city(surface)
        return self._city(surface)

    def _city(self, surface: str) -> str | None:
        """One of the largest cities, any city once those are used, and once every city of this part of the pool
        is used (a results table of a small pool), one already given: shared rather than a foreign word kept."""
        everything = [c.name for c in self.cities]
        return (
            self._draw(surface, [c.name for c in self.cities[:TOP_CITIES]])
            or self._draw(surface, everything)
            or self._draw(surface, everything, shared=True)
        )

    def _around(self, words: list[str], inside: tuple[int, int], place: Place | None) -> str | None:
        first, end = inside
        new = self.place(" ".join(words[first:end]), place)
        if new is None:
            return None
        return " ".join([*words[:first], *new.split(), *words[end:]])

    def _renamed(self, surface: str, words: list[str]) -> str | None:
        """Generic words stay, each run of the others becomes a city of the target ("Ford Motor Co" -> "Surat
        Motor Co"); a name without generic words keeps its last word when it has several ("Goldman Sachs")."""
        generic = [word.lower() in GENERIC or not word[:1].isalnum() for word in words]
        if not any(generic) and len(words) > 1:
            generic[-1] = True
        out: list[str] = []
        i = 0
        while i < len(words):
            if generic[i]:
                out.append(words[i])
                i += 1
                continue
            end = i
            while end < len(words) and not generic[end]:
                end += 1
            run = " ".join(words[i:end])
            city = self._city(run if i or end < len(words) else surface)
            if city is None:
                return None
            out.extend(city.split())
            i = end
        new = " ".join(out)
        return None if new == surface else new

    def _draw(self, original: str, candidates: list[str], shared: bool = False) -> str | None:
        """One unused candidate (any, when ``shared``), drawn by a hash of seed, target and original (the same on
        every run)."""
        fresh = [
            name
            for name in candidates
            if (shared or name.lower() not in self.used) and name.lower() != original.lower()
        ]
        if not fresh:
            return None
        key = f"{self.seed}:{self.target.code}:{normalize(original)}"
        chosen = fresh[zlib.crc32(key.encode()) % len(fresh)]
        self.used.add(chosen.lower())
        return chosen

    # --- casing -------------------------------------------------------------------------------------

    def cased(self, record: Replacement) -> str:
        """The replacement in the original's casing: capitals for an entity in capitals, unless it is a short
        abbreviation in a line that is not in capitals throughout."""
        new = record.replacement or ""
        letters = [c for c in record.original if c.isalpha()]
        if len(letters) > 1 and all(c.isupper() for c in letters):
            if _abbreviation(record.original) and not self._upper_line(record.start):
                return new if not new.isupper() else new.title()
            return new.upper()
        return match_casing(record.original, new, False)

    def _upper_line(self, start: int) -> bool:
        line_start = self.text.rfind("\n", 0, start) + 1
        line_end = self.text.find("\n", start)
        line = self.text[line_start : None if line_end < 0 else line_end]
        letters = [c for c in line if c.isalpha()]
        return bool(letters) and all(c.isupper() for c in letters)


def _abbreviation(surface: str) -> bool:
    letters = [c for c in surface if c.isalpha()]
    return len(letters) <= 4 or "." in surface


def switcher(localizer: Localizer, mode: str) -> Localizer | FullSwitch:
    """What ``conll.rewrite.rewrite_document`` is given for a ``--switch`` mode."""
    if mode not in SWITCH_MODES:
        raise ValueError(f"--switch must be one of {', '.join(SWITCH_MODES)}, got {mode!r}")
    return FullSwitch(localizer) if mode == "all" else localizer
