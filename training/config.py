"""All training settings in one dataclass; the command line is generated from its fields."""

from __future__ import annotations

import argparse
from dataclasses import MISSING, dataclass, field, fields


@dataclass
class TrainConfig:
    data: str = field(default="conllpp", metadata={"help": "'conllpp' (hub) or a directory of CoNLL files"})
    model: str = field(default="bert-base-cased", metadata={"help": "hub id or local model directory"})
    output_dir: str = field(default="runs/ner", metadata={"help": "checkpoints, best model and metrics"})
    epochs: int = 3
    batch_size: int = 32
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    max_grad_norm: float = 1.0
    max_length: int = 512
    seed: int = 42
    context_tokens: int = field(default=0, metadata={"help": "sub-words of neighbouring sentences per side"})
    label_all_tokens: bool = field(default=False, metadata={"help": "continuation pieces get the I- label"})
    case_feature: bool = field(
        default=False, metadata={"help": "feed a case-shape id per sub-word through token-type embeddings"}
    )
    teacher: str = field(
        default="", metadata={"help": "a fine-tuned model folder to distil from (its logits are cached beside it)"}
    )
    distill_weight: float = field(default=0.5, metadata={"help": "share of the loss taken by the KL to the teacher"})
    distill_temperature: float = 2.0
    adapter: str = field(default="", metadata={"help": "'' (full fine-tune) or 'lora' (train low-rank adapters)"})
    lora_rank: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.1
    lora_target_modules: str = field(
        default="all-linear",
        metadata={"help": "comma-separated Linear names, or every Linear of the encoder (never the classifier)"},
    )
    init_adapter: str = field(
        default="",
        metadata={"help": "an adapter folder to continue training from (its LoRA weights, head, case embedding)"},
    )
    augment: str = field(
        default="",
        metadata={
            "help": "countries whose entity-switched copies of the training documents join every epoch "
            "(comma-separated, or 'all'); names from the train part of localize's pools"
        },
    )
    augment_switch: str = field(
        default="localize",
        metadata={
            "help": "what the copies replace: 'localize' (the source country's entities; foreign countries stay), "
            "'all' (every PER/LOC/ORG, countries included: conll.switch) or 'mixed' (each copy one of the two)"
        },
    )
    augment_ratio: float = field(default=0.5, metadata={"help": "copied documents per epoch, per training document"})
    augment_cache: str = field(default="runs/augment", metadata={"help": "where the copies are cached"})
    join_sentences: float = field(
        default=0.0,
        metadata={
            "help": "share of sentence boundaries inside a document removed each epoch (0 <= P < 1), so the model "
            "also learns from run-on text; runs of at most 100 words"
        },
    )
    mixed_precision: str = field(default="auto", metadata={"help": "auto (bf16/fp16 on GPU), no, fp16, bf16"})
    save_steps: int = field(default=0, metadata={"help": "also checkpoint every N steps (0: per epoch only)"})
    resume: bool = field(default=False, metadata={"help": "continue from the last checkpoint in output_dir"})
    limit_sentences: int = field(default=0, metadata={"help": "use only the first N sentences per split"})
    eval_batch_size: int = 64


def parse_args(argv: list[str] | None = None) -> TrainConfig:
    parser = argparse.ArgumentParser(prog="python -m training", description="Fine-tune an encoder for NER.")
    for spec in fields(TrainConfig):
        flag = "--" + spec.name.replace("_", "-")
        help_text = spec.metadata.get("help", "")
        default = spec.default if spec.default is not MISSING else None
        if spec.type in ("bool", bool):
            parser.add_argument(flag, action="store_true", help=help_text)
        else:
            kind = {"int": int, "float": float}.get(str(spec.type), str)
            parser.add_argument(flag, type=kind, default=default, help=f"{help_text} (default: {default})")
    return TrainConfig(**vars(parser.parse_args(argv)))
