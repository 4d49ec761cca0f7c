"""Load tokenizer and token-classification model (hub id or directory) and fit them to the label set."""

from __future__ import annotations

from pathlib import Path

import torch
from transformers import AutoConfig, AutoModelForTokenClassification, AutoTokenizer, PreTrainedTokenizerFast

from ner.model_inputs import (
    CASE_FEATURE,
    CASE_SHAPES,
    CaseEmbeddingModel,
    has_case_embedding,
    uses_case_feature,
)

from .errors import DataError
from .offline_encoders import resolve_model_name


def load_trained_model(directory: str | Path, dtype: torch.dtype = torch.float32):
    """A fine-tuned model folder written by ``save_model``, with its case embedding if it has one."""
    model = AutoModelForTokenClassification.from_pretrained(directory, dtype=dtype)
    if has_case_embedding(directory):
        return CaseEmbeddingModel.from_pretrained(model, directory)
    return model


def load_tokenizer(name: str) -> PreTrainedTokenizerFast:
    tokenizer = AutoTokenizer.from_pretrained(resolve_model_name(name))
    if not tokenizer.is_fast:
        raise DataError(f"{name}: needs a fast tokenizer (word alignment uses its offsets)")
    return tokenizer


def has_trained_labels(config) -> bool:
    return not all(label.startswith("LABEL_") for label in config.id2label.values())


def load_model(name: str, labels: list[str], case_feature: bool, context_tokens: int):
    """The encoder with a token-classification head for ``labels``; an existing head must match them."""
    path = resolve_model_name(name)
    config = AutoConfig.from_pretrained(path)
    trained_head = has_trained_labels(config)
    if trained_head and sorted(config.id2label.values()) != sorted(labels):
        raise DataError(
            f"{name}: the model's labels {sorted(config.id2label.values())} differ from the data's {sorted(labels)}"
        )
    config.num_labels = len(labels)
    config.id2label = dict(enumerate(labels))
    config.label2id = {label: index for index, label in enumerate(labels)}
    config.context_tokens = context_tokens
    # A placeholder head (LABEL_0, LABEL_1, ...) is replaced by a fresh one of the right size.
    model = AutoModelForTokenClassification.from_pretrained(
        path, config=config, ignore_mismatched_sizes=not trained_head
    )
    if has_case_embedding(path):
        return CaseEmbeddingModel.from_pretrained(model, path)
    if not case_feature or uses_case_feature(config):
        return model
    if token_type_embeddings(model) is None:
        return CaseEmbeddingModel(model)
    add_case_embeddings(model)
    return model


def token_type_embeddings(model) -> torch.nn.Embedding | None:
    return getattr(getattr(model, model.base_model_prefix).embeddings, "token_type_embeddings", None)


def add_case_embeddings(model) -> None:
    """Resize token-type embeddings to one row per case shape; new rows start near row 0 (lower case)."""
    embeddings = token_type_embeddings(model)
    old = embeddings.weight.data
    new = torch.nn.Embedding(len(CASE_SHAPES), old.shape[1])
    with torch.no_grad():
        new.weight[:] = old[0] + 0.02 * torch.randn(len(CASE_SHAPES), old.shape[1])
        new.weight[0] = old[0]
    getattr(model, model.base_model_prefix).embeddings.token_type_embeddings = new
    model.config.type_vocab_size = len(CASE_SHAPES)
    model.config.case_feature = CASE_FEATURE


def save_model(model, tokenizer, directory: Path) -> None:
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
