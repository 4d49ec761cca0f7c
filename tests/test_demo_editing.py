"""demo.editing: the replacements table edited -> the map edited -> the text spliced again, with no tagger."""

from __future__ import annotations

import re
from typing import Any

import pytest

from demo import editing
from demo.editing import Draft, EditError
from localize import Localizer, edits

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
    given, surname = result.mapping.get("PER", "Barack Obama").replacement.split()
    her = result.mapping.get("PER", "Michelle Obama").replacement.split()[0]
    assert result.text == f"{given} {surname} met {her} {surname} in Mumbai. {surname} smiled in Mumbai."
    return Draft(TEXT, found, "India", "USA", TYPES, result.mapping)


@pytest.fixture(scope="module")
def family(draft: Draft) -> tuple[str, str, str]:
    """Barack's and Michelle's new given names and their new surname: the pools' frequency-weighted draw picks
    them, so the tests read them from the draft rather than naming them."""
    his, surname = draft.mapping.get("PER", "Barack Obama").replacement.split()
    return his, draft.mapping.get("PER", "Michelle Obama").replacement.split()[0], surname


def rows(draft: Draft, localizer: Localizer):
    return editing.table(editing.resplice(localizer, draft, draft.mapping))


def test_the_table_has_one_row_per_original(draft: Draft, localizer: Localizer) -> None:
    table = rows(draft, localizer)
    assert list(table.columns) == editing.COLUMNS
    assert table["original"].tolist() == ["Barack Obama", "Michelle Obama", "Paris", "Obama"]
    assert table["replace"].tolist() == [True, True, True, True]
    assert editing.changes(draft.mapping, table) == {}  # the table as shown asks for nothing


def test_a_person_edit_carries_to_every_mention_and_the_family(
    draft: Draft, localizer: Localizer, family: tuple[str, str, str]
) -> None:
    his, her, surname = family
    table = rows(draft, localizer)
    table.loc[table.original == "Barack Obama", "replacement"] = "Rahul Gandhi"
    new, result = editing.apply_table(localizer, draft, table)
    assert result.text == f"Rahul Gandhi met {her} Gandhi in Mumbai. Gandhi smiled in Mumbai."
    entry = new.mapping.get("PER", "Barack Obama")
    assert entry.pool == edits.CHOSEN and entry.alternatives[0] == f"{his} {surname}"  # the way back is offered
    assert new.mapping.get("PER", "Obama").replacement == "Gandhi"
    assert draft.mapping.get("PER", "Obama").replacement == surname  # the draft it came from is untouched


def test_an_alternative_picked_and_a_place_unticked(
    draft: Draft, localizer: Localizer, family: tuple[str, str, str]
) -> None:
    his = family[0]
    table = rows(draft, localizer)
    alternative = table.loc[table.original == "Michelle Obama", "alternatives"].item().split(", ")[0]
    table.loc[table.original == "Michelle Obama", "replacement"] = alternative
    table.loc[table.original == "Paris", "replace"] = False
    _, result = editing.apply_table(localizer, draft, table)
    given, surname = alternative.split()  # the family takes the new surname: Barack's and the lone "Obama"
    assert result.text == f"{his} {surname} met {given} {surname} in Paris. {surname} smiled in Paris."
    spans = [(r.new_start, r.new_end) for r in result.replacements]
    assert [result.text[s:e] for s, e in spans] == [f"{his} {surname}", alternative, "Paris", surname, "Paris"]


def test_unticking_a_person_keeps_the_family_name_too(
    draft: Draft, localizer: Localizer, family: tuple[str, str, str]
) -> None:
    his, her, surname = family
    table = rows(draft, localizer)
    table.loc[table.original == "Barack Obama", "replace"] = False
    new, result = editing.apply_table(localizer, draft, table)
    assert result.text == f"Barack Obama met {her} Obama in Mumbai. Obama smiled in Mumbai."
    ticked = editing.table(result)
    ticked.loc[ticked.original == "Barack Obama", "replace"] = True  # ticked again: its first alternative
    _, again = editing.apply_table(localizer, new, ticked)
    assert again.text.startswith(f"{his} {surname} met {her} {surname}")


def test_a_cleared_replacement_keeps_the_original(
    draft: Draft, localizer: Localizer, family: tuple[str, str, str]
) -> None:
    table = rows(draft, localizer)
    table.loc[table.original == "Paris", "replacement"] = ""
    new, result = editing.apply_table(localizer, draft, table)
    assert result.text.endswith(f"in Paris. {family[2]} smiled in Paris.")
    assert new.mapping.get("LOC", "Paris").reason == edits.KEPT


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


def test_an_edit_is_one_splice_of_the_entities_it_has(
    draft: Draft, localizer: Localizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No tagger is at hand, and the localizer is asked once, with the draft's own entities (its speed is
    benchmarks/demo_latency.py's, not a test's)."""
    table = rows(draft, localizer)
    table.loc[table.original == "Paris", "replacement"] = "Mumbai"
    calls = []
    rewrite = localizer.rewrite
    monkeypatch.setattr(
        localizer, "rewrite", lambda text, found, *a, **k: calls.append(found) or rewrite(text, found, *a, **k)
    )
    _, result = editing.apply_table(localizer, draft, table)
    assert calls == [draft.entities] and result.text.endswith("smiled in Mumbai.")


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


def test_the_picker_offers_the_replacement_then_the_alternatives(draft: Draft, family: tuple[str, str, str]) -> None:
    assert editing.labels(draft.mapping) == ["Barack Obama (PER)", "Michelle Obama (PER)", "Obama (PER)", "Paris (LOC)"]
    assert editing.key_of("New York (City) (LOC)") == ("LOC", "New York (City)")
    choices, value = editing.options(draft.mapping, "Obama (PER)")
    assert value == family[2] and choices[0] == family[2] and len(choices) > 1
    assert editing.options(draft.mapping, "Berlin (LOC)") == ([], None)
    assert editing.options(None, None) == ([], None)


def test_an_address_follows_an_edited_name_unless_the_user_edited_the_address(localizer: Localizer) -> None:
    from ner import contacts

    text = "Barack Obama wrote from barack@obama.org."
    found = sorted(entities(text) + contacts(text), key=lambda e: e["start"])
    result = localizer.rewrite(text, found, "India", "USA", TYPES)
    draft = Draft(text, found, "India", "USA", TYPES, result.mapping)
    table = editing.table(result)
    assert table.loc[table.original == "barack@obama.org", "kind"].item() == "e-mail address"
    table.loc[table.original == "Barack Obama", "replacement"] = "Rahul Gandhi"
    draft, edited = editing.apply_table(localizer, draft, table)
    assert edited.text == "Rahul Gandhi wrote from rahul@gandhi.org."
    table = editing.table(edited)
    table.loc[table.original == "barack@obama.org", "replacement"] = "office@gandhi.org"
    table.loc[table.original == "Barack Obama", "replacement"] = "Amit Shah"
    _, edited = editing.apply_table(localizer, draft, table)
    assert edited.text == "Amit Shah wrote from office@gandhi.org."  # the user's own address stays theirs
