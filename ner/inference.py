"""Running the model over many windows: length-sorted batches, padding, label probabilities."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import torch
from transformers import PreTrainedModel

from ner.windows import Window

Prediction = tuple[int, float]  # label id, its probability


def predict(
    model: PreTrainedModel,
    windows: list[Window],
    special: tuple[list[int], list[int]],
    pad_id: int,
    batch_size: int,
    with_types: bool,
    workers: int = 1,
) -> list[list[Prediction]]:
    """For each window, the label and probability of each of its targets (in ``window.targets`` order).

    ``special`` holds the ids placed before and after every window's sub-words ([CLS] and [SEP] for BERT).
    Sorting by length keeps padding, and so wasted compute, small. ``workers`` batches run at once.
    """
    order = sorted(range(len(windows)), key=lambda i: len(windows[i].ids))
    batches = [[windows[i] for i in order[start : start + batch_size]] for start in range(0, len(order), batch_size)]

    def run(batch: list[Window]) -> list[list[Prediction]]:
        return _predict_batch(model, batch, special, pad_id, with_types)

    if workers > 1 and len(batches) > 1:
        with ThreadPoolExecutor(min(workers, len(batches))) as pool:
            outputs = list(pool.map(run, batches))
    else:
        outputs = [run(batch) for batch in batches]
    results: list[list[Prediction]] = [[] for _ in windows]
    for i, predicted in zip(order, (p for output in outputs for p in output), strict=True):
        results[i] = predicted
    return results


@torch.inference_mode()  # per thread: each worker enters it itself
def _predict_batch(
    model: PreTrainedModel,
    batch: list[Window],
    special: tuple[list[int], list[int]],
    pad_id: int,
    with_types: bool,
) -> list[list[Prediction]]:
    inputs = _pad(batch, special, pad_id, with_types)
    logits = model(**{k: v.to(model.device) for k, v in inputs.items()}).logits
    rows = [row for row, window in enumerate(batch) for _ in window.targets]
    cols = [len(special[0]) + pos for window in batch for _, pos in window.targets]
    probs, labels = logits[rows, cols].float().softmax(-1).max(-1)
    flat = iter(zip(labels.tolist(), probs.tolist(), strict=True))
    return [[next(flat) for _ in window.targets] for window in batch]


def _pad(
    windows: list[Window], special: tuple[list[int], list[int]], pad_id: int, with_types: bool
) -> dict[str, torch.Tensor]:
    before, after = special
    width = max(len(w.ids) for w in windows) + len(before) + len(after)
    ids = torch.full((len(windows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(windows), width), dtype=torch.long)
    types = torch.zeros((len(windows), width), dtype=torch.long)
    for row, window in enumerate(windows):
        sequence = before + window.ids + after
        ids[row, : len(sequence)] = torch.tensor(sequence)
        mask[row, : len(sequence)] = 1
        types[row, len(before) : len(before) + len(window.types)] = torch.tensor(
            window.types, dtype=torch.long
        )
    inputs = {"input_ids": ids, "attention_mask": mask}
    if with_types:
        inputs["token_type_ids"] = types
    return inputs
