"""``EntityTagger``: raw text in, merged entities with exact character offsets out."""

from __future__ import annotations

import copy
import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import overload

import torch
from tokenizers import Tokenizer
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from ner.config import NerConfig, NerError
from ner.inference import predict
from ner.merge import Entity, merge_entities
from ner.model import load_model
from ner.model_inputs import case_shape_ids, uses_case_feature
from ner.precision import precision_of
from ner.text import Segmentation, segment
from ner.windows import Window, plan_windows

WordLabel = tuple[str, float]  # label, its probability
_FALLBACK_MAX_LENGTH = 512


class EntityTagger:
    """Tags one text or a list of texts; see ``load`` for where the model comes from.

    >>> tagger = EntityTagger.load()
    >>> tagger("My name is Mitchell and I live in Paris")  # doctest: +SKIP
    [{'entity_group': 'PER', 'score': 0.99, 'word': 'Mitchell', 'start': 11, 'end': 19}, ...]
    """

    def __init__(
        self, model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, config: NerConfig | None = None
    ):
        self.model, self.tokenizer = model, tokenizer
        self.config = config or NerConfig()
        self.labels = [model.config.id2label[i] for i in range(len(model.config.id2label))]
        self.precision = precision_of(model)  # what ``auto`` became on this CPU
        self.case_feature = uses_case_feature(model.config)
        declared = getattr(model.config, "context_tokens", 0) or 0
        self.context_tokens = int(
            declared if self.config.context_tokens is None else self.config.context_tokens
        )
        self.special = _special_tokens(tokenizer)
        self._backend = _backend_tokenizer(tokenizer)
        self.budget = self._max_length() - len(self.special[0]) - len(self.special[1])
        if self.config.num_threads:
            torch.set_num_threads(self.config.num_threads)

    @classmethod
    def load(cls, model: str | Path | None = None, config: NerConfig | None = None) -> EntityTagger:
        """From a ``save_pretrained`` directory or hub id; by default the project's ``models/ner-default``."""
        config = config or NerConfig()
        return cls(*load_model(model, config), config)

    @overload
    def __call__(self, texts: str) -> list[Entity]: ...

    @overload
    def __call__(self, texts: Sequence[str]) -> list[list[Entity]]: ...

    def __call__(self, texts: str | Sequence[str]) -> list[Entity] | list[list[Entity]]:
        """Entities of one text, or a list of entity lists for a list of texts (batched together)."""
        if isinstance(texts, str):
            return self([texts])[0]
        if not isinstance(texts, (list, tuple)):
            raise NerError(f"expected a str or a list of str, got {type(texts).__name__}")
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise NerError(f"item {i} is {type(text).__name__}, not str")
        with _collector_paused():
            docs = [segment(text) for text in texts]
            return [_entities(doc, labels) for doc, labels in zip(docs, self.label_words(docs), strict=True)]

    def label_words(self, docs: Sequence[Segmentation]) -> list[list[WordLabel]]:
        """Label and probability of every word of every document; words without sub-words get ("O", 0.0)."""
        windows = self._plan(docs)
        pad_id = self.tokenizer.pad_token_id or 0
        predictions = predict(
            self.model, windows, self.special, pad_id, self.config.batch_size, self.case_feature, self.config.workers
        )
        labels: list[list[WordLabel]] = [[("O", 0.0)] * len(doc.words) for doc in docs]
        for window, predicted in zip(windows, predictions, strict=True):
            for (word, _), (label, prob) in zip(window.targets, predicted, strict=True):
                labels[window.doc][word] = (self.labels[label], prob)
        return labels

    def _plan(self, docs: Sequence[Segmentation]) -> list[Window]:
        """The model inputs of all documents: their words are tokenized together, in one call."""
        ids, offsets = self._encode([doc.text[s:e] for doc in docs for s, e in doc.words])
        overlap = min(self.config.window_overlap, self.budget // 2)
        windows, first = [], 0
        for number, doc in enumerate(docs):
            words = slice(first, first + len(doc.words))
            first = words.stop
            types = self._types(doc, offsets[words], ids[words])
            windows += plan_windows(
                number,
                ids[words],
                types,
                doc.sentences,
                budget=self.budget,
                overlap=overlap,
                context=self.context_tokens,
            )
        return windows

    def _encode(self, words: list[str]) -> tuple[list[list[int]], list[list[tuple[int, int]]]]:
        """Sub-word ids and in-word character offsets of each word, each word encoded on its own."""
        ids: list[list[int]] = [[] for _ in words]
        offsets: list[list[tuple[int, int]]] = [[] for _ in words]
        if not words:
            return ids, offsets
        # One pre-tokenized encoding of all words: the same pieces as encoding each word apart, five times
        # faster, since the Python side handles one Encoding instead of one per word.
        encoding = self._backend.encode(words, is_pretokenized=True, add_special_tokens=False)
        for piece, word, span in zip(encoding.ids, encoding.word_ids, encoding.offsets, strict=True):
            ids[word].append(piece)
            offsets[word].append(span)
        return ids, offsets

    def _types(
        self, doc: Segmentation, offsets: list[list[tuple[int, int]]], pieces: list[list[int]]
    ) -> list[list[int]]:
        """Token types of each word's sub-words: case-shape ids of the original characters, or all 0."""
        if not self.case_feature:
            return [[0] * len(p) for p in pieces]
        return [
            case_shape_ids(doc.text, [(start + s, start + e) for s, e in spans])
            for (start, _), spans in zip(doc.words, offsets, strict=True)
        ]

    def _max_length(self) -> int:
        limits = [self.config.max_length, getattr(self.model.config, "max_position_embeddings", None)]
        if self.config.max_length is None and self.tokenizer.model_max_length < 1_000_000:
            limits.append(self.tokenizer.model_max_length)
        known = [limit for limit in limits if limit]
        return min(known) if known else _FALLBACK_MAX_LENGTH


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a call builds its many small lists: it would otherwise
    re-scan the model's objects again and again (half of the planning time on CoNLL++ test). The caller's
    setting comes back afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _backend_tokenizer(tokenizer: PreTrainedTokenizerBase) -> Tokenizer:
    """The fast tokenizer's Rust tokenizer, without the truncation some checkpoints save (bert-base-cased)."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        raise NerError(f"{type(tokenizer).__name__} is not a fast tokenizer (needed for character offsets)")
    backend = copy.deepcopy(backend)
    backend.no_truncation()
    backend.no_padding()
    return backend


def _special_tokens(tokenizer: PreTrainedTokenizerBase) -> tuple[list[int], list[int]]:
    """Ids around every input: [CLS]/[SEP] for BERT, <s>/</s> where there are no CLS/SEP tokens."""
    before = tokenizer.cls_token_id if tokenizer.cls_token_id is not None else tokenizer.bos_token_id
    after = tokenizer.sep_token_id if tokenizer.sep_token_id is not None else tokenizer.eos_token_id
    return ([before] if before is not None else []), ([after] if after is not None else [])


def _entities(doc: Segmentation, labels: list[WordLabel]) -> list[Entity]:
    entities: list[Entity] = []
    for first, end in doc.sentences:
        sentence = labels[first:end]
        atoms = frozenset(i - first for i in doc.atoms if first <= i < end)
        entities += merge_entities(
            doc.text, doc.words[first:end], [label for label, _ in sentence], [prob for _, prob in sentence], atoms
        )
    return entities
