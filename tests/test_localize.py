"""localize's open-vocabulary analogy (``grounded=False``, and every target that is not a country): arithmetic,
casing, phrases, consistency, byte-identical surroundings, bad input.

Exact arithmetic runs on a tiny word2vec file written here; realistic behaviour on the embedded GloVe. Country
targets with grounded pools: tests/test_localize_grounded.py."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from gensim.models import KeyedVectors
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from localize import LocalizeConfig, LocalizeError, Localizer
from localize.cli import main as cli_main

from .helpers import ents

# dims: usa-ness, india-ness, city, surname, first name, generic
TINY = {
    "the": [0.0, 0.8, 0.7, 0.0, 0.0, 0.1],
    "usa": [1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    "india": [0.0, 1.0, 0.0, 0.0, 0.0, 0.0],
    "paris": [1.0, 0.0, 1.0, 0.0, 0.0, 0.0],
    "indian": [0.0, 0.9, 0.9, 0.0, 0.0, 0.0],
    "42": [0.0, 0.85, 0.85, 0.0, 0.0, 0.0],
    "delhi": [0.0, 1.0, 1.0, 0.0, 0.0, 0.1],
    "mumbai": [0.1, 1.0, 1.0, 0.0, 0.0, 0.3],
    "mitchell": [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
    "sharma": [0.0, 1.0, 0.0, 1.0, 0.0, 0.0],
    "john": [1.0, 0.0, 0.0, 0.0, 1.0, 0.0],
    "rahul": [0.0, 1.0, 0.0, 0.0, 1.0, 0.0],
    "new_york": [1.0, 0.0, 1.0, 0.0, 0.0, 1.0],
    "new_delhi": [0.0, 1.0, 1.0, 0.0, 0.0, 1.0],
    "parisian": [0.0, 1.0, 1.0, 0.0, 0.0, 0.05],
    "london": [1.0, 0.1, 1.0, 0.0, 0.0, 0.0],
}
NO_FILTER = LocalizeConfig(vector_type_filter=False, grounded=False)




@pytest.fixture(scope="module")
def tiny_kv() -> KeyedVectors:
    kv = KeyedVectors(6)
    kv.add_vectors(list(TINY), np.array(list(TINY.values()), dtype=np.float32))
    return kv


@pytest.fixture(scope="module")
def tiny_file(tmp_path_factory: pytest.TempPathFactory, tiny_kv: KeyedVectors) -> str:
    path = tmp_path_factory.mktemp("vec") / "tiny.txt"
    tiny_kv.save_word2vec_format(str(path), binary=False)
    return str(path)


@pytest.fixture(scope="module")
def tiny(tiny_file: str) -> Localizer:
    return Localizer.load(tiny_file, NO_FILTER)


@pytest.fixture(scope="module")
def glove() -> Localizer:
    return Localizer.load(config=LocalizeConfig(grounded=False))


# --- analogy arithmetic on the tiny file -------------------------------------------------------------


def test_analogy_matches_gensim_most_similar(tiny: Localizer, tiny_kv: KeyedVectors) -> None:
    record = tiny.rewrite("I live in Paris.", ents("I live in Paris.", ("LOC", "Paris"))).replacements[0]
    banned = {"india", "usa", "paris", "indian", "parisian", "the", "42"}
    ranked = tiny_kv.most_similar(positive=["india", "paris"], negative=["usa"])
    expected = [(w, s) for w, s in ranked if w not in banned]
    assert record.replacement == "Delhi"
    assert record.score == pytest.approx(expected[0][1], abs=1e-4)
    assert expected[0][0] == "delhi"


def test_never_anchor_demonym_original_stopword_or_digit(tiny: Localizer) -> None:
    # "the", "42", "indian" and "parisian" sit right next to the analogy point; none may be picked.
    record = tiny.rewrite("Paris", ents("Paris", ("LOC", "Paris"))).replacements[0]
    picked = {w.lower() for w in [record.replacement, *record.alternatives]}
    assert picked.isdisjoint({"the", "42", "indian", "parisian", "paris", "india", "usa"})


def test_other_anchors(tiny: Localizer) -> None:
    result = tiny.rewrite("Delhi", ents("Delhi", ("LOC", "Delhi")), target="USA", source="India")
    assert result.replacements[0].replacement in {"Paris", "London"}
    assert (result.target, result.source) == ("usa", "india")


@pytest.mark.parametrize(("word", "expected"), [("Paris", "Delhi"), ("PARIS", "DELHI"), ("paris", "delhi")])
def test_replacement_takes_original_casing(tiny: Localizer, word: str, expected: str) -> None:
    text = f"from {word} with love"
    assert tiny.rewrite(text, ents(text, ("LOC", word))).text == f"from {expected} with love"


def test_joined_phrase_first(tiny: Localizer) -> None:
    text = "Flights to New York leave daily."
    record = tiny.rewrite(text, ents(text, ("LOC", "New York"))).replacements[0]
    assert record.replacement == "New Delhi"
    assert (record.new_start, record.new_end) == (11, 20)


def test_per_word_analogies_when_no_phrase(tiny: Localizer) -> None:
    text = "John Mitchell and Zork Mitchell"
    result = tiny.rewrite(text, ents(text, ("PER", "John Mitchell"), ("PER", "Zork Mitchell")))
    assert result.text == "Rahul Sharma and Zork Sharma"


def test_out_of_vocabulary_is_kept_with_reason(tiny: Localizer) -> None:
    text = "Zork Blargh met Qwxz."
    result = tiny.rewrite(text, ents(text, ("PER", "Zork Blargh"), ("PER", "Qwxz")))
    assert result.text == text
    assert all(r.replacement is None and "out of vocabulary" in r.reason for r in result.replacements)


# --- consistency --------------------------------------------------------------------------------------


def test_same_entity_same_replacement_and_partial_follows_full(tiny: Localizer) -> None:
    text = "John Mitchell spoke. Later MITCHELL left Paris; Mitchell loves paris."
    entities = ents(
        text,
        ("PER", "John Mitchell"),
        ("PER", "MITCHELL"),
        ("LOC", "Paris"),
        ("PER", "Mitchell"),
        ("LOC", "paris"),
    )
    result = tiny.rewrite(text, entities)
    assert result.text == "Rahul Sharma spoke. Later SHARMA left Delhi; Sharma loves delhi."
    assert result.replacements[1].follows == "John Mitchell"  # as written in the text


def test_partial_mention_before_full_form_still_follows(tiny: Localizer) -> None:
    text = "Mitchell, or John Mitchell."
    result = tiny.rewrite(text, ents(text, ("PER", "Mitchell"), ("PER", "John Mitchell")))
    assert result.text == "Sharma, or Rahul Sharma."


def test_distinct_entities_get_distinct_replacements(tiny: Localizer) -> None:
    text = "Paris and London"
    result = tiny.rewrite(text, ents(text, ("LOC", "Paris"), ("LOC", "London")))
    first, second = (r.replacement for r in result.replacements)
    assert first and second and first != second


# --- spans and result ---------------------------------------------------------------------------------


def test_spans_in_both_texts_and_json(tiny: Localizer) -> None:
    text = "Hi  Mitchell,\n\tfrom Paris!  "
    result = tiny.rewrite(text, ents(text, ("PER", "Mitchell"), ("LOC", "Paris")))
    assert result.text == "Hi  Sharma,\n\tfrom Delhi!  "
    for r in result.replacements:
        assert text[r.start : r.end] == r.original
        assert result.text[r.new_start : r.new_end] == r.replacement
    payload = json.loads(json.dumps(result.to_dict()))
    assert payload["replacements"][0]["original"] == "Mitchell"
    assert payload["replacements"][0]["alternatives"] == result.replacements[0].alternatives


def test_unselected_types_are_left_alone(tiny: Localizer) -> None:
    text = "Mitchell in Paris"
    result = tiny.rewrite(text, ents(text, ("MISC", "Mitchell"), ("LOC", "Paris")), types=("PER",))
    assert result.text == text
    assert result.replacements[0].reason == "type MISC not selected"


FILLER = st.text(alphabet=st.sampled_from(list(" \n\t.,;:!?'\"()-–é日xyz")), max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pieces=st.lists(
        st.tuples(FILLER, st.sampled_from(["Paris", "MITCHELL", "New York", "Zork", "John Mitchell"])),
        max_size=5,
    ),
    tail=FILLER,
)
def test_text_outside_replaced_spans_is_byte_identical(tiny: Localizer, pieces: list, tail: str) -> None:
    text, entities = "", []
    for filler, word in pieces:
        text += filler + " "
        group = "LOC" if word in ("Paris", "New York") else "PER"
        entities.append({"entity_group": group, "word": word, "start": len(text), "end": len(text) + len(word)})
        text += word
    text += tail
    result = tiny.rewrite(text, entities)
    old_cursor = new_cursor = 0
    for r in result.replacements:
        assert text[old_cursor : r.start] == result.text[new_cursor : r.new_start]
        assert result.text[r.new_start : r.new_end] == (r.replacement or r.original)
        old_cursor, new_cursor = r.end, r.new_end
    assert text[old_cursor:] == result.text[new_cursor:]


# --- bad input ----------------------------------------------------------------------------------------


def test_empty_text_and_no_entities(tiny: Localizer) -> None:
    assert tiny.rewrite("", []).text == ""
    result = tiny.rewrite("Nothing to see here.\n", [])
    assert (result.text, result.replacements) == ("Nothing to see here.\n", [])


def test_unknown_anchor_is_named(tiny: Localizer) -> None:
    message = "unknown target word 'Atlantis': not a country name and not in the vectors' vocabulary"
    with pytest.raises(LocalizeError, match=message):
        tiny.rewrite("Paris", ents("Paris", ("LOC", "Paris")), target="Atlantis")


@pytest.mark.parametrize(
    "entity",
    [{"entity_group": "LOC", "start": 0, "end": 99}, {"entity_group": "LOC"}, {"start": 0, "end": 2}],
)
def test_malformed_entities(tiny: Localizer, entity: dict) -> None:
    with pytest.raises(LocalizeError):
        tiny.rewrite("Paris", [entity])


def test_text_must_be_a_string(tiny: Localizer) -> None:
    with pytest.raises(LocalizeError, match="text must be a string"):
        tiny.rewrite(None, [])  # type: ignore[arg-type]


def test_missing_vectors_file(tmp_path) -> None:
    with pytest.raises(LocalizeError, match="^vectors file not found: .*nope.bin$"):
        Localizer.load(tmp_path / "nope.bin")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bad.bin", b"\x00\x01garbage"),
        ("bad.txt", b"2 3\nparis 1 x\n"),
        ("bad.kv", b"not a pickle"),
        ("empty.txt", b""),
    ],
)
def test_corrupt_vectors_file(tmp_path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LocalizeError, match="^could not read vectors file .*") as info:
        Localizer.load(path)
    assert "\n" not in str(info.value)


# --- formats ------------------------------------------------------------------------------------------


def test_loads_binary_glove_text_and_kv(tmp_path, tiny_kv: KeyedVectors) -> None:
    tiny_kv.save_word2vec_format(str(tmp_path / "v.bin"), binary=True)
    tiny_kv.save(str(tmp_path / "v.kv"))
    lines = [" ".join([w, *map(str, v)]) for w, v in TINY.items()]
    (tmp_path / "glove.txt").write_text("\n".join(lines) + "\n")
    for name in ("v.bin", "v.kv", "glove.txt"):
        loc = Localizer.load(tmp_path / name, NO_FILTER)
        assert loc.rewrite("Paris", ents("Paris", ("LOC", "Paris"))).text == "Delhi", name


def test_cased_vocabulary_with_phrases(tmp_path) -> None:
    cased = {k.title() if k not in ("usa", "the", "42") else k.upper(): v for k, v in TINY.items()}
    kv = KeyedVectors(6)
    kv.add_vectors(list(cased), np.array(list(cased.values()), dtype=np.float32))
    loc = Localizer(kv, NO_FILTER)
    assert not loc.index.lowercase
    text = "NEW YORK and new york and New York"
    result = loc.rewrite(text, ents(text, ("LOC", "NEW YORK"), ("LOC", "new york"), ("LOC", "New York")))
    assert result.text == "NEW DELHI and new delhi and New Delhi"


# --- type checking ------------------------------------------------------------------------------------


def test_injected_type_checker_is_batched_and_decides(tiny: Localizer) -> None:
    calls = []

    def checker(texts: list[str]) -> list[list[dict]]:
        calls.append(texts)
        out = []
        for t in texts:  # only "Mumbai" reads as a place to this checker
            i = t.find("Mumbai")
            out.append(
                [{"entity_group": "LOC", "start": i, "end": i + 6, "score": 1.0, "word": "Mumbai"}] if i >= 0 else []
            )
        return out

    text = "Mitchell lives in Paris.\nHe likes it."
    result = tiny.rewrite(text, ents(text, ("PER", "Mitchell"), ("LOC", "Paris")), type_checker=checker)
    assert len(calls) == 1
    assert "Mitchell lives in Mumbai." in calls[0]
    assert result.text == "Mitchell lives in Mumbai.\nHe likes it."
    assert "type checker" in result.replacements[0].reason


# --- embedded GloVe -----------------------------------------------------------------------------------


def test_glove_paris_becomes_a_city_closer_to_india(glove: Localizer) -> None:
    text = "I live in Paris."
    record = glove.rewrite(
        text, [{"entity_group": "LOC", "word": "Paris", "start": 10, "end": 15, "score": 0.99}]
    ).replacements[0]
    assert record.replacement and record.replacement[0].isupper()
    word = record.replacement.lower()
    kv = glove.index.kv
    assert kv.similarity(word, "india") > kv.similarity(word, "usa")
    assert word not in {"paris", "india", "usa", "indian", "american"}
    assert glove.types.classify(glove.index.unit(word)) == "CITY"
    assert word in {w for w, _ in kv.most_similar(["paris", "india"], ["usa"], topn=30)}


def test_glove_example_sentence(glove: Localizer) -> None:
    text = "My name is Mitchell and I live in Paris"
    result = glove.rewrite(text, ents(text, ("PER", "Mitchell"), ("LOC", "Paris")))
    person, place = result.replacements
    assert person.replacement and place.replacement
    assert result.text == f"My name is {person.replacement} and I live in {place.replacement}"
    assert glove.types.classify(glove.index.unit(person.replacement.lower())) == "PER"
    assert len(person.alternatives) == glove.config.alternatives


def test_glove_organisation_stays_an_organisation(glove: Localizer) -> None:
    record = glove.rewrite("Microsoft", ents("Microsoft", ("ORG", "Microsoft"))).replacements[0]
    assert glove.types.classify(glove.index.unit(record.replacement.lower())) == "ORG"


# --- CLI and import graph -----------------------------------------------------------------------------


def test_cli_with_entities_file(tmp_path, tiny_file: str, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "in.txt").write_text("I live in Paris.\n")
    record = {"file": str(tmp_path / "in.txt"), "entities": ents("I live in Paris.", ("LOC", "Paris"))}
    (tmp_path / "in.jsonl").write_text(json.dumps(record) + "\n")
    args = [str(tmp_path / "in.txt"), "--entities", str(tmp_path / "in.jsonl"), "--vectors", tiny_file]
    args.append("--open-vocabulary")
    assert cli_main(args) == 0
    assert capsys.readouterr().out == "I live in Delhi.\n"
    assert cli_main([*args, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["replacements"][0]["replacement"] == "Delhi"
    assert cli_main([*args, "--target", "Atlantis"]) == 2
    message = "unknown target word 'Atlantis': not a country name and not in the vectors' vocabulary"
    assert capsys.readouterr().err == f"error: {message}\n"


def test_cli_missing_vectors_is_one_line(tmp_path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "in.txt").write_text("Paris")
    (tmp_path / "e.jsonl").write_text(json.dumps({"entities": ents("Paris", ("LOC", "Paris"))}))
    code = cli_main([str(tmp_path / "in.txt"), "--entities", str(tmp_path / "e.jsonl"), "--vectors", "/x/y.bin"])
    assert code == 2
    assert capsys.readouterr().err == "error: vectors file not found: /x/y.bin\n"


def test_package_never_imports_ner() -> None:
    code = "import sys, localize, localize.cli\nassert not any(m.split('.')[0] in ('ner', 'demo') for m in sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_type_filter_needs_enough_seed_words(tiny_kv: KeyedVectors, glove: Localizer) -> None:
    assert Localizer(tiny_kv).types is None  # a handful of words cannot vote on types: search unfiltered
    assert glove.types is not None
