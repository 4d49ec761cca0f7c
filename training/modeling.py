"""Load tokenizer and token-classification model (hub id or directory) and fit them to the label set; wrap it
in LoRA adapters (``--adapter lora``), save and load adapter folders.

An adapter folder holds ``adapter_config.json`` (the base encoder by the name training was given, e.g. ``mpnet``)
and ``adapter_model.safetensors`` (the LoRA weights plus the fully trained head and case embedding), beside the
tokenizer and the model's ``config.json`` (labels, ``case_feature``, ``context_tokens``). ``load_trained_model``
rebuilds the base as training did, applies the adapter and merges it.

Rebuilding a base and loading an adapter folder live in ``ner.model`` (``base_model``, ``load_adapter``), which
serves adapter folders too: one implementation, and ``ner`` never imports ``training``.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from peft import LoraConfig, PeftModel, get_peft_model
from transformers import AutoTokenizer, PreTrainedTokenizerFast

from ner.encoders import resolve_model_name
from ner.model import ADAPTER_CONFIG, adapter_base_name, base_model, load_adapter, load_float32
from ner.model_inputs import CASE_EMBEDDING, CASE_FEATURE

from .config import TrainConfig
from .errors import DataError


def load_trained_model(directory: str | Path, dtype: torch.dtype = torch.float32):
    """A fine-tuned model folder written by ``save_model``, with its case embedding if it has one; an adapter
    folder comes back merged into its base encoder. The same loader as ``ner``'s (``ner.model.load_float32``)."""
    model, _ = load_float32(directory)
    return model.to(dtype)


def load_tokenizer(name: str) -> PreTrainedTokenizerFast:
    tokenizer = AutoTokenizer.from_pretrained(resolve_model_name(name))
    if not tokenizer.is_fast:
        raise DataError(f"{name}: needs a fast tokenizer (word alignment uses its offsets)")
    return tokenizer


def load_model(name: str, labels: list[str], case_feature: bool, context_tokens: int):
    """The encoder with a token-classification head for ``labels``; an existing head must match them."""
    return base_model(name, labels, case_feature, context_tokens)


def save_model(model, tokenizer, directory: Path) -> None:
    if isinstance(model, PeftModel):  # the adapter only, plus the config that records labels and case feature
        model.save_pretrained(directory, save_embedding_layers=False)  # "auto" would look the base up online
        model.get_base_model().config.save_pretrained(directory)
    else:
        model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)


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


def continue_adapter(model: torch.nn.Module, directory: str | Path, cfg: TrainConfig) -> PeftModel:
    """``model`` with the trained adapter of ``directory`` applied and left trainable: a longer schedule starts
    where an earlier run ended. Its rank and targets are the folder's; the base must be the one it was trained on."""
    folder = Path(directory)
    if not (folder / ADAPTER_CONFIG).is_file():
        raise DataError(f"--init-adapter {directory}: not an adapter folder (no {ADAPTER_CONFIG})")
    trained_on = adapter_base_name(folder)
    if resolve_model_name(trained_on) != resolve_model_name(cfg.model):
        raise DataError(f"--init-adapter {directory} was trained on {trained_on}, not on --model {cfg.model}")
    saved = json.loads((folder / ADAPTER_CONFIG).read_text())
    if (saved["r"], saved["lora_alpha"]) != (cfg.lora_rank, cfg.lora_alpha):
        raise DataError(
            f"--init-adapter {directory} has rank {saved['r']}, alpha {saved['lora_alpha']}: "
            f"pass --lora-rank {saved['r']} --lora-alpha {saved['lora_alpha']}"
        )
    model = PeftModel.from_pretrained(model, str(folder), is_trainable=True)
    model.peft_config["default"].base_model_name_or_path = cfg.model
    return model


def load_adapter_model(directory: str | Path) -> torch.nn.Module:
    """Rebuild an adapter folder's base as training built it (head, case embedding), apply the adapter, merge."""
    return load_adapter(directory)
