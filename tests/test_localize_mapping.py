"""localize's one path and what it hands on: the EntityMap (JSON, fixed entries reused, never shared), the
strategy and notice of a result, the open-vocabulary rules of issue #24, and the settings that live in
LocalizeConfig. Runs on the embedded GloVe and the shipped name pools."""

from __future__ import annotations

import json

import pytest

from localize import LocalizeConfig, Localizer, places
from localize.config import PlaceSizes
from localize.countries import aliases
from localize.grounded import RULES
from localize.mapping import EntityMap

from .helpers import ents

OBAMAS = "Barack Obama and Michelle Obama flew from Washington to Los Angeles."
OBAMA_ENTITIES = [("PER", "Barack Obama"), ("PER", "Michelle Obama"), ("LOC", "Washington"), ("LOC", "Los Angeles")]


def test_a_word_that_names_no_country_is_an_open_vocabulary_rewrite_and_says_so(loc: Localizer) -> None:
    result = loc.rewrite(OBAMAS, ents(OBAMAS, *OBAMA_ENTITIES), target="Atlantis", source="USA")
    assert result.strategy == "open-vocabulary" and result.mapping.strategy == "open-vocabulary"
    assert "'Atlantis' names no country" in result.notice
    grounded = loc.rewrite(OBAMAS, ents(OBAMAS, *OBAMA_ENTITIES), target="India", source="USA")
    assert grounded.strategy == "grounded" and grounded.notice is None
    asked = Localizer(loc.index.kv, LocalizeConfig(grounded=False)).rewrite(OBAMAS, [], target="India")
    assert asked.strategy == "open-vocabulary" and "India is a country" in asked.notice


@pytest.mark.parametrize("target", ["Atlantis", "India"])
def test_open_vocabulary_never_repeats_a_word_nor_shares_a_replacement(loc: Localizer, target: str) -> None:
    """Issue #24: 'Yeltsin Yeltsin and Phoebe Yeltsin flew from Aqaba to Cancun Cancun.'"""
    previous = Localizer(loc.index.kv, LocalizeConfig(grounded=False))
    result = previous.rewrite(OBAMAS, ents(OBAMAS, *OBAMA_ENTITIES), target=target, source="USA")
    new = [r.replacement for r in result.replacements]
    assert all(new), result.replacements
    for replacement in new:
        words = replacement.lower().split()
        assert len(set(words)) == len(words), new
    assert len(set(new)) == len(new), new
    owner: dict[str, str] = {}  # replacement word -> the original word it stands for
    for record in result.replacements:
        for original, word in zip(record.original.split(), record.replacement.split(), strict=True):
            assert owner.setdefault(word.lower(), original) == original, new
    assert new[0].split()[-1] == new[1].split()[-1]  # one family still shares its new surname


def test_the_map_is_json_with_every_entity_kept_or_moved(loc: Localizer) -> None:
    text = "Emma met Bill Gates of Microsoft, then flew from Chicago to Germany."
    items = [("PER", "Emma"), ("PER", "Bill Gates"), ("ORG", "Microsoft"), ("LOC", "Chicago"), ("LOC", "Germany")]
    result = loc.rewrite(text, ents(text, *items), target="Japan", source="USA")
    data = json.loads(json.dumps(result.mapping.to_dict()))
    assert data["version"] == 2 and data["strategy"] == "grounded"
    assert (data["target"], data["source"]) == ("Japan", "United States")
    assert data["entries"]["PER"]["Bill Gates"]["kind"] == "full name"
    assert data["entries"]["LOC"]["Chicago"]["kind"] == "city"
    assert data["entries"]["ORG"]["Microsoft"]["replacement"] is None
    assert "global brand" in data["entries"]["ORG"]["Microsoft"]["reason"]
    assert data["entries"]["ORG"]["Microsoft"]["kind"] == "global brand"
    assert data["entries"]["LOC"]["Germany"]["reason"] == "a foreign country: kept"
    assert EntityMap.from_dict(data) == result.mapping


