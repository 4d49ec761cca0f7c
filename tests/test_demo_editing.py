"""demo.editing: the replacements table edited -> the map edited -> the text spliced again, with no tagger."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from demo import editing
from demo.editing import Draft, EditError
from localize import Localizer

TEXT = "Barack Obama met Michelle Obama in Paris. Obama smiled in Paris."
TYPES = ("PER", "LOC")


def entities(text: str) -> list[dict[str, Any]]:
    people = [(m.start(), m.end(), "PER") for m in re.finditer(r"Barack Obama|Michelle Obama|Obama(?= smiled)", text)]
    places = [(m.start(), m.end(), "LOC") for m in re.finditer("Paris", text)]
    return [
        {"entity_group": g, "start": s, "end": e, "word": text[s:e], "score": 0.9}
        for s, e, g in sorted(people + places)
    ]


@pytest.fixture(scope="module")
def localizer(tmp_path_factory: pytest.TempPathFactory, tiny_parts: Any) -> Localizer:
    return tiny_parts(tmp_path_factory.mktemp("editing"))[1]


@pytest.fixture(scope="module")
def draft(localizer: Localizer) -> Draft:
    found = entities(TEXT)
    result = localizer.rewrite(TEXT, found, "India", "USA", TYPES)
    assert result.text == "Rahul Sharma met Pooja Sharma in New Delhi. Sharma smiled in New Delhi."
    return Draft(TEXT, found, "India", "USA", TYPES, result.mapping)


def rows(draft: Draft, localizer: Localizer):
    return editing.table(editing.resplice(localizer, draft, draft.mapping))


def test_the_table_has_one_row_per_original(draft: Draft, localizer: Localizer) -> None:
    table = rows(draft, localizer)
    assert list(table.columns) == editing.COLUMNS
    assert table["original"].tolist() == ["Barack Obama", "Michelle Obama", "Paris", "Obama"]
    assert table["replace"].tolist() == [True, True, True, True]
    assert editing.changes(draft.mapping, table) == {}  # the table as shown asks for nothing


def test_a_person_edit_carries_to_every_mention_and_the_family(draft: Draft, localizer: Localizer) -> None:
    table = rows(draft, localizer)
    table.loc[table.original == "Barack Obama", "replacement"] = "Rahul Gandhi"
    new, result = editing.apply_table(localizer, draft, table)
    assert result.text == "Rahul Gandhi met Pooja Gandhi in New Delhi. Gandhi smiled in New Delhi."
    entry = new.mapping.get("PER", "Barack Obama")
    assert entry.pool == editing.CHOSEN and entry.alternatives[0] == "Rahul Sharma"  # the way back is offered
    assert new.mapping.get("PER", "Obama").replacement == "Gandhi"
    assert draft.mapping.get("PER", "Obama").replacement == "Sharma"  # the draft it came from is untouched


def test_an_alternative_picked_and_a_place_unticked(draft: Draft, localizer: Localizer) -> None:
    table = rows(draft, localizer)
    alternative = table.loc[table.original == "Michelle Obama", "alternatives"].item().split(", ")[0]
    table.loc[table.original == "Michelle Obama", "replacement"] = alternative
    table.loc[table.original == "Paris", "replace"] = False
    _, result = editing.apply_table(localizer, draft, table)
    given, surname = alternative.split()  # the family takes the new surname: Barack's and the lone "Obama"
    assert result.text == f"Rahul {surname} met {given} {surname} in Paris. {surname} smiled in Paris."
    spans = [(r.new_start, r.new_end) for r in result.replacements]
    assert [result.text[s:e] for s, e in spans] == [f"Rahul {surname}", alternative, "Paris", surname, "Paris"]


def test_unticking_a_person_keeps_the_family_name_too(draft: Draft, localizer: Localizer) -> None:
    table = rows(draft, localizer)
    table.loc[table.original == "Barack Obama", "replace"] = False
    new, result = editing.apply_table(localizer, draft, table)
    assert result.text == "Barack Obama met Pooja Obama in New Delhi. Obama smiled in New Delhi."
    ticked = editing.table(result)
    ticked.loc[ticked.original == "Barack Obama", "replace"] = True  # ticked again: its first alternative
    _, again = editing.apply_table(localizer, new, ticked)
    assert again.text.startswith("Rahul Sharma met Pooja Sharma")


def test_a_cleared_replacement_keeps_the_original(draft: Draft, localizer: Localizer) -> None:
    table = rows(draft, localizer)
    table.loc[table.original == "Paris", "replacement"] = ""
    new, result = editing.apply_table(localizer, draft, table)
    assert result.text.endswith("in Paris. Sharma smiled in Paris.")
    assert new.mapping.get("LOC", "Paris").reason == editing.KEPT


def test_the_table_as_gradio_client_sends_it(draft: Draft, localizer: Localizer) -> None:
    table = rows(draft, localizer)
    table.loc[table.original == "Paris", "replacement"] = "Mumbai"
    payload = {"headers": list(table.columns), "data": table.astype(object).values.tolist()}
    _, result = editing.apply_table(localizer, draft, payload)
    assert result.text.endswith("smiled in Mumbai.")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            {"headers": editing.COLUMNS, "data": [[True, "Berlin", "Pune", "", "LOC", "", "", None, ""]]},
            "not an entity",
        ),
        ({"headers": ["original"], "data": [["Paris"]]}, "lacks the column"),
        ("Paris -> Pune", "not a table"),
    ],
)
def test_edits_that_do_not_fit_are_refused(draft: Draft, localizer: Localizer, table: Any, message: str) -> None:
    with pytest.raises(EditError, match=message):
        editing.apply_table(localizer, draft, table)


def test_an_edit_is_spliced_fast_and_never_tags(draft: Draft, localizer: Localizer) -> None:
    table = rows(draft, localizer)
    table.loc[table.original == "Paris", "replacement"] = "Mumbai"
    editing.apply_table(localizer, draft, table)  # warm
    start = time.perf_counter()
    for _ in range(20):
        editing.apply_table(localizer, draft, table)
    assert (time.perf_counter() - start) / 20 < 0.05


def test_countries_are_the_pools_countries() -> None:
    from localize.countries import find_country

    names = editing.countries()
    assert {"India", "United States", "Japan", "Brazil"} <= set(names) and len(names) > 50
    assert all(find_country(name) is not None for name in names)


def test_a_redacted_name_edited_carries_nothing(localizer: Localizer) -> None:
    from localize import Policy

    found = entities(TEXT)
    policy = Policy("redact")
    result = localizer.rewrite(TEXT, found, None, "India", TYPES, policy=policy)
    draft = Draft(TEXT, found, None, "India", TYPES, result.mapping, policy)
    table = editing.table(result)
    table.loc[table.original == "Barack Obama", "replacement"] = "[THE PRESIDENT]"
    _, edited = editing.apply_table(localizer, draft, table)
    assert edited.text.startswith("[THE PRESIDENT] met ")
    assert [r.replacement for r in edited.replacements][1:] == [r.replacement for r in result.replacements][1:]


def test_the_picker_offers_the_replacement_then_the_alternatives(draft: Draft) -> None:
    assert editing.labels(draft.mapping) == ["Barack Obama (PER)", "Michelle Obama (PER)", "Obama (PER)", "Paris (LOC)"]
    assert editing.key_of("New York (City) (LOC)") == ("LOC", "New York (City)")
    choices, value = editing.options(draft.mapping, "Obama (PER)")
    assert value == "Sharma" and choices[0] == "Sharma" and len(choices) > 1
    assert editing.options(draft.mapping, "Berlin (LOC)") == ([], None)
    assert editing.options(None, None) == ([], None)
