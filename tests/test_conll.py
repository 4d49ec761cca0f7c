"""conll: the one reader and writer, and documents as text with gold spans."""

from __future__ import annotations

from pathlib import Path

import pytest

from conll import ConllError, read_documents, render, write_documents

from .conll_fixtures import DOCUMENT_ONE, DOCUMENT_TWO, conll_text


def test_a_file_reads_back_as_written(tmp_path: Path) -> None:
    source, copy = tmp_path / "in.txt", tmp_path / "out.txt"
    source.write_text(conll_text([DOCUMENT_ONE, DOCUMENT_TWO]))
    write_documents(read_documents(source), copy)
    assert copy.read_text() == source.read_text()
    assert not list(tmp_path.glob("*.tmp"))


def test_iob1_becomes_iob2_and_a_file_without_markers_is_one_document(tmp_path: Path) -> None:
    iob1 = tmp_path / "iob1.txt"
    iob1.write_text("\n".join(line for line in conll_text([DOCUMENT_ONE], "iob1").splitlines()[2:]) + "\n")
    (document,) = read_documents(iob1)
    assert document.header is None
    assert [[t.tag for t in s] for s in document.sentences] == [[tag for _, tag in s] for s in DOCUMENT_ONE]


def test_validation_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("EU NNP B-NP B-ORG\nrejects VBZ B-VP I-FOO\n")
    assert read_documents(path)[0].sentences[0][1].tag == "B-FOO"  # read as it is unless validated
    with pytest.raises(ConllError, match=r"bad\.txt:2: unknown tag 'I-FOO'"):
        read_documents(path, validate=True)
    with pytest.raises(ConllError, match="file not found"):
        read_documents(tmp_path / "missing.txt")


@pytest.mark.parametrize(
    ("layout", "text"),
    [
        ("spaced", 'He said " Paris , France " ( AFP ) .\nOK'),
        ("prose", 'He said "Paris, France" (AFP).\nOK'),
        ("paragraph", 'He said "Paris, France" (AFP). OK'),
    ],
)
def test_layouts_keep_every_gold_span(tmp_path: Path, layout: str, text: str) -> None:
    words = [("He", "O"), ("said", "O"), ('"', "O"), ("Paris", "B-LOC"), (",", "O"), ("France", "B-LOC"), ('"', "O"),
             ("(", "O"), ("AFP", "B-ORG"), (")", "O"), (".", "O")]  # fmt: skip
    path = tmp_path / "quote.txt"
    path.write_text(conll_text([[words, [("OK", "O")]]]))
    rendered = render(read_documents(path)[0], layout)
    assert rendered.text == text
    assert [(e["entity_group"], e["word"]) for e in rendered.entities()] == [
        ("LOC", "Paris"), ("LOC", "France"), ("ORG", "AFP")
    ]  # fmt: skip
    assert all(rendered.text[s:e] == rendered.sentences[n][i].word for n, spans in enumerate(rendered.spans)
               for i, (s, e) in enumerate(spans))  # fmt: skip
