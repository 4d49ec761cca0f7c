"""Loading a token-classification model and its tokenizer, with checks that give one-line errors."""

from __future__ import annotations

import re
from pathlib import Path

import torch
from safetensors import SafetensorError
from transformers import (
    AutoModelForTokenClassification,
    AutoTokenizer,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)

from ner.config import NerConfig
from ner.errors import NerError
from ner.model_inputs import CASE_EMBEDDING, RANGES_FILE, load_ranges
from ner.precision import convert, resolve_precision

DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / "ner-default"
_HUB_ID = re.compile(r"\w[\w.-]*(/\w[\w.-]*)?")
_PLACEHOLDER_LABEL = re.compile(r"LABEL_\d+")


def load_model(
    source: str | Path | None, config: NerConfig
) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """Model (eval mode, on ``config.device``, in ``config.precision``, ``auto`` resolved for this CPU) and
    fast tokenizer."""
    location = resolve_location(source)
    try:
        tokenizer = AutoTokenizer.from_pretrained(location)
        # float32 whatever the checkpoint's dtype: the shipped model is stored in fp16, which CPUs run slowly
        # and dynamic int8 quantization cannot take; other precisions are derived from float32 below.
        model, info = AutoModelForTokenClassification.from_pretrained(
            location, output_loading_info=True, dtype=torch.float32
        )
    except (OSError, ValueError, KeyError) as error:
        raise NerError(
            f"cannot load a token-classification model from {location}: {_first_line(error)}"
        ) from error
    check_model(model, tokenizer, info.get("missing_keys", ()), location)
    model.eval()
    precision = resolve_precision(config.precision)
    ranges = _activation_ranges(location) if precision == "int8" else None
    model = convert(model, precision, ranges, config.int8_smoothing)
    return model.to(config.device), tokenizer


def resolve_location(source: str | Path | None) -> str:
    """A local model directory, or a hub id when nothing local by that name exists."""
    if source is None:
        if not DEFAULT_MODEL.is_dir():
            raise NerError("no model at models/ner-default: run `make model` or pass --model")
        return str(DEFAULT_MODEL)
    path = Path(source).expanduser()
    if path.is_dir():
        return str(path)
    if path.exists():
        raise NerError(f"{source} is a file, not a model directory")
    if _HUB_ID.fullmatch(str(source)) and not Path(path.parts[0]).exists():
        return str(source)
    raise NerError(f"no model directory at {source}")


def check_model(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, missing: object, location: str
) -> None:
    """Refuse models that cannot tag raw text: slow tokenizer, no entity labels, untrained head."""
    if not tokenizer.is_fast:
        raise NerError(f"model at {location} has no fast tokenizer (needed for character offsets)")
    labels = list(model.config.id2label.values())
    if all(label == "O" or _PLACEHOLDER_LABEL.fullmatch(label) for label in labels):
        raise NerError(f"model at {location} has no token-classification labels in config.id2label: {labels}")
    if getattr(model.config, "case_feature", None) == CASE_EMBEDDING:
        raise NerError(
            f"model at {location} is a training-only teacher (its case embedding lives outside the model); "
            "tag with a model exported from a student run instead"
        )
    untrained = [key for key in missing if "classifier" in key]
    if untrained:
        raise NerError(
            f"model at {location} has no trained classification head (missing {', '.join(untrained)})"
        )


def _activation_ranges(location: str) -> dict[str, torch.Tensor] | None:
    """The ranges ``training.calibrate`` saved beside a local model, if any."""
    if not Path(location).is_dir():
        return None
    try:
        return load_ranges(location)
    except SafetensorError as error:
        raise NerError(f"cannot read {RANGES_FILE} of {location}: {error}") from error


def _first_line(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
