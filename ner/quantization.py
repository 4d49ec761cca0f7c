"""Dynamic int8 quantization for CPU inference: per-channel weights, 8-bit activations where the CPU allows,
and SmoothQuant scaling when the model ships its activation ranges (``python -m training.calibrate``)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import torch
from torch.ao.nn.quantized.dynamic import Linear as DynamicInt8Linear
from torch.ao.quantization import default_dynamic_qconfig, per_channel_dynamic_qconfig, quantize_dynamic


class FullRangeInt8Linear(DynamicInt8Linear):
    """Dynamic int8 Linear that quantizes activations to 8 bits instead of torch's default 7 (``reduce_range``).

    The 7-bit default protects x86 CPUs without VNNI, whose int8 kernels can overflow; CPUs with VNNI have no
    such limit, and the eighth bit halves the rounding error.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        packed = self._packed_params._packed_params
        return torch.ops.quantized.linear_dynamic(x, packed, reduce_range=False).to(x.dtype)


class SmoothedLinear(torch.nn.Module):
    """``linear(x / s)`` with the linear's input columns multiplied by ``s``: the same function in float, but
    the activation outliers that one int8 scale per tensor handles badly move into the weights, which get a
    scale per output channel. ``s = range(x) ** alpha / range(w) ** (1 - alpha)`` per input channel."""

    def __init__(self, linear: torch.nn.Linear, activation_range: torch.Tensor, alpha: float):
        super().__init__()
        weight_range = linear.weight.detach().abs().amax(0).clamp_min(1e-5)
        scale = (activation_range.clamp_min(1e-5) ** alpha / weight_range ** (1 - alpha)).clamp_min(1e-5)
        with torch.no_grad():
            linear.weight.mul_(scale)
        self.linear = linear
        self.register_buffer("inverse_scale", (1 / scale).to(linear.weight.dtype))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x * self.inverse_scale)


def quantize(
    model: torch.nn.Module, ranges: Mapping[str, torch.Tensor] | None = None, alpha: float = 0.8
) -> torch.nn.Module:
    """Every Linear layer of ``model`` (modified in place) as dynamic int8; smoothed first where ``ranges``
    has that layer's input range."""
    for name, activation_range in (ranges or {}).items():
        parent, _, child = name.rpartition(".")
        owner = model.get_submodule(parent)
        linear = getattr(owner, child, None)
        if isinstance(linear, torch.nn.Linear) and activation_range.shape == (linear.in_features,):
            setattr(owner, child, SmoothedLinear(linear, activation_range, alpha))
    if torch.backends.quantized.engine not in ("x86", "fbgemm"):  # e.g. qnnpack on ARM: torch's defaults
        qconfig, mapping = default_dynamic_qconfig, None
    elif cpu_has_vnni():
        qconfig, mapping = per_channel_dynamic_qconfig, {torch.nn.Linear: FullRangeInt8Linear}
    else:
        qconfig, mapping = per_channel_dynamic_qconfig, None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization is deprecated in favour of torchao
        return quantize_dynamic(model, {torch.nn.Linear: qconfig}, mapping=mapping, inplace=True)


@cache
def cpu_has_vnni() -> bool:
    """Whether the CPU has int8 dot-product instructions (AVX512-VNNI or AVX-VNNI); Linux only, else False."""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return bool(re.search(r"\b(avx512_vnni|avx_vnni)\b", cpuinfo))
