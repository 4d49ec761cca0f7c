"""Run-on text in training (``--join-sentences P``): consecutive sentences of one document joined into one row.

Text pasted on one line (the app's textbox) often hides sentence ends from ``ner``'s splitter: a dateline
("LONDON 1996-12-06"), a headline or a table row has no final punctuation, so the model reads several sentences
as one. Each epoch, every boundary between two consecutive sentences of the same document is dropped with
probability P (never across documents, and never past ``MAX_JOINED_WORDS`` words, so nothing is cut by
``--max-length``); words and IOB2 tags are concatenated in order. A B- tag opening a joined sentence stays B-.
The draws come from a ``random.Random`` seeded by (seed, epoch, part), so the same settings give the same rows
and a resumed run the same as an uninterrupted one.
The hub's splits carry no document markers (a split is one document), so there the only limit is the length.
"""

from __future__ import annotations

import random

import torch
from datasets import Dataset, Features

from .errors import DataError

MAX_JOINED_WORDS = 100


def check_join_share(share: float) -> None:
    if not 0 <= share < 1:
        raise DataError(f"--join-sentences is the share of sentence boundaries removed: 0 <= P < 1, got {share}")


def join_groups(documents: list[int], lengths: list[int], share: float, rng: random.Random) -> list[list[int]]:
    """Runs of consecutive sentence indices that become one row each (every index once, in order)."""
    groups: list[list[int]] = []
    words = 0
    for index, (document, length) in enumerate(zip(documents, lengths, strict=True)):
        # One draw per boundary inside a document, whether or not the cap then forbids the join.
        dropped = index > 0 and documents[index - 1] == document and rng.random() < share
        if dropped and words + length <= MAX_JOINED_WORDS:
            groups[-1].append(index)
            words += length
        else:
            groups.append([index])
            words = length
    return groups


def join_sentences(
    sentences: Dataset, share: float, seed: int, epoch: int, part: str
) -> tuple[Dataset, list[list[int]]]:
    """The sentences with some boundaries removed (same columns and features), and which rows went into each."""
    rng = random.Random(f"join:{seed}:{epoch}:{part}")
    columns = sentences.select_columns(["id", "document", "tokens", "ner_tags"]).to_dict()
    groups = join_groups(columns["document"], [len(tokens) for tokens in columns["tokens"]], share, rng)
    joined = {
        "id": ["+".join(columns["id"][i] for i in group) for group in groups],
        "document": [columns["document"][group[0]] for group in groups],
        "tokens": [[word for i in group for word in columns["tokens"][i]] for group in groups],
        "ner_tags": [[tag for i in group for tag in columns["ner_tags"][i]] for group in groups],
    }
    return Dataset.from_dict(joined, features=Features({k: sentences.features[k] for k in joined})), groups


def join_logits(logits: list[torch.Tensor], groups: list[list[int]]) -> list[torch.Tensor]:
    """Per-sentence word logits (a teacher's) concatenated as ``join_sentences`` concatenated the words."""
    return [torch.cat([logits[i] for i in group]) if len(group) > 1 else logits[group[0]] for group in groups]
