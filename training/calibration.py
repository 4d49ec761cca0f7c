"""Activation ranges of a trained model, shipped beside it so ``ner`` can quantize it to int8 without data.

Per-tensor dynamic int8 quantization scales each Linear input by its largest value, so a few outlier channels
(BERT has them) leave the other channels with a handful of int8 steps. ``ner`` uses these per-channel ranges
to move the outliers into the weights (SmoothQuant, Xiao et al. 2023) before quantizing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

RANGES_FILE = "activation_ranges.safetensors"


@torch.no_grad()
def activation_ranges(model: torch.nn.Module, batches: Iterable[Mapping[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """Largest absolute input of every ``nn.Linear`` of ``model``, per input channel, over real tokens."""
    ranges: dict[str, torch.Tensor] = {}
    mask: list[torch.Tensor] = []

    def record(name: str):
        def hook(_module: torch.nn.Module, inputs: tuple[torch.Tensor, ...], _output: torch.Tensor) -> None:
            values = inputs[0].abs()
            if values.dim() == 3:  # (batch, tokens, channels): padding positions carry no real activations
                values = values[mask[0].bool()]
            peak = values.reshape(-1, values.shape[-1]).amax(0).float()
            ranges[name] = torch.maximum(ranges[name], peak) if name in ranges else peak

        return hook

    handles = [
        module.register_forward_hook(record(name))
        for name, module in model.named_modules()
        if isinstance(module, torch.nn.Linear)
    ]
    try:
        model.eval()
        for batch in batches:
            mask[:] = [batch["attention_mask"]]
            model(**batch)
    finally:
        for handle in handles:
            handle.remove()
    return ranges


def save_ranges(ranges: Mapping[str, torch.Tensor], model_dir: str | Path) -> Path:
    path = Path(model_dir) / RANGES_FILE
    save_file({name: value.contiguous() for name, value in ranges.items()}, str(path))
    return path


def load_ranges(model_dir: str | Path) -> dict[str, torch.Tensor] | None:
    """The ranges saved beside a local model, or None when it has none."""
    path = Path(model_dir) / RANGES_FILE
    return load_file(str(path)) if path.is_file() else None
