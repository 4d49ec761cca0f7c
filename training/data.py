"""CoNLL files (or the hub's ``conllpp``) as a ``datasets.DatasetDict`` with the hub's features.

Local files: ``train.txt``, ``dev.txt``, ``test.txt``, read and validated by ``conll`` (IOB1 converted to IOB2).
Both sources get the same columns, plus ``document`` (an id per document) for document context.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from datasets import ClassLabel, Dataset, DatasetDict, Features, Sequence, Value

from conll import LABELS, SPLIT_FILES, ConllError, read_documents

from .errors import DataError

HUB_NAMES = {"conllpp": "conllpp", "conll2003": "conll2003"}


@dataclass
class Sentence:
    tokens: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    document: int = 0  # the document's number, counted from the first one with a sentence


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
    try:
        documents = read_documents(path, validate=True)
    except ConllError as error:
        raise DataError(str(error)) from None
    first = next(n for n, document in enumerate(documents) if document.sentences)
    return [
        Sentence([token.word for token in sentence], [token.tag for token in sentence], n - first)
        for n, document in enumerate(documents)
        if n >= first
        for sentence in document.sentences
    ]


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
