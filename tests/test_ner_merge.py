"""Merging rules on hand-built per-word labels and probabilities (no model)."""

from __future__ import annotations

import json

import pytest

from ner.merge import merge_entities, split_label
from ner.text import segment

TEXT = "Ada Lovelace met Charles Babbage in London today"
WORDS = [(0, 3), (4, 12), (13, 16), (17, 24), (25, 32), (33, 35), (36, 42), (43, 48)]


def merged(labels: list[str], scores: list[float] | None = None) -> list[tuple[str, str, float]]:
    scores = scores or [1.0] * len(labels)
    entities = merge_entities(TEXT, WORDS[: len(labels)], labels, scores)
    return [(e["entity_group"], e["word"], e["score"]) for e in entities]


@pytest.mark.parametrize(
    ("label", "expected"),
    [("O", ("O", None)), ("B-PER", ("B", "PER")), ("I-LOC", ("I", "LOC")), ("PER", ("I", "PER"))],
)
def test_split_label(label: str, expected: tuple[str, str | None]) -> None:
    assert split_label(label) == expected


def test_b_then_i_is_one_entity_with_mean_score() -> None:
    assert merged(["B-PER", "I-PER", "O"], [0.9, 0.7, 0.5]) == [("PER", "Ada Lovelace", pytest.approx(0.8))]


def test_stray_i_after_o_starts_an_entity() -> None:
    assert merged(["O", "I-PER", "O", "I-PER", "I-PER"]) == [
        ("PER", "Lovelace", 1.0),
        ("PER", "Charles Babbage", 1.0),
    ]


def test_b_after_b_splits_entities() -> None:
    assert merged(["B-PER", "B-PER"]) == [("PER", "Ada", 1.0), ("PER", "Lovelace", 1.0)]


@pytest.mark.parametrize("labels", [["I-PER", "I-LOC"], ["B-PER", "I-LOC"]])
def test_type_change_splits_entities(labels: list[str]) -> None:
    assert [kind for kind, _, _ in merged(labels)] == ["PER", "LOC"]


def test_labels_without_prefix_behave_as_inside() -> None:
    assert merged(["PER", "PER", "O", "LOC"]) == [("PER", "Ada Lovelace", 1.0), ("LOC", "Charles", 1.0)]


def test_entity_at_the_end_is_closed() -> None:
    labels = ["O"] * 6 + ["B-LOC", "I-LOC"]
    assert merged(labels) == [("LOC", "London today", 1.0)]


def test_no_labels_no_entities() -> None:
    assert merged([]) == []
    assert merged(["O", "O"]) == []


def test_entities_use_the_pipeline_format_and_exact_offsets() -> None:
    entities = merge_entities(TEXT, WORDS, ["B-PER", "I-PER", "O", "B-PER", "I-PER", "O", "B-LOC", "O"], [0.5] * 8)
    for entity in entities:
        assert set(entity) == {"entity_group", "score", "word", "start", "end"}
        assert TEXT[entity["start"] : entity["end"]] == entity["word"]
        assert type(entity["score"]) is float and type(entity["start"]) is int
    assert json.loads(json.dumps(entities)) == entities
    assert [e["word"] for e in entities] == ["Ada Lovelace", "Charles Babbage", "London"]


def entities_of(text: str, labels: list[str]) -> list[str]:
    """Every word given its label, as a model might: the words are the real segmentation of ``text``."""
    doc = segment(text)
    assert len(labels) == len(doc.words), [text[s:e] for s, e in doc.words]
    return [e["word"] for e in merge_entities(text, doc.words, labels, [1.0] * len(labels), doc.atoms)]


@pytest.mark.parametrize(
    ("text", "labels", "expected"),
    [
        # a model that labels the slash as part of the name still gives two people
        ("Mary Jones/Bill Gates", ["B-PER", "I-PER", "I-PER", "I-PER", "I-PER"], ["Mary Jones", "Bill Gates"]),
        ("Jones—the", ["B-PER", "I-PER", "I-PER"], ["Jones", "the"]),
        # edges are trimmed, "&" inside is kept
        ("(Johnson & Johnson)", ["B-ORG", "I-ORG", "I-ORG", "I-ORG", "I-ORG"], ["Johnson & Johnson"]),
        ("“Paris”", ["B-LOC", "I-LOC", "I-LOC"], ["Paris"]),
        # an address is never a name, even labelled as one
        ("Email mary.jones@chicago.gov", ["O", "B-PER"], []),
        ("@Obama Barack", ["B-PER", "I-PER"], ["Barack"]),
        # markup is not inside an entity
        ("<b>Mary</b> Jones", ["B-PER", "I-PER"], ["Mary", "Jones"]),
        ("<b>Mary Jones</b>", ["B-PER", "I-PER"], ["Mary Jones"]),
        ("St. Louis U.S.", ["B-LOC", "I-LOC", "B-LOC"], ["St. Louis", "U.S."]),
        (
            "Queen's Park, Champions' League",
            ["B-ORG", "I-ORG", "I-ORG", "O", "B-MISC", "I-MISC", "I-MISC"],
            ["Queen's Park", "Champions' League"],
        ),
        # characters with no letter or digit (unassigned, private use, emoji) are no name
        ("\U00019608 Paris \ue000", ["B-LOC", "I-LOC", "I-LOC"], ["Paris"]),
        # a tab separates a pasted table's cells: never one name across it
        ("Mary Jones\tMary Jones", ["B-PER", "I-PER", "I-PER", "I-PER"], ["Mary Jones", "Mary Jones"]),
    ],
)
def test_entities_never_hold_foreign_punctuation_atoms_or_markup(
    text: str, labels: list[str], expected: list[str]
) -> None:
    assert entities_of(text, labels) == expected
