"""Load tokenizer and token-classification model (hub id or directory) and fit them to the label set; wrap it
in LoRA adapters (``--adapter lora``), save and load adapter folders.

An adapter folder holds ``adapter_config.json`` (the base encoder by the name training was given, e.g. ``mpnet``)
and ``adapter_model.safetensors`` (the LoRA weights plus the fully trained head and case embedding), beside the
tokenizer and the model's ``config.json`` (labels, ``case_feature``, ``context_tokens``). ``load_trained_model``
rebuilds the base as training did, applies the adapter and merges it.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from peft import LoraConfig, PeftModel, get_peft_model
from transformers import AutoConfig, AutoModelForTokenClassification, AutoTokenizer, PreTrainedTokenizerFast

from ner.model_inputs import (
    CASE_EMBEDDING,
    CASE_FEATURE,
    CASE_SHAPES,
    CaseEmbeddingModel,
    has_case_embedding,
    uses_case_feature,
)

from .config import TrainConfig
from .errors import DataError
from .offline_encoders import resolve_model_name

ADAPTER_CONFIG = "adapter_config.json"
ADAPTER_WEIGHTS = "adapter_model.safetensors"


def load_trained_model(directory: str | Path, dtype: torch.dtype = torch.float32):
    """A fine-tuned model folder written by ``save_model``, with its case embedding if it has one; an adapter
    folder comes back merged into its base encoder."""
    if is_adapter_dir(directory):
        return load_adapter_model(directory).to(dtype)
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
    if isinstance(model, PeftModel):  # the adapter only, plus the config that records labels and case feature
        model.save_pretrained(directory, save_embedding_layers=False)  # "auto" would look the base up online
        model.get_base_model().config.save_pretrained(directory)
    else:
        model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)


def is_adapter_dir(directory: str | Path) -> bool:
    return (Path(directory) / ADAPTER_CONFIG).is_file()


def adapter_base_name(directory: str | Path) -> str:
    """The base encoder an adapter folder was trained over, as given to training (``mpnet``, a hub id, a path)."""
    return json.loads((Path(directory) / ADAPTER_CONFIG).read_text())["base_model_name_or_path"]


def linear_layer_names(model: torch.nn.Module) -> list[str]:
    """The last name of every Linear in the encoder (BERT: query, key, value, dense; MPNet: q, k, v, o, dense)."""
    return sorted(
        {
            name.rsplit(".", 1)[-1]
            for name, module in model.named_modules()
            if isinstance(module, torch.nn.Linear) and name.rsplit(".", 1)[-1] != "classifier"
        }
    )


def fully_trained_modules(model: torch.nn.Module) -> list[str]:
    """What LoRA leaves whole and trains: the new head, and the embedding that carries the case shapes."""
    names = ["classifier"]
    case_feature = getattr(model.config, "case_feature", None)
    if case_feature == CASE_EMBEDDING:
        names.append("case_embedding")
    elif case_feature == CASE_FEATURE:
        names.append("token_type_embeddings")
    return names


def add_adapter(model: torch.nn.Module, cfg: TrainConfig) -> PeftModel:
    """Freeze the encoder and give its Linear layers LoRA adapters; the head and case embedding train fully."""
    if cfg.adapter != "lora":
        raise DataError(f"--adapter {cfg.adapter!r}: only 'lora' is supported")
    targets = cfg.lora_target_modules
    config = LoraConfig(
        r=cfg.lora_rank,
        lora_alpha=cfg.lora_alpha,
        lora_dropout=cfg.lora_dropout,
        target_modules=linear_layer_names(model) if targets == "all-linear" else targets.split(","),
        modules_to_save=fully_trained_modules(model),
    )
    model = get_peft_model(model, config)
    model.peft_config["default"].base_model_name_or_path = cfg.model  # resolved again on load, never a cache path
    return model


def load_adapter_model(directory: str | Path) -> torch.nn.Module:
    """Rebuild an adapter folder's base as training built it (head, case embedding), apply the adapter, merge."""
    config = AutoConfig.from_pretrained(directory)
    labels = [config.id2label[index] for index in range(config.num_labels)]
    base = load_model(
        adapter_base_name(directory), labels, uses_case_feature(config), getattr(config, "context_tokens", 0) or 0
    )
    return PeftModel.from_pretrained(base, directory).merge_and_unload().eval()
