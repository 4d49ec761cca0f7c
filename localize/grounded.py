"""What moves, for a target that names a country: the survey of the whole text, then one rule per entity type.
Nothing here picks a replacement (``localize.allocate`` does); a rule only says ``Move(kind, request)`` or
``Kept(reason)``.

Policy (README, "What gets replaced"):
- people: every PER name; first names keep their gender, a full name keeps its order of given names and surname
  (family name first where the target country writes it so), and a later "Obama" follows "Barack Obama";
- places: the source country becomes the target country; other countries stay, and so do their cities and regions
  when the text names that country ("Berlin, Germany"); any other city becomes a city of the target country of
  similar rank, a region a region, the source country's capital the target's capital; districts (Wimbledon) and
  unknown places stay; a venue keeps its name around the place in it ("Melbourne Cricket Ground" -> "Delhi
  Cricket Ground"); the place that says where a kept organisation or venue is stays too;
- organisations (``localize.organisations``): global brands and international bodies stay; an organisation of the
  source country becomes a real one of the target of the same kind (a central bank its central bank, a university
  a university, a company one of its sector, a club one of its sport); a foreign one stays; where the target has
  none of the kind, the place in the name moves ("Los Angeles Lakers" -> "Delhi Lakers") or the name is kept; an
  organisation of no recognised kind moves with the place in or of its name, or is kept.

Pseudonymize (``pseudonymous=True``, target = source allowed): people as above, never given their own name; a city
becomes another city of its own country of similar rank, a region another region of its country, an organisation
or venue named after a place follows the place; countries and demonyms stay.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from localize import names, organisations, places
from localize.config import LocalizeConfig
from localize.countries import Country, country, find_country, normalize, with_article
from localize.mapping import Decision, Kept, Kind, Move
from localize.places import Place
from localize.text import Mention, abbreviation, match_casing, words_of

# "Harvard University in Cambridge", "Acme Corp, Denver"; not "at", which in a fixture list is the home team's city
_LOCATED_BY = re.compile(r"\s+in\s+|\s*,\s*", re.IGNORECASE)
_TWINNED_BY = re.compile(r"\s*[/\u2013\u2014-]\s*")
INITIAL = re.compile(r"^[A-Z]\.?$")
PLACE_KINDS = ("country", "region", "city")
PARTICLES = frozenset(
    ["van", "von", "de", "da", "di", "del", "della", "der", "den", "du", "dos", "das", "bin", "ibn", "al", "el"]
    + ["le", "la", "st.", "st"]
)


# --- what a move asks the allocator for ---------------------------------------------------------------


@dataclass(frozen=True)
class Fixed:
    """A replacement no pool is ranked for: the target country, its demonym."""

    text: str
    pool: str


@dataclass(frozen=True)
class ToPlace:
    """A city or region of the target (or of ``country``, a country code) for ``place`` as written ``surface``."""

    place: Place
    surface: str
    region: str | None = None  # a city written with its region ("Boston, Massachusetts"): the region as written
    country: str | None = None
    located: str | None = None  # the organisation written right before it, as where that is ("Harvard University")
    capital: bool = False  # the source country's capital: the target's capital, where still free
    named: bool = False  # an organisation named after the place (a team "PHILADELPHIA", "NEW JERSEY"): a known city
    near: str | None = None  # the city written right before it as one ("Boston/Cambridge"): near its replacement


@dataclass(frozen=True)
class Around:
    """A venue or organisation name with the place in ``words[inside]`` moved ("Melbourne Cricket Ground")."""

    words: tuple[str, ...]
    inside: tuple[int, int]
    place: Place
    inner: Fixed | ToPlace
    why: str | None = None  # an organisation of a kind the target has none of: what it was taken for


@dataclass(frozen=True)
class FullName:
    surface: str
    given: tuple[str, ...]
    family: tuple[str, ...]
    gender: str | None  # of the first given name, for every given name
    family_first: bool  # the target writes the family name first and the source does not


@dataclass(frozen=True)
class OneName:
    word: str
    role: str  # "first" or "surname"
    gender: str | None
    follows: str | None  # the full name the word is part of, as written


@dataclass(frozen=True)
class ToOrganisation:
    """A real organisation of the target of ``kind`` (and of the sector or sport ``detail``) for ``surface``."""

    surface: str
    kind: str
    detail: str
    why: str  # what it was taken for, and how: shown beside the replacement
    fallback: Around | None = None  # where every candidate is taken: the place in the name moves instead


@dataclass(frozen=True)
class Analogy:
    """A single-word organisation, for the open-vocabulary analogy (``LocalizeConfig.organisation_analogy``)."""

    surface: str


# --- the survey -------------------------------------------------------------------------------------


@dataclass
class Facts:
    """What the whole text says before any entity is decided."""

    target: Country
    source: Country | None
    common: Callable[[str], bool]  # among the vectors' most frequent words: no place name on its own
    kept_countries: set[str] = field(default_factory=set)  # foreign countries the text names: their places stay
    roles: dict[str, str] = field(default_factory=dict)  # lower-case word -> "first" / "surname", from full names
    full_forms: dict[str, str] = field(default_factory=dict)  # lower-case word -> the full name it is part of
    anchored: dict[str, str] = field(default_factory=dict)  # normalized place -> the kept entity it locates
    regions: dict[str, str] = field(default_factory=dict)  # normalized city -> the region written with it
    located: dict[str, str] = field(default_factory=dict)  # normalized place -> the organisation it locates
    twins: dict[str, tuple[str, Place]] = field(default_factory=dict)  # normalized city -> (the city written
    # before it as one with it, the city it then is: "Boston/Cambridge" -> ("Boston", Cambridge, Massachusetts))

    @property
    def same(self) -> bool:
        return self.source is not None and self.source.code == self.target.code


class Rules:
    """``survey`` then ``decide`` for one country target."""

    def __init__(
        self,
        config: LocalizeConfig,
        target: Country,
        source: Country | None,
        common: Callable[[str], bool],
        pseudonymous: bool = False,
    ) -> None:
        self.config = config
        self.facts = Facts(target, source, common)
        self.pseudonymous = pseudonymous

    def survey(self, text: str, mentions: Sequence[Mention], selected: set[str]) -> Facts:
        facts = self.facts
        home = {facts.target.code} | ({facts.source.code} if facts.source else set())
        for mention in mentions:
            if mention.entity_group not in selected:
                continue
            words = words_of(mention.text)
            found = find_country(mention.text) if mention.entity_group == "LOC" else None
            if found is not None and found.code not in home and not self.pseudonymous:
                facts.kept_countries.add(found.code)
            if mention.entity_group == "PER" and len(words) > 1:
                self._learn_family(mention.text, words)
        for first, place in located_mentions(text, mentions):
            self._anchor(first, place, selected)
            self._pair(first, place)
            facts.located.setdefault(normalize(place.text), first.text)
        for first, second in twin_mentions(text, mentions):
            self._twin(first, second)
        return facts

    def _twin(self, first: Mention, second: Mention) -> None:
        """ "Boston/Cambridge", "Dallas-Fort Worth": two cities of one country written as one, which stay near each
        other (the second becomes a city near the first's replacement). The second is the city of its name near
        the first: Cambridge beside Boston is the one in Massachusetts, not the larger one in England."""
        found = places.recognize(words_of(first.text), self.facts.common, self.config.places)
        if found.kind != "city" or found.place is None:
            return
        other = places.recognize(words_of(second.text), self.facts.common, self.config.places).place
        names = {normalize(second.text)} | ({normalize(other.name)} if other is not None else set())  # "St. Paul"
        close = places.places_near(found.place, self.config.places.twin_km)
        twin = next((p for p in close if normalize(p.name) in names and p.name != found.place.name), None)
        if twin is not None:
            self.facts.twins.setdefault(normalize(second.text), (first.text, twin))

    def _pair(self, city: Mention, region: Mention) -> None:
        """ "Boston, Massachusetts", "Pune in Maharashtra": a city written with a region of its country, which
        then move together (a city of the new region, or the region the new city lies in)."""
        if city.entity_group != "LOC":
            return
        found = places.recognize(words_of(city.text), self.facts.common, self.config.places)
        if found.kind == "city" and found.place is not None and places.is_region_of(region.text, found.place.country):
            self.facts.regions.setdefault(normalize(city.text), region.text)

    def _learn_family(self, surface: str, words: list[str]) -> None:
        """The roles of a full name's words, so that a later "Lopez" alone follows "Maria Lopez"."""
        given, family = split_name(words)
        for role, part in (("first", given), ("surname", family)):
            for word in part:
                self.facts.roles.setdefault(word.lower(), role)
                self.facts.full_forms.setdefault(word.lower(), surface)

    def _anchor(self, entity: Mention, place: Mention, selected: set[str]) -> None:
        """ "Harvard University in Cambridge": where the organisation or venue stays, its place stays too,
        everywhere in the text ("Harvard University in Varanasi" would be a new, false fact). An entity that is
        itself a country, region or city, or a team named after one ("MONTREAL AT CHICAGO"), anchors nothing."""
        found = places.recognize(words_of(entity.text), self.facts.common, self.config.places)
        known = organisations.recognize(entity.text, None).known is not None  # "Google" is also a town
        if found.kind in ("country", "region", "city") and not known:
            return
        if entity.entity_group not in selected or isinstance(self.decide(entity), Kept):
            self.facts.anchored.setdefault(normalize(place.text), entity.text)

    # --- one entity ---------------------------------------------------------------------------------

    def decide(self, mention: Mention) -> Decision:
        if self.facts.same and not self.pseudonymous:
            return Kept(f"the source is the target country ({self.facts.target.name}): nothing to move")
        rule = RULES.get(mention.entity_group)
        if rule is None:
            return Kept(f"type {mention.entity_group} has no grounded pool")
        return rule(self, mention.text, words_of(mention.text))

    def person(self, surface: str, words: list[str]) -> Decision:
        facts = self.facts
        if names.load_pools().get(facts.target.code) is None:
            return Kept(f"no name data for {facts.target.name}")
        if len(words) == 1:
            word = words[0]
            role = facts.roles.get(word.lower()) or guess_role(word)
            kind: Kind = "first name" if role == "first" else "surname"
            return Move(kind, OneName(word, role, names.gender_of(word), facts.full_forms.get(word.lower())))
        given, family = split_name(words)
        gender = names.gender_of(given[0]) if given and not INITIAL.match(given[0]) else None
        family_first = facts.target.family_name_first and not (facts.source and facts.source.family_name_first)
        return Move("full name", FullName(surface, tuple(given), tuple(family), gender, family_first))

    def location(self, surface: str, words: list[str]) -> Decision:
        decision = self._location(surface, words)
        anchor = self.facts.anchored.get(normalize(surface))
        if anchor is not None and isinstance(decision, Move):  # a place kept anyway keeps its own reason
            return Kept(f"where {anchor} is, which stays: kept")
        return decision

    def _location(self, surface: str, words: list[str]) -> Decision:
        found = places.recognize(words, self.facts.common, self.config.places)
        # "Harvard University" tagged as a place is the university the data knows by that name; "Google" a brand,
        # though a town bears the name too.
        known = organisations.recognize(surface, self.facts.source.code if self.facts.source else None)
        if known.known is not None and (known.kind in organisations.STAYS or found.kind not in PLACE_KINDS):
            return self.organisation(surface, words)
        if found.kind == "venue" and found.place is not None and found.inside is not None:
            return self._around(words, found.place, found.inside, "venue")
        if found.kind == "district":
            return Kept(f"a district of {found.parent}: kept")
        if found.place is None:
            return Kept("not a known country, region or city")
        return self._place(found.place, surface)

    def organisation(self, surface: str, words: list[str]) -> Decision:
        facts = self.facts
        found = places.recognize(words, facts.common, self.config.places)
        named_after = found.kind in ("country", "city", "region") and found.place is not None
        known = organisations.recognize(surface, facts.source.code if facts.source else None, self._country_in)
        if known.kind in organisations.STAYS:
            return Kept(f"{organisations.described(known.kind, '')}, the same in every country ({known.how}): kept",
                        known.kind)  # fmt: skip
        # "HARTFORD" in a results table is the team named after the city, not the insurer of that name.
        company_or_place = (
            named_after
            and known.known is not None
            and known.known.source.startswith("pytickersymbols")
            and len(words) == 1
        )
        if known.kind is not None and (known.known is not None or not named_after) and not company_or_place:
            return self._organisation_of(surface, words, known)
        if named_after:
            # A team or body named after a place ("Barcelona", "NEW YORK") moves only with a place of the source
            # country; a foreign club stays foreign.
            foreign = self._foreign(found.place)
            if foreign is not None:
                return Kept(f"named after {found.place.name}, {foreign}: kept")
            decision = self._place(found.place, surface)
            if not isinstance(decision, Move):
                return decision
            request = decision.request
            return Move("organisation", replace(request, named=True) if isinstance(request, ToPlace) else request)
        inside = places.place_inside(words, facts.common, self.config.places) if len(words) > 1 else None
        foreign = self._foreign(inside[0].place) if inside is not None else None
        if foreign is not None:  # "Partizan Belgrade", "London Newsroom": a foreign organisation
            return Kept(f"names {inside[0].place.name}, {foreign}: a foreign organisation, kept")
        return self._by_place_inside(words, None) or self._unplaced(surface, words)

    def _foreign(self, place: Place) -> str | None:
        """Why an organisation named after (or with) ``place`` is foreign ("outside the United States"), or None."""
        source = self.facts.source
        if self.pseudonymous or (source is not None and place.country == source.code):
            return None
        return f"outside {with_article(source.name)}" if source is not None else "outside the source country"

    def _organisation_of(self, surface: str, words: list[str], known: organisations.Recognized) -> Decision:
        """An organisation of a recognised kind: the target's own of that kind when it is of the source country,
        else kept (foreign, or of no known country)."""
        facts = self.facts
        kind, what = known.kind, organisations.described(known.kind, known.detail)
        source = facts.source
        if known.country is None:
            inside = self._by_place_inside(words, kind, known.known is not None)
            return inside or Kept(f"{what} of no known country ({known.how}): kept", kind)
        of = with_article(country(known.country).name)
        if source is None or known.country != source.code:
            where = "already of the target country" if known.country == facts.target.code else "foreign"
            return Kept(f"{what} of {of}, {where} ({known.how}): kept", kind)
        why = f"{what} of {of} ({known.how})"
        members = organisations.pool(facts.target.code, kind, known.detail)
        none = f"{why}; no other {what.split(' ', 1)[1]} of {with_article(facts.target.name)} in the data"
        inside = self._by_place_inside(words, kind, known.known is not None) or self._by_full_name(words, known)
        around = inside.request if isinstance(inside, Move) and isinstance(inside.request, Around) else None
        if any(organisations.key(o.name) != organisations.key(surface) for o in members):
            # Where another organisation of the text took the last one of the pool, the place in the name moves.
            taken = f"{why}; every one of the data taken: the place in its name moved"
            fallback = replace(around, why=taken) if around is not None else None
            return Move(kind, ToOrganisation(surface, kind, known.detail, why, fallback))
        if around is not None:
            return Move(kind, replace(around, why=f"{none}: the place in its name moved"))
        return inside or Kept(f"{none}: kept", kind)

    def _by_full_name(self, words: list[str], known: organisations.Recognized) -> Decision | None:
        """ "NY RANGERS", "LA Lakers": the place of the name the data knows ("New York Rangers"), written before
        the same last words."""
        if known.known is None:
            return None
        full = known.known.name.split()
        found = places.place_inside(full, lambda word: False, self.config.places)
        if found is None or found[1][0] != 0:
            return None
        rest = [w.lower() for w in full[found[1][1] :]]
        if not rest or len(words) <= len(rest) or [w.lower() for w in words[-len(rest) :]] != rest:
            return None
        place = found[0].place
        decision = self._place(place, place.name)
        if not isinstance(decision, Move):
            return None
        return Move(known.kind, Around(tuple(words), (0, len(words) - len(rest)), place, decision.request))

    def _by_place_inside(self, words: list[str], kind: Kind | None, known: bool = False) -> Decision | None:
        """The place in the name moves, the rest stays ("Bank of America" -> "Bank of India"); None when there is
        no place in it. In the name of an organisation the data knows ("Boston Celtics") a common word that names
        a city is that city."""
        common = (lambda word: False) if known else self.facts.common
        inside = places.place_inside(words, common, self.config.places) if len(words) > 1 else None
        if inside is None:
            return None
        return self._around(words, inside[0].place, inside[1], kind or "organisation")

    def _unplaced(self, surface: str, words: list[str]) -> Decision:
        if len(words) == 1 and self.config.organisation_analogy:
            return Move("organisation", Analogy(surface))
        return Kept("an organisation of no known kind and no place in its name: kept whole")

    def _country_in(self, words: Sequence[str]) -> str | None:
        """The country an organisation's name places it in: a country or demonym word ("American Airlines"), or
        the country of a place in it ("Bank of America", "University of Texas")."""
        for word in words:
            found = find_country(word) if word[:1].isupper() else None
            if found is not None:
                return found.code
        inside = places.place_inside(list(words), self.facts.common, self.config.places) if len(words) > 1 else None
        return inside[0].place.country if inside is not None else None

    def demonym(self, surface: str, words: list[str]) -> Decision:
        facts = self.facts
        found = find_country(surface)
        if (
            not self.pseudonymous
            and found is not None
            and facts.source is not None
            and found.code == facts.source.code
            and surface.lower() == (found.demonym or "").lower()
            and facts.target.demonym
        ):
            return Move("demonym", Fixed(match_casing(surface, facts.target.demonym, False), "the target's demonym"))
        return Kept("not the source country's demonym")

    def _around(self, words: list[str], place: Place, inside: tuple[int, int], kind: Kind) -> Decision:
        first, end = inside
        inner = self._place(place, " ".join(words[first:end]))
        if isinstance(inner, Kept):
            return Kept(f"names {place.name}, which stays ({inner.reason})")
        request = inner.request
        if kind != "venue" and isinstance(request, ToPlace) and place.kind == "city":
            request = replace(request, named=True)  # "Philadelphia Eagles": a club's city is one a reader knows
        return Move(kind, Around(tuple(words), inside, place, request))

    def _place(self, place: Place, surface: str) -> Decision:
        facts = self.facts
        near, twin = facts.twins.get(normalize(surface), (None, place))
        place = twin if place.kind == "city" else place
        if self.pseudonymous:
            if place.kind == "country":
                return Kept("a country: kept")
            region = facts.regions.get(normalize(surface))
            return Move(place.kind, ToPlace(place, surface, region, place.country, near=near))
        if place.kind == "country":
            if facts.source is not None and place.country == facts.source.code:
                name = facts.target.name
                text = name if abbreviation(surface) else match_casing(surface, name, False)  # "USA" -> "India"
                return Move("country", Fixed(text, "the target country"))
            where = "the target country" if place.country == facts.target.code else "a foreign country"
            return Kept(f"{where}: kept")
        if place.country == facts.target.code:
            return Kept(f"already a {place.kind} of {facts.target.name}")
        if place.country in facts.kept_countries:
            return Kept(f"a {place.kind} of {country(place.country).name}, which the text names: kept")
        region, located = facts.regions.get(normalize(surface)), facts.located.get(normalize(surface))
        # Washington -> New Delhi; another country's capital is a city of its rank, so that London, Paris and
        # Moscow do not all become one city across a corpus.
        of_source = facts.source is None or place.country == facts.source.code
        capital = place.kind == "city" and place.capital and of_source
        return Move(place.kind, ToPlace(place, surface, region, located=located, capital=capital, near=near))


RULES: dict[str, Callable[[Rules, str, list[str]], Decision]] = {
    "PER": Rules.person,
    "LOC": Rules.location,
    "ORG": Rules.organisation,
    "MISC": Rules.demonym,
}


def located_mentions(text: str, mentions: Sequence[Mention]) -> list[tuple[Mention, Mention]]:
    """(organisation or place, place) pairs where the second is written right after the first, as where it is:
    "Harvard University in Cambridge", "Acme Corp, Boston", "Central Park in New York"."""
    return [
        (first, second)
        for first, second in itertools.pairwise(mentions)
        if first.entity_group in ("ORG", "LOC")
        and second.entity_group == "LOC"
        and _LOCATED_BY.fullmatch(text, first.end, second.start)
    ]


def twin_mentions(text: str, mentions: Sequence[Mention]) -> list[tuple[Mention, Mention]]:
    """Pairs of places written as one, joined by a slash or a dash: "Boston/Cambridge", "Dallas-Fort Worth"."""
    return [
        (first, second)
        for first, second in itertools.pairwise(mentions)
        if first.entity_group == second.entity_group == "LOC" and _TWINNED_BY.fullmatch(text, first.end, second.start)
    ]


def split_name(words: list[str]) -> tuple[list[str], list[str]]:
    """(given names, surname words): the last word and its particles ("van Gogh") are the surname, unless
    the name is written family name first ("Yoo Sang Chul")."""
    if len(words) == 1:
        return [], words
    first, last = words[0], words[-1]
    if names.surname_rank(first) is not None and not names.is_first_name(first) and names.surname_rank(last) is None:
        return words[1:], [first]
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].lower() in PARTICLES:
        cut -= 1
    return words[:cut], words[cut:]


def guess_role(word: str) -> str:
    """ "first" or "surname" for a lone name: the role in which it is more frequent anywhere."""
    first, family = names.first_name_rank(word), names.surname_rank(word)
    if names.is_first_name(word) and (family is None or (first is not None and first < family)):
        return "first"
    if family is not None or not names.is_first_name(word):
        return "surname"
    return "first"
