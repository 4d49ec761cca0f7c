"""All settings of the ``ner`` package in one place, and the one exception type of the package."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args


class NerError(ValueError):
    """Bad input or an unusable model; the message is one line meant for the user."""


Precision = Literal["auto", "float32", "bfloat16", "int8"]
PRECISIONS: tuple[str, ...] = get_args(Precision)


@dataclass(frozen=True)
class NamedModel:
    """A model the project ships under ``models/``, picked by name (``--model fast``)."""

    folder: str  # under MODELS_DIR
    about: str  # a few words for help texts
    make: str  # how to put the folder there, for the error when it is missing


MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
MODELS = {
    "accurate": NamedModel(
        "ner-accurate",
        "MPNet-base + case embedding + LoRA adapter",
        "`python -m training.export RUN/best models/ner-accurate` on a `--model mpnet --adapter lora` run",
    ),
    "fast": NamedModel("ner-default", "MiniLM-L6 + case-shape token types", "`make model`"),
}
DEFAULT_MODEL = "accurate"  # what every CLI, the demo and EntityTagger.load() use without --model
MODEL_HELP = (  # for every --model: the names, then what else it takes
    ", ".join(f"{name} ({model.about}, models/{model.folder})" for name, model in MODELS.items())
    + f", a model or adapter directory, or a hub id (default: {DEFAULT_MODEL})"
)


def named_model(source: str | Path | None) -> tuple[str, Path] | None:
    """The name and folder (existing or not) of the named model ``source`` (None: ``DEFAULT_MODEL``), or None
    when ``source`` names none (a directory or a hub id)."""
    name = DEFAULT_MODEL if source is None else str(source)
    return (name, MODELS_DIR / MODELS[name].folder) if name in MODELS else None


@dataclass(frozen=True)
class NerConfig:
    """Inference settings; the defaults suit CPU use of a BERT-sized token classifier.

    ``max_length`` and ``context_tokens`` default to what the model declares (its position limit, and
    ``config.context_tokens`` written by training); set them only to override the model.
    """

    batch_size: int = 32  # sequences (sentences with their context) per forward pass
    max_length: int | None = None  # window in sub-words, special tokens included
    window_overlap: int = 64  # sub-words shared by consecutive windows of an over-long sentence
    context_tokens: int | None = None  # sub-words of neighbouring sentences on each side
    # "auto": the fastest precision on this CPU within 0.3 F1 of float32 (ner.precision.fastest_precision);
    # "int8": dynamic int8 Linear layers, about 1.9x faster on CPU; "bfloat16": about 1.7x on CPUs with native
    # bf16 (AVX512-BF16, AMX), slower than float32 elsewhere. Speed: benchmarks/ner_speed.py; F1 cost:
    # benchmarks/ner_rawtext.py. float32 by default here, so results do not depend on the CPU; the app and the
    # CLIs default to "auto".
    precision: Precision = "float32"
    # SmoothQuant's alpha for int8 models that ship activation ranges: the share of each channel's outliers
    # moved into the weights (0.8 was the best of 0.5/0.65/0.8 on CoNLL++ dev, docs/experiments.md).
    int8_smoothing: float = 0.8
    num_threads: int | None = None  # torch intra-op threads; None leaves torch's default
    # Batches computed at once, each in its own Python thread. On a CPU, N workers with num_threads=1
    # outrun one worker with N intra-op threads (small matrices split badly across cores): 1.25x for int8 on 2 cores.
    workers: int = 1
    device: str = "cpu"

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise NerError(f"batch_size must be at least 1, got {self.batch_size}")
        if self.max_length is not None and self.max_length < 8:
            raise NerError(f"max_length must be at least 8, got {self.max_length}")
        if self.window_overlap < 0:
            raise NerError(f"window_overlap must not be negative, got {self.window_overlap}")
        if self.context_tokens is not None and self.context_tokens < 0:
            raise NerError(f"context_tokens must not be negative, got {self.context_tokens}")
        if self.precision not in PRECISIONS:
            raise NerError(f"precision must be one of {', '.join(PRECISIONS)}, got {self.precision!r}")
        if not 0 <= self.int8_smoothing <= 1:
            raise NerError(f"int8_smoothing must be between 0 and 1, got {self.int8_smoothing}")
        if self.workers < 1:
            raise NerError(f"workers must be at least 1, got {self.workers}")
        if self.num_threads is not None and self.num_threads < 1:
            raise NerError(f"num_threads must be at least 1, got {self.num_threads}")
