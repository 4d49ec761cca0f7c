"""Knowledge distillation: the student also learns the label distributions of a larger fine-tuned teacher.

The teacher (any model folder ``training`` wrote, e.g. the case-aware MPNet) reads the training sentences
once; its logits for each word (the word's first sub-word, the position that carries the label) are cached
beside the teacher. Teacher and student may use different tokenizers: they meet at the word level. The loss
is ``(1 - w) * cross-entropy + w * T² * KL(teacher_T || student_T)`` over labelled positions (Hinton et al.).
"""

from __future__ import annotations

import os
from pathlib import Path

import torch
from datasets import Dataset
from safetensors.torch import load_file, save_file
from transformers import DataCollatorForTokenClassification

from conll import LABELS

from .errors import DataError
from .evaluate import word_logits
from .features import IGNORE

TEACHER_FIELD = "teacher_logits"


def teacher_logits(teacher_dir: str, sentences: Dataset, batch_size: int = 64) -> list[torch.Tensor]:
    """One ``(words, labels)`` tensor per sentence, read from the cache or computed (and cached)."""
    cache = Path(teacher_dir) / f"logits-{sentences._fingerprint}.safetensors"
    if cache.is_file():
        stored = load_file(cache)
        return list(torch.split(stored["logits"], stored["words"].tolist()))
    logits = compute_teacher_logits(teacher_dir, sentences, batch_size)
    words = torch.tensor([len(rows) for rows in logits])
    partial = cache.with_suffix(f".{os.getpid()}.tmp")  # a run started beside this one never reads half a file
    save_file({"logits": torch.cat(logits), "words": words}, partial)
    partial.replace(cache)
    return logits


def compute_teacher_logits(teacher_dir: str, sentences: Dataset, batch_size: int) -> list[torch.Tensor]:
    labels, logits = word_logits(teacher_dir, sentences, batch_size, bf16=cpu_has_native_bf16())
    if labels != LABELS:
        raise DataError(f"teacher {teacher_dir}: labels {labels} differ from {LABELS}")
    return logits


def cpu_has_native_bf16() -> bool:
    """bf16 autocast halves the teacher's time on CPUs with bf16 instructions and slows down the others."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return " avx512_bf16" in flags or " amx_bf16" in flags


def add_teacher_logits(train_set: Dataset, logits: list[torch.Tensor]) -> Dataset:
    labelled = [sum(label != IGNORE for label in labels) for labels in train_set["labels"]]
    if labelled != [len(rows) for rows in logits]:
        raise DataError("teacher and student disagree on the words of the training sentences")
    return train_set.add_column(TEACHER_FIELD, [rows.tolist() for rows in logits])


class DistillationCollator:
    """The usual token-classification batch plus ``teacher_logits`` laid over the labelled positions."""

    def __init__(self, collator: DataCollatorForTokenClassification) -> None:
        self.collator = collator

    def __call__(self, features: list[dict]) -> dict:
        teacher = [feature.pop(TEACHER_FIELD) for feature in features]
        batch = self.collator(features)
        labels = batch["labels"]
        targets = torch.zeros(*labels.shape, len(LABELS))
        for row, rows in enumerate(teacher):
            targets[row, labels[row] != IGNORE] = torch.tensor(rows)
        batch[TEACHER_FIELD] = targets
        return batch


def distillation_loss(
    logits: torch.Tensor, labels: torch.Tensor, teacher: torch.Tensor, weight: float, temperature: float
) -> torch.Tensor:
    labelled = labels != IGNORE
    student, teacher, gold = logits[labelled].float(), teacher[labelled].float(), labels[labelled]
    hard = torch.nn.functional.cross_entropy(student, gold)
    soft = torch.nn.functional.kl_div(
        torch.log_softmax(student / temperature, -1),
        torch.log_softmax(teacher / temperature, -1),
        log_target=True,
        reduction="batchmean",
    )
    return (1 - weight) * hard + weight * temperature**2 * soft
