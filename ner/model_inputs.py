"""What a model needs besides its weights: the contract between the code that trains it and ``ner``, which
serves it. ``training`` imports this module; ``ner`` never imports ``training``.

- **Case shapes.** Uncased encoders lose capitalisation, so each sub-word gets a shape id computed from the
  original characters it covers (lower / Title / UPPER / mixed). BERT-like encoders take the id through their
  token-type embeddings, resized to ``len(CASE_SHAPES)`` rows (``config.case_feature == CASE_FEATURE``).
- **Case embedding.** Encoders without token types (MPNet) add a ``len(CASE_SHAPES)``-row embedding to their
  word embeddings instead (``CaseEmbeddingModel``), saved beside the model as ``case_embedding.safetensors``
  (``config.case_feature == CASE_EMBEDDING``).
- **Activation ranges.** The largest input of every Linear layer per channel, saved beside a model as
  ``activation_ranges.safetensors`` (``python -m training.calibrate``), which int8 inference uses to smooth
  outliers into the weights.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn

CASE_FEATURE = "token_type_case_shape"
CASE_EMBEDDING = "inputs_embeds_case_shape"
CASE_SHAPES = ("lower", "title", "upper", "mixed")  # pieces with no cased letter count as "lower"
CASE_EMBEDDING_FILE = "case_embedding.safetensors"
RANGES_FILE = "activation_ranges.safetensors"


def case_shape(piece: str) -> int:
    """Shape id of one piece of original text: 0 lower/none, 1 Title, 2 UPPER, 3 mixed."""
    letters = [c for c in piece if c.lower() != c.upper()]
    if not letters or all(c.islower() for c in letters):
        return 0
    if all(c.isupper() for c in letters):
        return 1 if len(letters) == 1 else 2
    if letters[0].isupper() and all(c.islower() for c in letters[1:]):
        return 1
    return 3


def case_shape_ids(text: str, offsets: list[tuple[int, int]]) -> list[int]:
    """Shape ids for pieces given as character spans of ``text``; (0, 0) spans (special tokens) get 0."""
    return [case_shape(text[start:end]) if end > start else 0 for start, end in offsets]


def uses_case_feature(config) -> bool:
    """True when a model config was trained with case-shape ids (as token types or a case embedding)."""
    return getattr(config, "case_feature", None) in (CASE_FEATURE, CASE_EMBEDDING)


class CaseEmbeddingModel(nn.Module):
    """A token-classification model whose word embeddings get a case-shape embedding added."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model
        self.config = model.config
        self.case_embedding = nn.Embedding(len(CASE_SHAPES), model.config.hidden_size)
        with torch.no_grad():  # lower case (row 0) adds nothing; the other rows start small
            self.case_embedding.weight.normal_(0.0, model.config.initializer_range)
            self.case_embedding.weight[0] = 0.0
        self.config.case_feature = CASE_EMBEDDING

    @property
    def device(self) -> torch.device:
        return self.model.device

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, labels=None, **kwargs):
        embeds = self.model.get_input_embeddings()(input_ids)
        if token_type_ids is not None:
            embeds = embeds + self.case_embedding(token_type_ids).to(embeds.dtype)
        return self.model(inputs_embeds=embeds, attention_mask=attention_mask, labels=labels, **kwargs)

    def save_pretrained(self, directory: str | Path, **kwargs) -> None:
        self.model.save_pretrained(directory, **kwargs)
        save_file({"weight": self.case_embedding.weight.detach().contiguous()}, Path(directory) / CASE_EMBEDDING_FILE)

    @classmethod
    def from_pretrained(cls, model: nn.Module, directory: str | Path) -> CaseEmbeddingModel:
        wrapped = cls(model)
        weight = load_file(Path(directory) / CASE_EMBEDDING_FILE)["weight"]
        wrapped.case_embedding.weight.data.copy_(weight.to(wrapped.case_embedding.weight.dtype))
        return wrapped


def token_type_embeddings(model: nn.Module) -> nn.Embedding | None:
    """The token-type embeddings of a BERT-like model, or None for encoders without token types (MPNet)."""
    return getattr(getattr(model, model.base_model_prefix).embeddings, "token_type_embeddings", None)


def add_case_embeddings(model: nn.Module) -> None:
    """Resize token-type embeddings to one row per case shape; new rows start near row 0 (lower case)."""
    embeddings = token_type_embeddings(model)
    old = embeddings.weight.data
    new = nn.Embedding(len(CASE_SHAPES), old.shape[1])
    with torch.no_grad():
        new.weight[:] = old[0] + 0.02 * torch.randn(len(CASE_SHAPES), old.shape[1])
        new.weight[0] = old[0]
    getattr(model, model.base_model_prefix).embeddings.token_type_embeddings = new
    model.config.type_vocab_size = len(CASE_SHAPES)
    model.config.case_feature = CASE_FEATURE


def add_case_feature(model: nn.Module) -> nn.Module:
    """``model`` taking case-shape ids: through resized token types where it has them, else wrapped in a
    ``CaseEmbeddingModel``. New rows are random: training learns them, an adapter folder carries them."""
    if token_type_embeddings(model) is None:
        return CaseEmbeddingModel(model)
    add_case_embeddings(model)
    return model


def has_case_embedding(directory: str | Path) -> bool:
    return (Path(directory) / CASE_EMBEDDING_FILE).is_file()


def save_ranges(ranges: Mapping[str, torch.Tensor], model_dir: str | Path) -> Path:
    path = Path(model_dir) / RANGES_FILE
    save_file({name: value.contiguous() for name, value in ranges.items()}, str(path))
    return path


def load_ranges(model_dir: str | Path) -> dict[str, torch.Tensor] | None:
    """The ranges saved beside a local model, or None when it has none."""
    path = Path(model_dir) / RANGES_FILE
    return load_file(str(path)) if path.is_file() else None