def test_a_fixed_map_is_reused_and_its_replacements_are_never_given_again(loc: Localizer) -> None:
    alone = loc.rewrite("Boston", ents("Boston", ("LOC", "Boston")), target="India", source="USA")
    boston_gets = alone.replacements[0].replacement
    fixed = EntityMap("India", "United States", "grounded")
    first = loc.rewrite("Chicago", ents("Chicago", ("LOC", "Chicago")), target="India", source="USA")
    fixed.put("LOC", "Chicago", first.mapping.get("LOC", "Chicago"))
    fixed.get("LOC", "Chicago").replacement = boston_gets  # a user's edit: Chicago -> what Boston would get
    text = "From Chicago to Boston."
    result = loc.rewrite(text, ents(text, ("LOC", "Chicago"), ("LOC", "Boston")), "India", "USA", fixed=fixed)
    chicago, boston = (r.replacement for r in result.replacements)
    assert chicago == boston_gets
    assert boston not in (None, boston_gets)
    assert result.text == f"From {chicago} to {boston}."


def test_a_fixed_map_binds_the_open_vocabulary_analogy_too(loc: Localizer) -> None:
    previous = Localizer(loc.index.kv, LocalizeConfig(grounded=False))
    alone = previous.rewrite("Boston", ents("Boston", ("LOC", "Boston")), target="India", source="USA")
    fixed = EntityMap(alone.target, alone.source, "open-vocabulary")
    fixed.put("LOC", "Chicago", alone.mapping.get("LOC", "Boston"))
    text = "From Chicago to Boston."
    result = previous.rewrite(text, ents(text, ("LOC", "Chicago"), ("LOC", "Boston")), "India", "USA", fixed=fixed)
    chicago, boston = (r.replacement for r in result.replacements)
    assert chicago == alone.replacements[0].replacement != boston


def test_moves_are_allocated_in_the_order_of_the_text(loc: Localizer) -> None:
    """Deciding allocates nothing: asking whether 'Paris Arena' anchors the place after it used to allocate the
    arena first, and its Paris took the city that 'LONDON', written before it, should get. Alone, each takes the
    target's largest city; together, the one written first does."""
    first, second = "They left LONDON on Monday.", "The show at the Paris Arena in Prestwick was sold out."
    items = [("LOC", "LONDON"), ("LOC", "Paris Arena"), ("LOC", "Prestwick")]
    text = f"{first}\n{second}"
    for target in ("India", "Japan", "Germany"):
        london_alone = loc.rewrite(first, ents(first, items[0]), target=target, source="USA").replacements[0]
        arena_alone = loc.rewrite(second, ents(second, *items[1:]), target=target, source="USA").replacements[0]
        assert arena_alone.replacement == f"{london_alone.replacement.title()} Arena", target
        result = loc.rewrite(text, ents(text, *items), target=target, source="USA")
        london, arena, _ = (r.replacement for r in result.replacements)
        assert london == london_alone.replacement, (target, result.replacements)
        assert arena.endswith(" Arena") and london.title() not in arena


def test_the_source_capital_becomes_the_target_capital_and_other_capitals_spread(loc: Localizer) -> None:
    """Washington -> New Delhi; London and Paris are cities of their rank, so that across a corpus every capital
    does not become one city (issue #28, variety)."""
    capitals = {}
    for name in ("Washington", "London", "Paris", "Moscow", "Madrid", "Rome", "Cairo", "Bangkok"):
        text = f"Officials met in {name} on Monday."
        capitals[name] = loc.rewrite(text, ents(text, ("LOC", name)), "India", "USA").replacements[0].replacement
    assert capitals["Washington"] == "New Delhi"
    assert "New Delhi" not in [capitals[n] for n in capitals if n != "Washington"]
    assert len(set(capitals.values())) >= 3, capitals


def test_one_rule_per_type() -> None:
    assert set(RULES) == {"PER", "LOC", "ORG", "MISC"}


def test_place_thresholds_are_settings() -> None:
    """Portland (Oregon, 650,000 people) is the city, not the Jamaican parish, because it is a known town."""
    assert places.recognize(["Portland"]).kind == "city"
    assert places.recognize(["Portland"], sizes=PlaceSizes(known_town=10_000_000)).kind == "region"


def test_the_open_vocabulary_anchors_take_their_aliases_from_the_countries() -> None:
    assert {"usa", "america", "american", "americans", "united_states", "states"} <= aliases("USA")
    assert {"india", "indian", "indians", "bharat"} <= aliases("india")
    assert aliases("Atlantis") == frozenset()
