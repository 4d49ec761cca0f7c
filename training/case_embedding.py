"""Case-shape ids for encoders without token-type embeddings (MPNet): a small embedding added to the words'.

BERT-like encoders take the case ids through their token-type embeddings and stay standard models (see
``casing.py``). MPNet has no token types, so here a ``len(CASE_SHAPES)``-row embedding is added to the word
embeddings and the sum goes in as ``inputs_embeds``. Such a model is saved as the usual model folder plus
``case_embedding.safetensors``; only ``training`` reads it back (it serves as a distillation teacher), so its
config is marked with ``CASE_EMBEDDING`` rather than the ``CASE_FEATURE`` that ``ner`` understands.
"""

from __future__ import annotations

from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn

from .casing import CASE_EMBEDDING, CASE_SHAPES

CASE_EMBEDDING_FILE = "case_embedding.safetensors"


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

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, labels=None, **kwargs):
        embeds = self.model.get_input_embeddings()(input_ids)
        if token_type_ids is not None:
            embeds = embeds + self.case_embedding(token_type_ids)
        return self.model(inputs_embeds=embeds, attention_mask=attention_mask, labels=labels, **kwargs)

    def save_pretrained(self, directory: str | Path, **kwargs) -> None:
        self.model.save_pretrained(directory, **kwargs)
        save_file({"weight": self.case_embedding.weight.detach().contiguous()}, Path(directory) / CASE_EMBEDDING_FILE)

    @classmethod
    def from_pretrained(cls, model: nn.Module, directory: str | Path) -> CaseEmbeddingModel:
        wrapped = cls(model)
        wrapped.case_embedding.weight.data.copy_(load_file(Path(directory) / CASE_EMBEDDING_FILE)["weight"])
        return wrapped


def has_case_embedding(directory: str | Path) -> bool:
    return (Path(directory) / CASE_EMBEDDING_FILE).is_file()
