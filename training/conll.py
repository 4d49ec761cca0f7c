"""Read CoNLL files (or the hub's ``conllpp``) into a ``datasets.DatasetDict`` with the hub's features.

Local files: ``train.txt``, ``dev.txt``, ``test.txt``; columns ``word ... tag`` (the tag is the last column);
a blank line between sentences; ``-DOCSTART-`` starts a document. IOB1 tags are converted to IOB2.
Both sources get the same columns, plus ``document`` (an id per document) for document context.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from datasets import ClassLabel, Dataset, DatasetDict, Features, Sequence, Value

from .errors import DataError

# The hub's conllpp label order; keeping it means ids agree between both data sources.
LABELS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
SPLIT_FILES = {"train": "train.txt", "validation": "dev.txt", "test": "test.txt"}
HUB_NAMES = {"conllpp": "conllpp", "conll2003": "conll2003"}


@dataclass
class Sentence:
    tokens: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    document: int = 0
    line: int = 0  # line number of the first token, for error messages


def features() -> Features:
    return Features(
        {
            "id": Value("string"),
            "document": Value("int32"),
            "tokens": Sequence(Value("string")),
            "ner_tags": Sequence(ClassLabel(names=LABELS)),
        }
    )


def read_conll(path: Path) -> list[Sentence]:
    """Sentences of one CoNLL file, tags converted to IOB2 and checked against ``LABELS``."""
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    sentences: list[Sentence] = []
    current, document = Sentence(), 0
    with path.open(encoding="utf-8", errors="strict") as lines:
        try:
            for number, raw in enumerate(lines, start=1):
                line = raw.strip()
                if line.startswith("-DOCSTART-"):
                    document += 1 if sentences or current.tokens else 0
                    line = ""
                if not line:
                    if current.tokens:
                        sentences.append(current)
                    current = Sentence(document=document)
                    continue
                columns = line.split()
                if len(columns) < 2:
                    raise DataError(f"{path}:{number}: expected 'word ... tag', got {line!r}")
                if not current.tokens:
                    current.line, current.document = number, document
                current.tokens.append(columns[0])
                current.tags.append(columns[-1])
        except UnicodeDecodeError as error:
            raise DataError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    if current.tokens:
        sentences.append(current)
    if not sentences:
        raise DataError(f"{path}: no sentences found")
    for sentence in sentences:
        sentence.tags = to_iob2(sentence.tags, path, sentence.line)
    return sentences


def to_iob2(tags: list[str], path: Path | str = "<tags>", line: int = 0) -> list[str]:
    """Convert IOB1 (an entity may start with I-) to IOB2; IOB2 input passes through unchanged."""
    converted = []
    for index, tag in enumerate(tags):
        if tag not in LABELS:
            raise DataError(f"{path}:{line + index}: unknown tag {tag!r} (expected one of {', '.join(LABELS)})")
        previous = converted[-1] if converted else "O"
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        converted.append(tag)
    return converted


def dataset_from_sentences(sentences: list[Sentence], split: str) -> Dataset:
    rows = {
        "id": [f"{split}-{index}" for index in range(len(sentences))],
        "document": [s.document for s in sentences],
        "tokens": [s.tokens for s in sentences],
        "ner_tags": [[LABELS.index(t) for t in s.tags] for s in sentences],
    }
    return Dataset.from_dict(rows, features=features())


def load_conll_dir(directory: Path) -> DatasetDict:
    """The splits whose files the directory holds (a rewritten test set alone is a valid ``--data``)."""
    if not directory.is_dir():
        raise DataError(f"{directory}: data directory not found")
    present = {split: name for split, name in SPLIT_FILES.items() if (directory / name).is_file()}
    if not present:
        raise DataError(f"{directory}: none of {', '.join(SPLIT_FILES.values())} in this directory")
    return DatasetDict(
        {split: dataset_from_sentences(read_conll(directory / name), split) for split, name in present.items()}
    )


def require_splits(data: DatasetDict, spec: str, *splits: str) -> None:
    """A one-line DataError naming the file a needed split would come from."""
    for split in splits:
        if split not in data:
            raise DataError(f"{spec}: no {SPLIT_FILES.get(split, split)} (the {split} split is needed)")


def load_hub(name: str) -> DatasetDict:
    """The hub dataset by name (needs internet). The hub drops document markers, so a split is one document."""
    from datasets import load_dataset

    hub = load_dataset(HUB_NAMES[name])
    return DatasetDict(
        {
            split: Dataset.from_dict(
                {
                    "id": [str(i) for i in hub[split]["id"]],
                    "document": [0] * len(hub[split]),
                    "tokens": hub[split]["tokens"],
                    "ner_tags": hub[split]["ner_tags"],
                },
                features=features(),
            )
            for split in SPLIT_FILES
        }
    )


def load_data(spec: str) -> DatasetDict:
    """``conllpp`` / ``conll2003`` from the hub, or a directory of CoNLL files."""
    if spec in HUB_NAMES and not Path(spec).exists():
        return load_hub(spec)
    return load_conll_dir(Path(spec))
