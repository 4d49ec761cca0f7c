"""Entity-level evaluation with seqeval (strict IOB2, plus the default mode for comparison).

``python -m training.evaluate MODEL_DIR [MODEL_DIR ...] --data DIR|conllpp --split test [--output report.json]``
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch
from accelerate import Accelerator
from seqeval.metrics import classification_report, f1_score
from seqeval.scheme import IOB2
from torch.utils.data import DataLoader
from tqdm.auto import tqdm
from transformers import DataCollatorForTokenClassification

from conll import LABELS
from ner.config import NerError
from ner.model_inputs import uses_case_feature

from .data import load_data, require_splits
from .errors import DataError
from .features import IGNORE, encode_split
from .modeling import load_tokenizer, load_trained_model


def length_sorted_batches(lengths: list[int], batch_size: int) -> list[list[int]]:
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    return [order[start : start + batch_size] for start in range(0, len(order), batch_size)]


def evaluation_loader(encoded, tokenizer, batch_size: int) -> DataLoader:
    lengths = [len(ids) for ids in encoded["input_ids"]]
    return DataLoader(
        encoded,
        batch_sampler=length_sorted_batches(lengths, batch_size),
        collate_fn=DataCollatorForTokenClassification(tokenizer),
    )


@torch.inference_mode()
def predict_tags(model, loader: DataLoader, accelerator: Accelerator) -> tuple[list[list[str]], list[list[str]]]:
    """Gold and predicted tags of every labelled position, sentence by sentence."""
    model.eval()
    id2label = accelerator.unwrap_model(model).config.id2label
    gold, predicted = [], []
    for batch in tqdm(loader, desc="evaluate", leave=False, disable=not accelerator.is_local_main_process):
        logits = model(**{k: v for k, v in batch.items() if k != "labels"}).logits
        labels = accelerator.pad_across_processes(batch["labels"], dim=1, pad_index=IGNORE)
        guesses = accelerator.pad_across_processes(logits.argmax(-1), dim=1, pad_index=IGNORE)
        labels, guesses = accelerator.gather_for_metrics((labels, guesses))
        for row_labels, row_guesses in zip(labels.tolist(), guesses.tolist(), strict=True):
            keep = [i for i, label in enumerate(row_labels) if label != IGNORE]
            gold.append([id2label[row_labels[i]] for i in keep])
            predicted.append([id2label[row_guesses[i]] for i in keep])
    return gold, predicted


def load_and_encode(model_dir: str, sentences) -> tuple:
    """A saved model's tokenizer and float32 model, and ``sentences`` encoded the way the model was trained."""
    tokenizer = load_tokenizer(model_dir)
    model = load_trained_model(model_dir)
    encoded = encode_split(
        sentences,
        tokenizer,
        context_tokens=getattr(model.config, "context_tokens", 0) or 0,
        case_feature=uses_case_feature(model.config),
    )
    return tokenizer, model, encoded


@torch.inference_mode()
def word_logits(
    model_dir: str, sentences, batch_size: int = 64, bf16: bool = False
) -> tuple[list[str], list[torch.Tensor]]:
    """The model's labels, and per sentence (in dataset order) a ``(words, labels)`` tensor of logits."""
    tokenizer, model, encoded = load_and_encode(model_dir, sentences)
    model.eval()
    collate = DataCollatorForTokenClassification(tokenizer)
    results: list[torch.Tensor] = [torch.empty(0)] * len(encoded)
    lengths = [len(ids) for ids in encoded["input_ids"]]
    for indices in tqdm(length_sorted_batches(lengths, batch_size), desc=Path(model_dir).name, leave=False):
        batch = collate([encoded[i] for i in indices])
        labels = batch.pop("labels")
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits = model(**batch).logits.float()
        for row, index in enumerate(indices):
            results[index] = logits[row][labels[row] != IGNORE].clone()
    return list(model.config.id2label.values()), results


def ensemble_report(model_dirs: list[str], sentences, batch_size: int = 64) -> dict:
    """seqeval report of the models' averaged label probabilities (they must share one label order)."""
    gold = [[LABELS[tag] for tag in tags] for tags in sentences["ner_tags"]]
    probabilities = [torch.zeros(len(words), len(LABELS)) for words in gold]
    for model_dir in model_dirs:
        labels, logits = word_logits(model_dir, sentences, batch_size)
        if labels != LABELS:
            raise DataError(f"{model_dir}: labels {labels} differ from {LABELS}")
        for total, rows in zip(probabilities, logits, strict=True):
            total += rows.softmax(-1)
    predicted = [[LABELS[i] for i in rows.argmax(-1).tolist()] for rows in probabilities]
    return seqeval_report(gold, predicted)


def seqeval_report(gold: list[list[str]], predicted: list[list[str]]) -> dict:
    """Strict IOB2 precision/recall/F1 per type and overall, plus the default (lenient) mode's F1."""
    table = classification_report(gold, predicted, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
    as_floats = {name: {k: float(v) for k, v in row.items()} for name, row in table.items()}
    micro = as_floats.pop("micro avg")
    for summary in ("macro avg", "weighted avg"):
        as_floats.pop(summary, None)
    return {
        "precision": micro["precision"],
        "recall": micro["recall"],
        "f1": micro["f1-score"],
        "per_type": as_floats,
        "f1_default_mode": float(f1_score(gold, predicted)),
        "sentences": len(gold),
    }


def format_report(report: dict) -> str:
    lines = [f"{'type':<6} {'P':>7} {'R':>7} {'F1':>7} {'n':>6}"]
    for name, row in sorted(report["per_type"].items()):
        lines.append(
            f"{name:<6} {100 * row['precision']:7.2f} {100 * row['recall']:7.2f} "
            f"{100 * row['f1-score']:7.2f} {int(row['support']):6d}"
        )
    lines.append(
        f"{'all':<6} {100 * report['precision']:7.2f} {100 * report['recall']:7.2f} {100 * report['f1']:7.2f}"
        f"   (strict IOB2; default-mode F1 {100 * report['f1_default_mode']:.2f})"
    )
    return "\n".join(lines)


def evaluate_model_dirs(model_dirs: list[str], data: str, split: str, batch_size: int = 64, limit: int = 0) -> dict:
    """One model's report, or with several the report of their ensemble (averaged probabilities)."""
    loaded = load_data(data)
    require_splits(loaded, data, split)
    dataset = loaded[split]
    if limit:
        dataset = dataset.select(range(min(limit, len(dataset))))
    if len(model_dirs) > 1:
        return ensemble_report(model_dirs, dataset, batch_size)
    return evaluate_model_dir(model_dirs[0], dataset, batch_size)


def evaluate_model_dir(model_dir: str, dataset, batch_size: int = 64) -> dict:
    tokenizer, model, encoded = load_and_encode(model_dir, dataset)
    accelerator = Accelerator()
    model, loader = accelerator.prepare(model, evaluation_loader(encoded, tokenizer, batch_size))
    return seqeval_report(*predict_tags(model, loader, accelerator))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("model_dir", nargs="+", help="several: evaluate their ensemble (averaged probabilities)")
    parser.add_argument("--data", default="conllpp")
    parser.add_argument("--split", default="test", choices=["train", "validation", "dev", "test"])
    parser.add_argument("--output", help="write the report as JSON here")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--limit-sentences", type=int, default=0)
    args = parser.parse_args(argv)
    split = "validation" if args.split == "dev" else args.split
    try:
        report = evaluate_model_dirs(args.model_dir, args.data, split, args.batch_size, args.limit_sentences)
    except (DataError, NerError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(format_report(report))
    if args.output:
        Path(args.output).write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
