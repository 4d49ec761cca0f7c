"""Measuring the activation ranges of a trained model, shipped beside it so ``ner`` can quantize it to int8
without data (the file format lives in ``ner.model_inputs``).

Per-tensor dynamic int8 quantization scales each Linear input by its largest value, so a few outlier channels
(BERT has them) leave the other channels with a handful of int8 steps. ``ner`` uses these per-channel ranges
to move the outliers into the weights (SmoothQuant, Xiao et al. 2023) before quantizing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import torch


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
