"""Small CoNLL files written by tests: two documents, IOB2 or IOB1, with the columns of CoNLL-2003."""

from __future__ import annotations

from pathlib import Path

DOCUMENT_ONE = [
    [("EU", "B-ORG"), ("rejects", "O"), ("German", "B-MISC"), ("call", "O"), (".", "O")],
    [("Peter", "B-PER"), ("Blackburn", "I-PER")],
    [("BRUSSELS", "B-LOC"), ("1996-08-22", "O")],
]
DOCUMENT_TWO = [
    [("Schiphol", "B-LOC"), ("airport", "O"), ("in", "O"), ("Amsterdam", "B-LOC"), ("closed", "O"), (".", "O")],
    [("John", "B-PER"), ("Mitchell", "I-PER"), ("joined", "O"), ("Manchester", "B-ORG"), ("United", "I-ORG")],
]
SENTENCES = DOCUMENT_ONE + DOCUMENT_TWO


def iob1(tag: str) -> str:
    """IOB1 as in the original CoNLL-2003 files: B- only between two adjacent entities of one type."""
    return "I-" + tag[2:] if tag.startswith("B-") else tag


def conll_text(documents: list[list[list[tuple[str, str]]]], scheme: str = "iob2") -> str:
    lines = []
    for document in documents:
        lines += ["-DOCSTART- -X- -X- O", ""]
        for sentence in document:
            for word, tag in sentence:
                lines.append(f"{word} NNP B-NP {iob1(tag) if scheme == 'iob1' else tag}")
            lines.append("")
    return "\n".join(lines) + "\n"


def write_conll_dir(directory: Path, repeat: int = 1, scheme: str = "iob2") -> Path:
    """train/dev/test files; ``repeat`` copies the documents to make a training set of a few dozen sentences."""
    directory.mkdir(parents=True, exist_ok=True)
    documents = [DOCUMENT_ONE, DOCUMENT_TWO]
    (directory / "train.txt").write_text(conll_text(documents * repeat, scheme))
    (directory / "dev.txt").write_text(conll_text(documents, scheme))
    (directory / "test.txt").write_text(conll_text(documents, scheme))
    return directory
