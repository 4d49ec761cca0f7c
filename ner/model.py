"""Loading a token-classification model and its tokenizer, with checks that give one-line errors.

A model comes as a named model (``fast``, ``accurate``: ``ner.config.MODELS``), a directory or a hub id. A
directory holds a full model (``save_pretrained``, with ``case_embedding.safetensors`` beside it when its
encoder has no token types), or a LoRA adapter folder (``adapter_config.json``, from ``--adapter lora``
training): its base is rebuilt as training built it and the adapter merged in, so it runs as fast as a full model.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import torch
from peft import PeftModel
from safetensors import SafetensorError
from torch import nn
from transformers import (
    AutoConfig,
    AutoModelForTokenClassification,
    AutoTokenizer,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)
from transformers.utils import logging as hf_logging

from ner.config import MODELS, NerConfig, NerError, named_model
from ner.encoders import resolve_model_name
from ner.model_inputs import (
    RANGES_FILE,
    CaseEmbeddingModel,
    add_case_feature,
    has_case_embedding,
    load_ranges,
    uses_case_feature,
)
from ner.precision import convert, resolve_precision

ADAPTER_CONFIG = "adapter_config.json"
ADAPTER_WEIGHTS = "adapter_model.safetensors"
_HUB_ID = re.compile(r"\w[\w.-]*(/\w[\w.-]*)?")
_PLACEHOLDER_LABEL = re.compile(r"LABEL_\d+")


def load_model(source: str | Path | None, config: NerConfig) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """Model (eval mode, on ``config.device``, in ``config.precision``, ``auto`` resolved for this CPU) and
    fast tokenizer. ``source``: a name of ``ner.config.MODELS``, a directory or a hub id; None: the default."""
    location = resolve_location(source)
    try:
        tokenizer = AutoTokenizer.from_pretrained(location)
        model, missing = load_float32(location)
    except NerError:
        raise
    except (OSError, ValueError, KeyError, RuntimeError) as error:
        raise NerError(f"cannot load a token-classification model from {location}: {_first_line(error)}") from error
    check_model(model, tokenizer, missing, location)
    model.eval()
    precision = resolve_precision(config.precision)
    ranges = _activation_ranges(location) if precision == "int8" else None
    model = convert(model, precision, ranges, config.int8_smoothing)
    return model.to(config.device), tokenizer


def load_float32(location: str | Path) -> tuple[nn.Module, list[str]]:
    """The model at ``location`` in float32 and the weights it lacked: an adapter folder merged into its base,
    a full model with its case embedding if it has one.

    float32 whatever the checkpoint's dtype: the shipped models are stored in fp16, which CPUs run slowly and
    dynamic int8 quantization cannot take; other precisions are derived from float32.
    """
    if is_adapter_dir(location):
        return load_adapter(location), []
    model, info = AutoModelForTokenClassification.from_pretrained(
        location, output_loading_info=True, dtype=torch.float32
    )
    if has_case_embedding(location):
        model = CaseEmbeddingModel.from_pretrained(model, location)
    return model, list(info.get("missing_keys", ()))


def is_adapter_dir(directory: str | Path) -> bool:
    return (Path(directory) / ADAPTER_CONFIG).is_file()


def adapter_base_name(directory: str | Path) -> str:
    """The base encoder an adapter folder was trained over, as given to training (``mpnet``, a hub id, a path)."""
    return json.loads((Path(directory) / ADAPTER_CONFIG).read_text())["base_model_name_or_path"]


def load_adapter(directory: str | Path) -> nn.Module:
    """An adapter folder's base rebuilt as training built it (its labels, context, case feature), with the
    adapter (LoRA weights, head, case embedding) applied and merged in: float32, eval mode."""
    config = AutoConfig.from_pretrained(directory)
    labels = [config.id2label[index] for index in range(config.num_labels)]
    name = adapter_base_name(directory)
    context = getattr(config, "context_tokens", 0) or 0
    base = base_model(name, labels, uses_case_feature(config), context, quiet=True)
    wanted, built = getattr(config, "case_feature", None), getattr(base.config, "case_feature", None)
    if wanted != built:
        raise NerError(f"adapter at {directory} was trained with case feature {wanted}, its base {name} gives {built}")
    return PeftModel.from_pretrained(base, str(directory)).merge_and_unload().eval()


def base_model(name: str, labels: list[str], case_feature: bool, context_tokens: int, quiet: bool = False) -> nn.Module:
    """The encoder ``name`` (a short name of ``ner.encoders``, a directory or a hub id) in float32 with a
    token-classification head for ``labels`` (an existing trained head must match them), ``context_tokens``
    recorded, and the case feature added when asked: what training fine-tunes, and what an adapter goes onto.
    ``quiet``: no transformers load report (under an adapter the fresh head is replaced at once, so its
    "newly initialized" table would only alarm)."""
    path = resolve_model_name(name)
    config = AutoConfig.from_pretrained(path)
    trained_head = has_trained_labels(config)
    if trained_head and sorted(config.id2label.values()) != sorted(labels):
        raise NerError(
            f"{name}: the model's labels {sorted(config.id2label.values())} differ from the data's {sorted(labels)}"
        )
    config.num_labels = len(labels)
    config.id2label = dict(enumerate(labels))
    config.label2id = {label: index for index, label in enumerate(labels)}
    config.context_tokens = context_tokens
    # A placeholder head (LABEL_0, LABEL_1, ...) is replaced by a fresh one of the right size.
    verbosity = hf_logging.get_verbosity()
    if quiet:
        hf_logging.set_verbosity_error()
    try:
        model = AutoModelForTokenClassification.from_pretrained(
            path, config=config, ignore_mismatched_sizes=not trained_head, dtype=torch.float32
        )
    finally:
        hf_logging.set_verbosity(verbosity)
    if has_case_embedding(path):
        return CaseEmbeddingModel.from_pretrained(model, path)
    if not case_feature or uses_case_feature(config):
        return model
    return add_case_feature(model)


def has_trained_labels(config) -> bool:
    return not all(_PLACEHOLDER_LABEL.fullmatch(label) for label in config.id2label.values())


def resolve_location(source: str | Path | None) -> str:
    """A named model's folder, a local model directory, or a hub id when nothing local by that name exists."""
    named = named_model(source)
    if named is not None:
        name, folder = named
        if not folder.is_dir():
            how = MODELS[name].make
            raise NerError(f"no model at models/{folder.name} (--model {name}): run {how}, or pass --model DIR")
        return str(folder)
    path = Path(source).expanduser()
    if path.is_dir():
        return str(path)
    if path.exists():
        raise NerError(f"{source} is a file, not a model directory")
    if _HUB_ID.fullmatch(str(source)) and not Path(path.parts[0]).exists():
        return str(source)
    raise NerError(f"no model directory at {source}")


def check_model(model: nn.Module, tokenizer: PreTrainedTokenizerBase, missing: object, location: str) -> None:
    """Refuse models that cannot tag raw text: slow tokenizer, no entity labels, untrained head."""
    if not tokenizer.is_fast:
        raise NerError(f"model at {location} has no fast tokenizer (needed for character offsets)")
    labels = list(model.config.id2label.values())
    if all(label == "O" or _PLACEHOLDER_LABEL.fullmatch(label) for label in labels):
        raise NerError(f"model at {location} has no token-classification labels in config.id2label: {labels}")
    untrained = [key for key in missing if "classifier" in key]
    if untrained:
        raise NerError(f"model at {location} has no trained classification head (missing {', '.join(untrained)})")


def _activation_ranges(location: str) -> dict[str, torch.Tensor] | None:
    """The ranges ``training.calibrate`` saved beside a local model (names as in the merged model), if any."""
    if not Path(location).is_dir():
        return None
    try:
        return load_ranges(location)
    except SafetensorError as error:
        raise NerError(f"cannot read {RANGES_FILE} of {location}: {error}") from error


def _first_line(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
