"""Issue #26: modes (localize, pseudonymize, redact), keep and force, and the mapping that restores a rewrite byte
for byte and carries a series' names on. Runs on the embedded GloVe and the shipped name pools."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conll import read_documents, render
from localize import EntityMap, LocalizeError, Localizer, Policy, names, places, restore
from localize.cli import main
from localize.mapping import VERSION, Span

from .conll_fixtures import write_conll_dir
from .helpers import ents

STORY = "Barack Obama met Michelle Obama in Chicago. Obama then flew from Chicago to Boston with Tim Cook of Apple."
STORY_ENTITIES = ents(
    STORY, ("PER", "Barack Obama"), ("PER", "Michelle Obama"), ("LOC", "Chicago"), ("PER", "Obama"),
    ("LOC", "Chicago"), ("LOC", "Boston"), ("PER", "Tim Cook"), ("ORG", "Apple"),
)  # fmt: skip
MODES = ("localize", "pseudonymize", "redact")


# --- the policy -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mode": "shuffle"}, "unknown mode 'shuffle'"),
        ({"force": {"Priya": "PERSON"}}, "force entry 'Priya' has unknown type 'PERSON'"),
        ({"keep": ("/Seattle(/",)}, "keep pattern '/Seattle(/' does not compile"),
        ({"redact_format": "[{kind}]"}, "redact format '[{kind}]' is not valid"),
    ],
)
def test_a_bad_policy_is_one_line_of_localize_error(kwargs: dict, message: str) -> None:
    with pytest.raises(LocalizeError, match=re.escape(message)) as caught:
        Policy(**kwargs)
    assert "\n" not in str(caught.value)


def test_force_finds_every_whole_word_as_written_and_beats_an_overlapping_tag() -> None:
    text = "Priya met priya and Priyanka; New Delhi and Delhi wait for Priya."
    policy = Policy(force={"Priya": "PER", "New Delhi": "LOC", "Delhi": "LOC"})
    forced = policy.forced(text)
    assert [(f["word"], f["entity_group"]) for f in forced] == [
        ("Priya", "PER"), ("New Delhi", "LOC"), ("Delhi", "LOC"), ("Priya", "PER"),
    ]  # fmt: skip
    tagged = ents(text, ("LOC", "Priyanka"), ("ORG", "New"))  # "New" overlaps the longer forced "New Delhi"
    merged = policy.entities(text, tagged)
    assert ("New", "ORG") not in {(text[e["start"] : e["end"]], e["entity_group"]) for e in merged}
    assert ("Priyanka", "LOC") in {(text[e["start"] : e["end"]], e["entity_group"]) for e in merged}


def test_keep_and_force_in_a_rewrite(loc: Localizer) -> None:
    text = "Tim Cook said Apple will build a factory in Seattle with Priya. SEATTLE agreed."
    tagged = ents(text, ("PER", "Tim Cook"), ("ORG", "Apple"), ("LOC", "Seattle"), ("LOC", "SEATTLE"))
    policy = Policy(keep=("seattle", re.compile(r"Tim \w+")), force={"Priya": "PER"})
    result = loc.rewrite(text, tagged, "India", "USA", policy=policy)
    by_original = {r.original: r for r in result.replacements}
    assert not by_original["Seattle"].replaced and not by_original["SEATTLE"].replaced
    assert not by_original["Tim Cook"].replaced and by_original["Tim Cook"].reason == "on the keep list"
    assert by_original["Priya"].replaced and "Priya" not in result.text
    assert "Seattle" in result.text and "Tim Cook" in result.text


def test_keep_beats_a_saved_mapping(loc: Localizer) -> None:
    first = loc.rewrite(STORY, STORY_ENTITIES, "India", "USA")
    again = loc.rewrite(STORY, STORY_ENTITIES, policy=Policy(keep=("Boston",)), mapping=first.mapping)
    assert "Boston" in again.text and first.mapping.get("LOC", "Boston").replaced


# --- pseudonymize ---------------------------------------------------------------------------------------


def test_pseudonymize_stays_in_the_country_and_never_gives_anyone_their_own_name(loc: Localizer) -> None:
    result = loc.rewrite(STORY, STORY_ENTITIES, source="USA", policy=Policy("pseudonymize"))
    assert result.mode == "pseudonymize" and result.target == result.source == "United States"
    pools = names.load_pools()["US"]
    known = {n.lower() for n in (*pools.male, *pools.female, *pools.surname)}
    assert not result.replacements[-1].replaced  # Apple: an organisation with no place in its name stays
    for record in result.replacements[:-1]:
        assert record.replaced, record
        assert not {w.lower() for w in record.original.split()} & {w.lower() for w in record.replacement.split()}
        if record.entity_group == "PER":
            assert all(word.lower() in known for word in record.replacement.split()), record
    by = {r.original: r.replacement for r in result.replacements}
    assert by["Barack Obama"].split()[-1] == by["Michelle Obama"].split()[-1] == by["Obama"]  # one family
    assert names.gender_of(by["Michelle Obama"].split()[0]) == "female"
    for city in ("Chicago", "Boston"):
        assert {p.country for p in places._world_cities()[by[city].lower()]} & {"US"}, by[city]
    originals = {r.original.lower() for r in result.replacements}
    assert not originals & {r.replacement.lower() for r in result.replacements[:-1]}


def test_pseudonymize_moves_a_foreign_city_within_its_own_country(loc: Localizer) -> None:
    text = "Angela Merkel spoke in Munich."
    result = loc.rewrite(text, ents(text, ("PER", "Angela Merkel"), ("LOC", "Munich")), "Germany", "Germany",
                         policy=Policy("pseudonymize"))  # fmt: skip
    city = result.replacements[1].replacement
    assert city != "Munich" and "DE" in {p.country for p in places._world_cities()[city.lower()]}


def test_pseudonymize_needs_a_country(loc: Localizer) -> None:
    with pytest.raises(LocalizeError, match="pseudonymize needs a country target"):
        loc.rewrite(STORY, STORY_ENTITIES, "Atlantis", "USA", policy=Policy("pseudonymize"))


# --- redact ---------------------------------------------------------------------------------------------


def test_redact_numbers_each_kind_in_order_and_a_partial_mention_takes_its_full_tag(loc: Localizer) -> None:
    text = "Obama met Barack Obama in Chicago and Boston, then Germany; Apple and Chicago agreed."
    items = [("PER", "Obama"), ("PER", "Barack Obama"), ("LOC", "Chicago"), ("LOC", "Boston"), ("LOC", "Germany"),
             ("ORG", "Apple"), ("LOC", "Chicago")]  # fmt: skip
    result = loc.rewrite(text, ents(text, *items), source="USA", policy=Policy("redact"))
    assert result.text == (
        "[PERSON 1] met [PERSON 1] in [CITY 1] and [CITY 2], then [COUNTRY 1]; [ORGANISATION 1] and [CITY 1] agreed."
    )
    own = loc.rewrite(text, ents(text, *items), source="USA", policy=Policy("redact", redact_format="<{tag}-{n}>"))
    assert own.text.startswith("<PERSON-1> met <PERSON-1> in <CITY-1>")
    for original in ("Obama", "Chicago", "Boston", "Germany", "Apple"):
        assert original not in result.text


# --- the mapping ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_restore_gives_the_original_back_even_where_the_text_already_held_the_replacement(
    loc: Localizer, mode: str
) -> None:
    first = loc.rewrite(STORY, STORY_ENTITIES, "India", "USA", policy=Policy(mode))  # type: ignore[arg-type]
    replacement = first.replacements[2].replacement  # what Chicago becomes
    text = f"{replacement} is not {STORY}"  # the author wrote the replacement word already
    shifted = [{**e, "start": e["start"] + len(replacement) + 8, "end": e["end"] + len(replacement) + 8}
               for e in STORY_ENTITIES]  # fmt: skip
    result = loc.rewrite(text, shifted, "India", "USA", policy=Policy(mode))  # type: ignore[arg-type]
    data = json.loads(json.dumps(result.mapping.to_dict()))
    assert data["version"] == VERSION and data["mode"] == mode
    assert restore(result.text, data) == text
    assert restore(result.text, result.mapping) == text


def test_a_mapping_that_does_not_fit_the_text_is_refused(loc: Localizer) -> None:
    result = loc.rewrite(STORY, STORY_ENTITIES, "India", "USA")
    with pytest.raises(LocalizeError, match="the mapping does not fit the text"):
        restore(STORY, result.mapping)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"version": 1, "target": "India"}, f"mapping version 1 is not supported: expected version {VERSION}"),
        ({"version": VERSION}, "malformed mapping"),
        ([1, 2], "malformed mapping: a JSON object expected"),
        ({"version": VERSION, "target": "I", "source": "U", "strategy": "grounded", "mode": "x"}, "unknown mode"),
    ],
)
def test_an_old_or_malformed_mapping_is_one_line(data: object, message: str) -> None:
    with pytest.raises(LocalizeError, match=re.escape(message)) as caught:
        EntityMap.from_dict(data)  # type: ignore[arg-type]
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("mode", MODES)
def test_a_saved_mapping_keeps_a_series_names_and_new_ones_never_collide(loc: Localizer, mode: str) -> None:
    first = loc.rewrite(STORY, STORY_ENTITIES, "India", "USA", policy=Policy(mode))  # type: ignore[arg-type]
    saved = EntityMap.from_dict(json.loads(json.dumps(first.mapping.to_dict())))
    chapter = "Michelle Obama left Boston for Denver and Seattle with Obama."
    items = [("PER", "Michelle Obama"), ("LOC", "Boston"), ("LOC", "Denver"), ("LOC", "Seattle"), ("PER", "Obama")]
    second = loc.rewrite(chapter, ents(chapter, *items), mapping=saved, policy=Policy(mode))  # type: ignore[arg-type]
    assert second.mode == mode and (second.target, second.source) == (first.target, first.source)
    before = {r.original: r.replacement for r in first.replacements}
    after = {r.original: r.replacement for r in second.replacements}
    for original in ("Michelle Obama", "Boston", "Obama"):
        assert after[original] == before[original]
    assert not {after["Denver"], after["Seattle"]} & set(before.values())
    assert after["Denver"] != after["Seattle"]
    assert restore(second.text, second.mapping) == chapter


@pytest.mark.parametrize("mode", MODES)
def test_a_chained_mapping_keeps_names_of_every_earlier_document(loc: Localizer, mode: str) -> None:
    """Document 3 reuses document 2's map, which never named Chicago or Barack Obama: they keep document 1's
    replacements, and a new person or place never gets a name (or a redaction tag) given two documents back."""
    policy = Policy(mode)  # type: ignore[arg-type]
    one_text = "Barack Obama flew to Chicago."
    one = loc.rewrite(one_text, ents(one_text, ("PER", "Barack Obama"), ("LOC", "Chicago")), "India", "USA",
                      policy=policy)  # fmt: skip
    two_text = "Michelle Obama stayed in Seattle."
    two = loc.rewrite(two_text, ents(two_text, ("PER", "Michelle Obama"), ("LOC", "Seattle")), mapping=one.mapping,
                      policy=policy)  # fmt: skip
    three_text = "Jane Smith met Barack Obama in Denver."
    items = [("PER", "Jane Smith"), ("PER", "Barack Obama"), ("LOC", "Denver")]
    three = loc.rewrite(three_text, ents(three_text, *items), mapping=two.mapping, policy=policy)
    first = {r.original: r.replacement for r in one.replacements}
    earlier = set(first.values()) | {r.replacement for r in two.replacements}
    last = {r.original: r.replacement for r in three.replacements}
    assert last["Barack Obama"] == first["Barack Obama"]
    assert last["Jane Smith"] not in earlier and last["Denver"] not in earlier
    assert restore(three.text, three.mapping) == three_text


def test_an_edit_from_code_reaches_every_mention_and_the_family_and_restores(loc: Localizer) -> None:
    from localize import edit

    first = loc.rewrite(STORY, STORY_ENTITIES, "India", "USA")
    her = first.mapping.get("PER", "Michelle Obama").replacement.split()[0]
    wanted = {("PER", "Barack Obama"): "Rahul Gandhi", ("LOC", "Boston"): None}
    again = loc.rewrite(STORY, STORY_ENTITIES, mapping=edit(first.mapping, wanted))
    new = {r.original: r.replacement for r in again.replacements}
    assert (new["Barack Obama"], new["Michelle Obama"], new["Obama"]) == ("Rahul Gandhi", f"{her} Gandhi", "Gandhi")
    assert new["Boston"] is None and new["Chicago"] == first.mapping.get("LOC", "Chicago").replacement
    assert restore(again.text, again.mapping) == STORY
    with pytest.raises(LocalizeError, match="'Paris' \\(LOC\\) is not an entity of this map"):
        edit(first.mapping, {("LOC", "Paris"): "Delhi"})


def test_a_mapping_of_another_mode_is_refused(loc: Localizer) -> None:
    first = loc.rewrite(STORY, STORY_ENTITIES, "India", "USA", policy=Policy("redact"))
    with pytest.raises(LocalizeError, match="the mapping is of mode redact, not localize"):
        loc.rewrite(STORY, STORY_ENTITIES, mapping=first.mapping)


def test_restore_is_the_identity_on_conll_documents(loc: Localizer, tmp_path: Path) -> None:
    for document in read_documents(write_conll_dir(tmp_path / "conll") / "test.txt"):
        rendered = render(document)
        for mode in MODES:
            result = loc.rewrite(rendered.text, rendered.entities(), "Japan", "USA", policy=Policy(mode))  # type: ignore[arg-type]
            assert restore(result.text, result.mapping.to_dict()) == rendered.text


WORDS = ["Paris", "Chicago", "Obama", "Delhi", "Apple", "the", "and", "Maria", "Lopez", "Boston", "x", "é", "[CITY 1]"]


@st.composite
def texts_with_spans(draw: st.DrawFn) -> tuple[str, list[dict]]:
    """A text of words and separators, with random words marked as entities of random types."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12))
    seps = draw(st.lists(st.sampled_from([" ", ", ", "\n", ". ", "  "]), min_size=len(words), max_size=len(words)))
    text, entities = draw(st.sampled_from(["", " ", "«"])), []
    for word, sep in zip(words, seps, strict=True):
        if draw(st.booleans()):
            group = draw(st.sampled_from(["PER", "LOC", "ORG", "MISC"]))
            entities.append({"entity_group": group, "start": len(text), "end": len(text) + len(word)})
        text += word + sep
    return text, entities


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=texts_with_spans(), mode=st.sampled_from(MODES))
def test_restore_after_rewrite_is_the_identity(loc: Localizer, case: tuple[str, list[dict]], mode: str) -> None:
    text, entities = case
    result = loc.rewrite(text, entities, "India", "USA", policy=Policy(mode))  # type: ignore[arg-type]
    assert restore(result.text, EntityMap.from_dict(json.loads(json.dumps(result.mapping.to_dict())))) == text


