"""A short model card (README.md) beside the saved model: what it is, how it was trained, how well it does."""

from __future__ import annotations

import json
import shlex
from dataclasses import asdict
from pathlib import Path

from .joining import MAX_JOINED_WORDS


def row(split: str, name: str, f1: float, precision: float, recall: float) -> str:
    return f"| {split} | {name} | {100 * f1:.2f} | {100 * precision:.2f} | {100 * recall:.2f} |"


def figures(split: str, report: dict) -> list[str]:
    rows = [row(split, "all", report["f1"], report["precision"], report["recall"])]
    for name, scores in sorted(report["per_type"].items()):
        rows.append(row(split, name, scores["f1-score"], scores["precision"], scores["recall"]))
    return rows


def write_model_card(folder: Path, cfg, metrics: dict) -> None:
    settings = {
        k: v
        for k, v in asdict(cfg).items()
        if k not in ("resume", "output_dir")
        and (cfg.adapter or not k.startswith("lora_"))  # LoRA's, if used
        and (cfg.join_sentences or k != "join_sentences")  # cards of runs without it stay as they were
    }
    command = "python -m training " + " ".join(
        f"--{k.replace('_', '-')}" if v is True else f"--{k.replace('_', '-')} {shlex.quote(str(v))}"
        for k, v in settings.items()
        if v is not False and v != ""
    )
    table = ["| split | type | F1 | precision | recall |", "|---|---|---|---|---|"]
    for split in ("dev", "test"):
        if split in metrics:
            table += figures(split, metrics[split])
    origin = json.loads((folder / "config.json").read_text()).get("compressed_from")
    text = [
        "---",
        f"library_name: {'peft' if cfg.adapter else 'transformers'}",
        *([f"base_model: {cfg.model}"] if cfg.adapter else []),
        "pipeline_tag: token-classification",
        "tags: [ner, conll2003, conllpp]",
        "---",
        "# Named-entity recognition model (PER, LOC, ORG, MISC)",
        "",
        f"Fine-tuned from `{cfg.model}` on `{cfg.data}` by this project's `python -m training`"
        + (f", distilled from the teacher `{cfg.teacher}`." if cfg.teacher else "."),
        *(
            [
                f"`{cfg.model}` was cut from `{origin['teacher']}` by `python -m training.compress`: "
                f"its layers {origin['layers']}, a cased vocabulary of {origin['vocab_size']} pieces."
            ]
            if origin
            else []
        ),
        "Scores are seqeval entity-level, strict mode, IOB2 scheme, on gold CoNLL words.",
        "",
        *table,
        "",
        f"Best dev epoch: {metrics.get('epoch')}. Command:",
        "",
        f"    {command}",
        "",
        *(adapter_notes(cfg) if cfg.adapter else []),
        *(augment_notes(cfg) if cfg.augment else []),
        *(join_notes(cfg) if cfg.join_sentences else []),
    ]
    (folder / "README.md").write_text("\n".join(text))


def adapter_notes(cfg) -> list[str]:
    targets = "every Linear of the encoder" if cfg.lora_target_modules == "all-linear" else cfg.lora_target_modules
    return [
        f"This folder is a LoRA adapter over `{cfg.model}` (rank {cfg.lora_rank}, alpha {cfg.lora_alpha}, "
        f"dropout {cfg.lora_dropout}, on {targets}); the classifier"
        + (" and the case-shape embedding are" if cfg.case_feature else " is")
        + " trained in full and stored with the adapter. `training.modeling.load_trained_model(folder)` rebuilds "
        "the base, applies the adapter and merges it; `python -m training.export FOLDER OUT --merge` writes the "
        "merged model."
        + (f" Training continued from the adapter in `{cfg.init_adapter}`." if cfg.init_adapter else ""),
        "",
    ]


def augment_notes(cfg) -> list[str]:
    return [
        f"Trained on the original documents plus entity-switched copies (`--augment {cfg.augment}`, "
        f"{cfg.augment_ratio} copied documents per document and epoch, each for a randomly drawn country; "
        "`training/augment.py`). Their names, cities and regions come from the train part of `localize`'s pools; "
        "`benchmarks/entity_switch.py` audits on the held-out part." + SWITCH_NOTES.get(cfg.augment_switch, ""),
        "",
    ]


SWITCH_NOTES = {
    "all": " Every copy switches every PER/LOC/ORG entity to the drawn country, foreign countries and their places "
    "included (`--augment-switch all`; docs/switch.md).",
    "mixed": " Each copy either moves what `localize` moves or switches every PER/LOC/ORG entity, foreign countries "
    "included, drawn per copy (`--augment-switch mixed`; docs/switch.md).",
}


def join_notes(cfg) -> list[str]:
    return [
        f"Each epoch, {100 * cfg.join_sentences:g}% of the sentence boundaries inside a document were removed "
        f"(`--join-sentences {cfg.join_sentences}`, runs of at most {MAX_JOINED_WORDS} words; `training/joining.py`), "
        "so the model also learned from run-on text, as a document pasted on one line reaches it.",
        "",
    ]


def averaged_card(card: str, metrics: dict, source: Path, other: Path, weights: str = "adapter") -> str:
    """``source``'s card with the averaged adapter's scores in place of its own, and a note saying what was mixed."""
    scores = iter(line for split in ("dev", "test") for line in figures(split, metrics[split]))
    lines = [next(scores, line) if line.startswith(("| dev |", "| test |")) else line for line in card.splitlines()]
    note = (
        f"These weights are the mean of this run's {weights} (`{source}`) and `{other}`'s, tensor by tensor "
        "(`python -m training.export --average-with`); the scores above were measured on the mean."
    )
    return "\n".join([*lines, "", note, ""])
