"""Shared test helpers: paths to ../shared and tiny models built from real tokenizer configs (no weights)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CONLLPP = SHARED / "data" / "conllpp"
CASED_TOKENIZER = SHARED / "models" / "bert-base-cased-tokenizer"

TINY_SIZES = dict(num_hidden_layers=2, hidden_size=32, num_attention_heads=2, intermediate_size=64)


def tiny_bert_dir(directory: Path, labels: list[str] | None = None, **overrides) -> Path:
    """A randomly initialised BERT with the real bert-base-cased tokenizer and (shrunk) config."""
    from transformers import AutoTokenizer, BertConfig, BertForTokenClassification

    config = BertConfig.from_pretrained(CASED_TOKENIZER, **{**TINY_SIZES, **overrides})
    if labels:
        config.id2label = dict(enumerate(labels))
        config.label2id = {label: i for i, label in enumerate(labels)}
    BertForTokenClassification(config).save_pretrained(directory)
    AutoTokenizer.from_pretrained(CASED_TOKENIZER).save_pretrained(directory)
    return directory
