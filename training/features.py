"""Turn word-level sentences into model inputs: sub-word ids, aligned labels, case ids, document context.

Label alignment: the first sub-word of a word carries the word's label, the other pieces -100 (ignored by the
loss), or with ``label_all_tokens`` the I- form of the word's label. Special tokens and context are -100.
With document context, each sentence is encoded as ``[CLS] left sentence right [SEP]`` where left/right are
up to ``context_tokens`` sub-words of the neighbouring sentences of the same document.
"""

from __future__ import annotations

from dataclasses import dataclass

from datasets import Dataset
from transformers import PreTrainedTokenizerFast

from conll import LABELS
from ner.model_inputs import case_shape

IGNORE = -100


@dataclass
class Pieces:
    """One sentence as sub-words, before special tokens and context are added."""

    ids: list[int]
    cases: list[int]
    labels: list[int]
    document: int


def continuation_label(label: int) -> int:
    """The I- form of a label id (O stays O)."""
    name = LABELS[label]
    return LABELS.index("I-" + name[2:]) if name != "O" else label


def sentence_pieces(tokens: list[str], tags: list[int], encoding, document: int, label_all_tokens: bool) -> Pieces:
    ids, cases, labels = [], [], []
    previous_word = None
    for piece_id, word, (start, end) in zip(encoding.ids, encoding.word_ids, encoding.offsets, strict=True):
        ids.append(piece_id)
        cases.append(case_shape(tokens[word][start:end]))
        if word != previous_word:
            labels.append(tags[word])
        else:
            labels.append(continuation_label(tags[word]) if label_all_tokens else IGNORE)
        previous_word = word
    return Pieces(ids, cases, labels, document)


def tokenize_sentences(dataset: Dataset, tokenizer: PreTrainedTokenizerFast, label_all_tokens: bool) -> list[Pieces]:
    columns = dataset.select_columns(["tokens", "ner_tags", "document"]).to_dict()
    encodings = tokenizer(
        columns["tokens"], is_split_into_words=True, add_special_tokens=False, return_offsets_mapping=True
    )
    return [
        sentence_pieces(tokens, tags, encodings[index], document, label_all_tokens)
        for index, (tokens, tags, document) in enumerate(
            zip(columns["tokens"], columns["ner_tags"], columns["document"], strict=True)
        )
    ]


def context(sentences: list[Pieces], index: int, step: int, budget: int) -> tuple[list[int], list[int]]:
    """Up to ``budget`` ids (and case ids) from the neighbours of sentence ``index`` in direction ``step``."""
    ids: list[int] = []
    cases: list[int] = []
    document = sentences[index].document
    neighbour = index + step
    while budget > len(ids) and 0 <= neighbour < len(sentences) and sentences[neighbour].document == document:
        piece = sentences[neighbour]
        if step < 0:
            ids, cases = piece.ids + ids, piece.cases + cases
        else:
            ids, cases = ids + piece.ids, cases + piece.cases
        neighbour += step
    if step < 0:
        keep = max(0, len(ids) - budget)  # a negative start would wrap around and drop context
        return ids[keep:], cases[keep:]
    return ids[:budget], cases[:budget]


def assemble(
    sentences: list[Pieces], index: int, tokenizer, context_tokens: int, max_length: int
) -> dict[str, list[int]]:
    sentence = sentences[index]
    room = max_length - 2
    ids, cases, labels = sentence.ids[:room], sentence.cases[:room], sentence.labels[:room]
    side = min(context_tokens, (room - len(ids)) // 2)
    left_ids, left_cases = context(sentences, index, -1, side)
    right_ids, right_cases = context(sentences, index, +1, side)
    return {
        "input_ids": [tokenizer.cls_token_id, *left_ids, *ids, *right_ids, tokenizer.sep_token_id],
        "token_type_ids": [0, *left_cases, *cases, *right_cases, 0],
        "labels": [IGNORE] * (1 + len(left_ids)) + labels + [IGNORE] * (len(right_ids) + 1),
    }


def encode_split(
    dataset: Dataset,
    tokenizer: PreTrainedTokenizerFast,
    *,
    context_tokens: int = 0,
    label_all_tokens: bool = False,
    case_feature: bool = False,
    max_length: int = 512,
) -> Dataset:
    """Model-ready rows (input_ids, attention_mask, token_type_ids, labels) for one split."""
    sentences = tokenize_sentences(dataset, tokenizer, label_all_tokens)
    rows = [assemble(sentences, i, tokenizer, context_tokens, max_length) for i in range(len(sentences))]
    columns = {key: [row[key] for row in rows] for key in ("input_ids", "token_type_ids", "labels")}
    if not case_feature:
        columns["token_type_ids"] = [[0] * len(ids) for ids in columns["input_ids"]]
    columns["attention_mask"] = [[1] * len(ids) for ids in columns["input_ids"]]
    return Dataset.from_dict(columns)
