"""A labelled CoNLL corpus moved to another country: the gold entities rewritten by ``localize`` (no tagging),
the tags following the replacements.

Each document is rendered as text (tokens joined by spaces, a line per sentence) with its gold PER/LOC/ORG/MISC
spans, rewritten with one ``Localizer.rewrite`` call (so an entity keeps one replacement within its document),
and turned back into tokens: a replaced entity becomes the words of its replacement, tagged B-/I- with its type
and given the POS and chunk columns of the original's first token. Tokens outside entities, MISC entities and
entities localize keeps are copied unchanged, document markers included, so the output is a ``--data`` file
for ``python -m training`` and ``python -m training.evaluate``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from seqeval.metrics.sequence_labeling import get_entities

from localize import Localizer, Replacement

DOCSTART = "-DOCSTART-"
SPLITS = ("train.txt", "dev.txt", "test.txt")


@dataclass
class Token:
    columns: list[str]  # word, the middle columns (POS, chunk), tag

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


def read_documents(path: Path) -> list[Document]:
    """Documents of a CoNLL file (``-DOCSTART-`` opens one; a file without markers is one document); tags in
    IOB1 are converted to IOB2."""
    documents: list[Document] = []
    sentence: list[Token] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith(DOCSTART) or not line:
            if sentence:
                if not documents:
                    documents.append(Document(None))
                documents[-1].sentences.append(to_iob2(sentence))
                sentence = []
            if line:
                documents.append(Document(line))
            continue
        sentence.append(Token(line.split()))
    if sentence:
        if not documents:
            documents.append(Document(None))
        documents[-1].sentences.append(to_iob2(sentence))
    return documents


def to_iob2(sentence: list[Token]) -> list[Token]:
    """An I- tag that opens an entity (IOB1) becomes B-."""
    previous = "O"
    for token in sentence:
        tag = token.tag
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            token.columns[-1] = "B-" + tag[2:]
        previous = token.columns[-1]
    return sentence


def rewrite_document(
    document: Document, localizer: Localizer, target: str, source: str, types: tuple[str, ...]
) -> tuple[Document, list[Replacement]]:
    """The document with its selected gold entities replaced, and localize's records."""
    text, spans = _render(document)
    entities = [
        {"entity_group": group, "start": spans[(s, first)][0], "end": spans[(s, last)][1], "score": 1.0}
        for s, sentence in enumerate(document.sentences)
        for group, first, last in get_entities([token.tag for token in sentence])
    ]
    result = localizer.rewrite(text, entities, target=target, source=source, types=types)
    replaced = {(r.start, r.end): r.replacement for r in result.replacements if r.replacement}
    out = Document(document.header)
    for s, sentence in enumerate(document.sentences):
        tags = [token.tag for token in sentence]
        starts = {first: (group, last) for group, first, last in get_entities(tags)}
        tokens: list[Token] = []
        i = 0
        while i < len(sentence):
            group, last = starts.get(i, (None, i))
            new = replaced.get((spans[(s, i)][0], spans[(s, last)][1])) if group else None
            if new is None:
                tokens.extend(Token(list(token.columns)) for token in sentence[i : last + 1])
            else:
                middle = sentence[i].columns[1:-1]
                for n, word in enumerate(new.split()):
                    tokens.append(Token([word, *middle, ("B-" if n == 0 else "I-") + group]))
            i = last + 1
        out.sentences.append(tokens)
    return out, result.replacements


def _render(document: Document) -> tuple[str, dict[tuple[int, int], tuple[int, int]]]:
    """Text of a document and each token's (sentence, index) -> character span."""
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    parts: list[str] = []
    cursor = 0
    for s, sentence in enumerate(document.sentences):
        if s:
            parts.append("\n")
            cursor += 1
        for i, token in enumerate(sentence):
            if i:
                parts.append(" ")
                cursor += 1
            spans[(s, i)] = (cursor, cursor + len(token.word))
            parts.append(token.word)
            cursor += len(token.word)
    return "".join(parts), spans


def write_documents(documents: list[Document], path: Path) -> None:
    """CoNLL lines, written to a temporary file and renamed, so a killed run never leaves half a file."""
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding="utf-8") as out:
        for document in documents:
            if document.header is not None:
                out.write(document.header + "\n\n")
            for sentence in document.sentences:
                out.write("".join(" ".join(token.columns) + "\n" for token in sentence) + "\n")
    temporary.replace(path)


def conll_files(source: Path, output: Path) -> Iterator[tuple[Path, Path]]:
    """(input file, output file) pairs: a file to a file, a folder's train/dev/test.txt to the same names."""
    if source.is_dir():
        found = [source / name for name in SPLITS if (source / name).is_file()]
        if not found:
            raise FileNotFoundError(f"{source}: no {', '.join(SPLITS)} in this folder")
        output.mkdir(parents=True, exist_ok=True)
        yield from ((path, output / path.name) for path in found)
    elif source.is_file():
        if output.is_dir():
            output = output / source.name
        output.parent.mkdir(parents=True, exist_ok=True)
        yield source, output
    else:
        raise FileNotFoundError(f"{source}: no such file or folder")