# --- the command line -----------------------------------------------------------------------------------


def _write(tmp_path: Path) -> tuple[Path, Path]:
    story, tagged = tmp_path / "story.txt", tmp_path / "story.jsonl"
    story.write_text(STORY, encoding="utf-8")
    tagged.write_text(json.dumps({"file": str(story), "entities": STORY_ENTITIES}) + "\n", encoding="utf-8")
    return story, tagged


def test_the_cli_writes_a_mapping_reuses_it_and_restores(
    tmp_path: Path, localizer_once: object, capsys: pytest.CaptureFixture[str]
) -> None:
    story, tagged = _write(tmp_path)
    (tmp_path / "keep.txt").write_text("# places to keep\n/Bost.n/\n", encoding="utf-8")
    (tmp_path / "force.txt").write_text("Cook PER\n", encoding="utf-8")
    base = [str(story), "--entities", str(tagged), "--mode", "pseudonymize", "--source", "USA"]
    rules = ["--keep", str(tmp_path / "keep.txt"), "--force", str(tmp_path / "force.txt")]
    assert main([*base, *rules, "--mapping-out", str(tmp_path / "map.json")]) == 0
    rewritten = capsys.readouterr().out
    assert "Boston" in rewritten and "Obama" not in rewritten
    (tmp_path / "out.txt").write_text(rewritten, encoding="utf-8")
    assert main(["restore", str(tmp_path / "out.txt"), "--mapping", str(tmp_path / "map.json")]) == 0
    assert capsys.readouterr().out == STORY
    assert main([*base, "--mapping", str(tmp_path / "map.json")]) == 0
    assert capsys.readouterr().out.split()[:2] == rewritten.split()[:2]


