"""Fine-tune an encoder for NER, top to bottom: data, model, batches, optimizer, loop, evaluation, saving.

``python -m training --model bert-base-cased --data conllpp --output-dir runs/bert`` (same command under
``accelerate launch`` for one or many GPUs).
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from datasets import Dataset, concatenate_datasets
from torch.utils.data import DataLoader
from tqdm.auto import tqdm
from transformers import DataCollatorForTokenClassification, get_linear_schedule_with_warmup
from transformers.trainer_pt_utils import LengthGroupedSampler

from conll import LABELS
from ner.config import NerError
from ner.precision import cpu_info

from .augment import Augmentation, epoch_copies
from .checkpoint import load_checkpoint, replace_atomically, save_checkpoint
from .config import TrainConfig, parse_args
from .data import load_data, require_splits
from .distillation import (
    TEACHER_FIELD,
    DistillationCollator,
    add_teacher_logits,
    distillation_loss,
    teacher_logits,
)
from .errors import DataError
from .evaluate import evaluation_loader, format_report, predict_tags, seqeval_report
from .features import encode_split
from .joining import check_join_share, join_logits, join_sentences
from .model_card import write_model_card
from .modeling import add_adapter, continue_adapter, load_model, load_tokenizer, load_trained_model, save_model


def pick_precision(setting: str) -> str:
    if setting == "bf16" and not torch.cuda.is_available() and not cpu_info().native_bf16:
        # Seen: a LoRA MPNet step went from ~7 s in float32 to no step in 5 minutes on an AVX2-only EPYC.
        print(
            "training: warning: bf16 is emulated on this CPU (no AVX512-BF16 or AMX) and far slower than "
            "--mixed-precision no",
            file=sys.stderr,
        )
    if setting != "auto":
        return setting
    if not torch.cuda.is_available():
        return "no"
    return "bf16" if torch.cuda.is_bf16_supported() else "fp16"


def epoch_batches(lengths: list[int], batch_size: int, seed: int, epoch: int) -> list[list[int]]:
    """Shuffled, length-grouped batches; the same seed and epoch always give the same batches (for resume)."""
    generator = torch.Generator().manual_seed(seed + epoch)
    order = list(LengthGroupedSampler(batch_size, lengths=lengths, generator=generator))
    return [order[start : start + batch_size] for start in range(0, len(order), batch_size)]


def optimizer_for(model, cfg: TrainConfig) -> torch.optim.AdamW:
    """AdamW over the trained parameters (all, or the adapters', head's and case embedding's), with weight decay
    on weights only (not biases or LayerNorm), as in the BERT recipe."""
    no_decay = ("bias", "LayerNorm.weight", "layer_norm.weight")
    trained = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    groups = [
        {"params": [p for n, p in trained if not n.endswith(no_decay)], "weight_decay": cfg.weight_decay},
        {"params": [p for n, p in trained if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=cfg.learning_rate)


def limited(raw, limit: int):
    if not limit:
        return raw
    return raw.__class__({split: ds.select(range(min(limit, len(ds)))) for split, ds in raw.items()})


def save_best(accelerator: Accelerator, model, tokenizer, output_dir: Path, metrics: dict, cfg: TrainConfig) -> None:
    def write(folder: Path) -> None:
        if accelerator.is_main_process:
            save_model(accelerator.unwrap_model(model), tokenizer, folder)
            (folder / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
            write_model_card(folder, cfg, metrics)

    replace_atomically(output_dir / "best", write, accelerator)


def training_loss(model, batch: dict, cfg: TrainConfig) -> torch.Tensor:
    teacher = batch.pop(TEACHER_FIELD, None)
    outputs = model(**batch)
    if teacher is None:
        return outputs.loss
    return distillation_loss(outputs.logits, batch["labels"], teacher, cfg.distill_weight, cfg.distill_temperature)


def train(cfg: TrainConfig) -> dict:
    accelerator = Accelerator(mixed_precision=pick_precision(cfg.mixed_precision))
    set_seed(cfg.seed)
    output_dir = Path(cfg.output_dir)
    say = accelerator.print
    check_join_share(cfg.join_sentences)

    # 1. Data: a DatasetDict with the hub's features, whichever the source.
    raw = limited(load_data(cfg.data), cfg.limit_sentences)
    require_splits(raw, cfg.data, "train", "validation")
    say(f"data: {', '.join(f'{split} {len(ds)}' for split, ds in raw.items())} sentences")

    # 2. Tokenizer and model; the model's config records what inference must reproduce.
    tokenizer = load_tokenizer(cfg.model)
    model = load_model(cfg.model, LABELS, cfg.case_feature, cfg.context_tokens)
    if cfg.init_adapter and cfg.adapter != "lora":
        raise DataError("--init-adapter continues a LoRA run: add --adapter lora")
    if cfg.adapter:  # LoRA: the encoder is frozen; its adapters, the head and the case embedding train
        model = continue_adapter(model, cfg.init_adapter, cfg) if cfg.init_adapter else add_adapter(model, cfg)
        trained = sum(p.numel() for p in model.parameters() if p.requires_grad)
        say(f"{cfg.adapter}: training {trained:,} of {sum(p.numel() for p in model.parameters()):,} parameters")
    encode = dict(context_tokens=cfg.context_tokens, case_feature=cfg.case_feature, max_length=cfg.max_length)
    dev_loader = evaluation_loader(encode_split(raw["validation"], tokenizer, **encode), tokenizer, cfg.eval_batch_size)
    collator = DataCollatorForTokenClassification(
        tokenizer, pad_to_multiple_of=8 if accelerator.device.type == "cuda" else None
    )
    if cfg.teacher:  # distillation: the teacher's logits for every training word ride along in the batches
        if cfg.label_all_tokens:
            raise DataError("--teacher labels first sub-words only; drop --label-all-tokens")
        collator = DistillationCollator(collator)
    # Augmentation: each epoch's own entity-switched copies join the original sentences.
    copies = epoch_copies(raw["train"], Augmentation.from_config(cfg), cfg.augment_cache) if cfg.augment else []
    if copies:
        say(f"augment: {', '.join(f'{len(c)}' for c in copies)} copied sentences per epoch ({cfg.augment})")
    train_sets = training_sets(raw["train"], copies, tokenizer, encode, cfg)
    if cfg.join_sentences:
        say(f"join-sentences {cfg.join_sentences}: {', '.join(str(len(s)) for s in train_sets)} rows per epoch")

    # 3. Optimizer and a linear warm-up/decay schedule over all optimizer steps.
    total_steps = sum(math.ceil(len(train_sets[epoch]) / cfg.batch_size) for epoch in range(cfg.epochs))
    optimizer = optimizer_for(model, cfg)
    scheduler = get_linear_schedule_with_warmup(optimizer, int(cfg.warmup_ratio * total_steps), total_steps)
    model, optimizer, scheduler, dev_loader = accelerator.prepare(model, optimizer, scheduler, dev_loader)

    # 4. Resume: restores weights, optimizer, scheduler and RNG, then skips the batches already seen.
    state = {"epoch": 0, "step_in_epoch": 0, "global_step": 0, "best_f1": -1.0, "history": []}
    if cfg.resume:
        state = load_checkpoint(accelerator, output_dir) or state
        say(f"resuming at epoch {state['epoch'] + 1}, step {state['step_in_epoch']}")

    # 5. The loop: an epoch of length-grouped batches, then dev evaluation, checkpoint, best model.
    for epoch in range(state["epoch"], cfg.epochs):
        train_set = train_sets[epoch]
        lengths = [len(ids) for ids in train_set["input_ids"]]
        loader = accelerator.prepare_data_loader(
            DataLoader(
                train_set,
                batch_sampler=epoch_batches(lengths, cfg.batch_size, cfg.seed, epoch),
                collate_fn=collator,
                # Its own generator: starting an iterator must not draw from the global RNG (dropout), or a
                # resumed run would diverge from an uninterrupted one.
                generator=torch.Generator().manual_seed(cfg.seed + epoch),
            )
        )
        skipped = state["step_in_epoch"]
        loader = accelerator.skip_first_batches(loader, skipped) if skipped else loader
        model.train()
        losses, started = [], time.time()
        progress = tqdm(
            loader,
            desc=f"epoch {epoch + 1}/{cfg.epochs}",
            initial=skipped,
            total=skipped + len(loader),
            disable=not accelerator.is_local_main_process,
        )
        for batch in progress:
            loss = training_loss(model, batch, cfg)
            accelerator.backward(loss)
            accelerator.clip_grad_norm_(model.parameters(), cfg.max_grad_norm)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            losses.append(loss.item())
            state["step_in_epoch"] += 1
            state["global_step"] += 1
            progress.set_postfix(
                loss=f"{sum(losses[-50:]) / len(losses[-50:]):.4f}", lr=f"{scheduler.get_last_lr()[0]:.2e}"
            )
            if cfg.save_steps and state["global_step"] % cfg.save_steps == 0:
                save_checkpoint(accelerator, output_dir, state)

        report = seqeval_report(*predict_tags(model, dev_loader, accelerator))
        mean_loss = sum(losses) / max(1, len(losses))
        say(f"epoch {epoch + 1}: train loss {mean_loss:.4f}, {time.time() - started:.0f}s\n{format_report(report)}")
        state["history"].append({"epoch": epoch + 1, "train_loss": mean_loss, "dev_f1": report["f1"]})
        if report["f1"] > state["best_f1"]:
            state["best_f1"] = report["f1"]
            save_best(accelerator, model, tokenizer, output_dir, {"epoch": epoch + 1, "dev": report}, cfg)
        state.update(epoch=epoch + 1, step_in_epoch=0)
        save_checkpoint(accelerator, output_dir, state)

    # 6. The best model on the test split, recorded beside its dev figures.
    metrics = test_best(accelerator, output_dir, raw, tokenizer, encode, cfg)
    say(
        f"best dev F1 {100 * state['best_f1']:.2f}; test F1 {100 * metrics['test']['f1']:.2f}"
        if "test" in metrics
        else ""
    )
    return {"state": state, "metrics": metrics}


def training_sets(train: Dataset, copies: list[Dataset], tokenizer, encode: dict, cfg: TrainConfig) -> list[Dataset]:
    """Each epoch's model-ready training rows: the original sentences, plus that epoch's copies if augmenting;
    with the teacher's logits of every word when distilling. With ``--join-sentences``, each epoch joins its own
    share of consecutive sentences (originals and copies alike) into run-on rows, the teacher's logits with them
    (the teacher reads, and caches, the sentences one by one)."""

    def encoded(sentences: Dataset, epoch: int | None = None, part: str = "") -> Dataset:
        logits = teacher_logits(cfg.teacher, sentences, cfg.eval_batch_size) if cfg.teacher else None
        if epoch is not None:
            sentences, groups = join_sentences(sentences, cfg.join_sentences, cfg.seed, epoch, part)
            logits = join_logits(logits, groups) if logits is not None else None
        rows = encode_split(sentences, tokenizer, label_all_tokens=cfg.label_all_tokens, **encode)
        return add_teacher_logits(rows, logits) if logits is not None else rows

    if cfg.join_sentences:
        return [
            concatenate_datasets(
                [encoded(train, epoch, "original"), *([encoded(copies[epoch], epoch, "copies")] if copies else [])]
            )
            for epoch in range(cfg.epochs)
        ]
    original = encoded(train)
    if not copies:
        return [original] * cfg.epochs
    return [concatenate_datasets([original, encoded(copy)]) for copy in copies]


def test_best(accelerator, output_dir: Path, raw, tokenizer, encode: dict, cfg: TrainConfig) -> dict:
    best_dir = output_dir / "best"
    metrics = json.loads((best_dir / "metrics.json").read_text())
    if "test" not in raw:
        return metrics
    model = load_trained_model(best_dir)
    loader = evaluation_loader(encode_split(raw["test"], tokenizer, **encode), tokenizer, cfg.eval_batch_size)
    model, loader = accelerator.prepare(model, loader)
    metrics["test"] = seqeval_report(*predict_tags(model, loader, accelerator))
    accelerator.print(f"test (best dev epoch {metrics['epoch']}):\n{format_report(metrics['test'])}")
    if accelerator.is_main_process:
        (best_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
        write_model_card(best_dir, cfg, metrics)
    return metrics


def main(argv: list[str] | None = None) -> int:
    cfg = parse_args(argv)
    try:
        train(cfg)
    except (DataError, NerError) as error:  # NerError: an encoder or adapter base that cannot be built
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0
