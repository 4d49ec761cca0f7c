"""Read and write CoNLL-2003 files: a token per line (``word ... tag``, the tag last), a blank line between
sentences, ``-DOCSTART-`` opening a document (a file without markers is one document)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

DOCSTART = "-DOCSTART-"
# The hub's conllpp label order; keeping it means label ids agree between local files and the hub.
LABELS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
SPLIT_FILES = {"train": "train.txt", "validation": "dev.txt", "test": "test.txt"}


class ConllError(ValueError):
    """A file that is missing, not UTF-8 or malformed; the message names the file and line."""


@dataclass
class Token:
    columns: list[str]  # word, the middle columns (POS, chunk), tag
    line: int = 0  # its line in the file read (0: made, not read)

    @property
    def word(self) -> str:
        return self.columns[0]

    @property
    def tag(self) -> str:
        return self.columns[-1]


@dataclass
class Document:
    header: str | None  # the -DOCSTART- line as written, or None for a file without markers
    sentences: list[list[Token]] = field(default_factory=list)


def read_documents(path: Path, validate: bool = False) -> list[Document]:
    """Documents of a CoNLL file, tags in IOB1 converted to IOB2. ``validate``: every token must have a word and a
    tag of ``LABELS`` and the file a sentence, else a ``ConllError`` naming the file and line."""
    documents = _parse(_lines(path))
    if validate:
        _validate(documents, path)
    for document in documents:
        for sentence in document.sentences:
            for token, tag in zip(sentence, to_iob2([token.tag for token in sentence]), strict=True):
                token.columns[-1] = tag
    return documents


def to_iob2(tags: list[str]) -> list[str]:
    """IOB1 (an entity may open with I-) to IOB2: an I- tag that opens an entity becomes B-; IOB2 is unchanged."""
    converted: list[str] = []
    for tag in tags:
        previous = converted[-1] if converted else "O"
        converted.append("B-" + tag[2:] if tag.startswith("I-") and previous[2:] != tag[2:] else tag)
    return converted


def write_documents(documents: Iterable[Document], path: Path) -> None:
    """CoNLL lines, written to a temporary file and renamed, so a killed run never leaves half a file."""
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding="utf-8") as out:
        for document in documents:
            if document.header is not None:
                out.write(document.header + "\n\n")
            for sentence in document.sentences:
                out.write("".join(" ".join(token.columns) + "\n" for token in sentence) + "\n")
    temporary.replace(path)


def _lines(path: Path) -> list[str]:
    if not path.is_file():
        raise ConllError(f"{path}: file not found")
    try:
        return path.read_bytes().decode("utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise ConllError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None


def _parse(lines: list[str]) -> list[Document]:
    documents: list[Document] = []
    sentence: list[Token] = []
    for number, raw in enumerate([*lines, ""], start=1):
        line = raw.strip()
        if line and not line.startswith(DOCSTART):
            sentence.append(Token(line.split(), number))
            continue
        if sentence:
            if not documents:
                documents.append(Document(None))
            documents[-1].sentences.append(sentence)
            sentence = []
        if line:
            documents.append(Document(line))
    return documents


def _validate(documents: list[Document], path: Path) -> None:
    tokens = [token for document in documents for sentence in document.sentences for token in sentence]
    for token in tokens:
        if len(token.columns) < 2:
            raise ConllError(f"{path}:{token.line}: expected 'word ... tag', got {' '.join(token.columns)!r}")
    for token in tokens:
        if token.tag not in LABELS:
            raise ConllError(
                f"{path}:{token.line}: unknown tag {token.tag!r} (expected one of {', '.join(LABELS)})"
            )
    if not tokens:
        raise ConllError(f"{path}: no sentences found")