@pytest.mark.parametrize(
    ("option", "content", "message"),
    [
        ("--keep", "/Bost(n/\n", "does not compile"),
        ("--force", "Cook PERSON\n", "unknown type 'PERSON'"),
        ("--mapping", '{"version": 1}', "expected version"),
        ("--mapping", "not json", "could not read mapping"),
    ],
)
def test_bad_cli_input_is_one_line_and_exit_2(
    tmp_path: Path, option: str, content: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    story, tagged = _write(tmp_path)
    (tmp_path / "file").write_text(content, encoding="utf-8")
    assert main([str(story), "--entities", str(tagged), option, str(tmp_path / "file")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_cli_restore_of_a_text_the_mapping_does_not_fit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    story, _ = _write(tmp_path)
    mapping = EntityMap("India", "United States", "grounded")
    mapping.spans = [Span("LOC", "Chicago", "Delhi", 0, 7, 0, 5)]
    (tmp_path / "map.json").write_text(json.dumps(mapping.to_dict()), encoding="utf-8")
    assert main(["restore", str(story), "--mapping", str(tmp_path / "map.json")]) == 2
    assert "does not fit the text" in capsys.readouterr().err


@pytest.mark.parametrize("mode", MODES)
def test_a_lone_surname_in_a_later_document_follows_the_full_name_of_the_saved_map(loc: Localizer, mode: str) -> None:
    text = "Barack Obama spoke."
    first = loc.rewrite(text, ents(text, ("PER", "Barack Obama")), "India", "USA", policy=Policy(mode))  # type: ignore[arg-type]
    later = "Obama left."
    saved = EntityMap.from_dict(json.loads(json.dumps(first.mapping.to_dict())))
    second = loc.rewrite(later, ents(later, ("PER", "Obama")), mapping=saved, policy=Policy(mode))  # type: ignore[arg-type]
    full, alone = first.replacements[0].replacement, second.replacements[0].replacement
    assert alone == (full if mode == "redact" else full.split()[-1])


def test_a_malformed_entity_with_force_is_still_the_one_line_entity_error(loc: Localizer) -> None:
    with pytest.raises(LocalizeError, match="malformed entity"):
        loc.rewrite("Priya met Bob.", [{"entity_group": "PER"}], policy=Policy(force={"Priya": "PER"}))


def test_redact_hides_an_entity_where_the_tagger_missed_it_again(loc: Localizer) -> None:
    text = "Radiometer rose. Radiometer's chief, of Radiometer Holdings, spoke."
    tagged = ents(text, ("ORG", "Radiometer"), ("ORG", "Radiometer Holdings"))
    result = loc.rewrite(text, tagged, policy=Policy("redact"))
    assert result.text == "[ORGANISATION 1] rose. [ORGANISATION 1]'s chief, of [ORGANISATION 2], spoke."
    assert restore(result.text, result.mapping) == text


def test_a_policy_is_hashable_and_equal_by_value() -> None:
    one, two = Policy("redact", ("x",), {"Priya": "PER"}), Policy("redact", ("x",), {"Priya": "PER"})
    assert one == two and len({one, two}) == 1 and Policy() != one
