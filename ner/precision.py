"""The number format a model runs in on this CPU: what the CPU's kernels can do, the ``auto`` choice, and the
conversions (dynamic int8 with per-channel weights and SmoothQuant, bfloat16).

Which precision is fastest is a property of the CPU, not of the model (``benchmarks/ner_speed.py``):
- int8 goes through fbgemm. With AVX512-VNNI its kernels take 8-bit activations; without it (AVX2, AVX-512
  without VNNI, AVX-VNNI only: fbgemm has no kernel for the latter) they can overflow, and torch keeps 7 bits.
- bfloat16 goes through oneDNN. It is fast only with native bf16 (AVX512-BF16, AMX); elsewhere it is emulated
  and slower than float32 (x0.19 of the pipeline's speed on an AVX2-only EPYC).

The kernel libraries' own settings are honoured, so one machine can run the other paths:
``FBGEMM_ENABLE_INSTRUCTIONS=AVX2`` gives the int8 kernels of a CPU without VNNI, ``ONEDNN_MAX_CPU_ISA=AVX2``
(or ``AVX512_CORE``) the bfloat16 of a CPU without native bf16. Set them before the first tagging call.
"""

from __future__ import annotations

import logging
import os
import platform
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import torch
from torch.ao.nn.quantized.dynamic import Linear as DynamicInt8Linear
from torch.ao.quantization import default_dynamic_qconfig, per_channel_dynamic_qconfig, quantize_dynamic

logger = logging.getLogger("ner")

# CPU flags (as /proc/cpuinfo names them) that decide the kernel paths.
RELEVANT_FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_bf16", "amx_int8")
# oneDNN ISA caps (ONEDNN_MAX_CPU_ISA) under which bf16 still has native instructions.
_ONEDNN_NATIVE_BF16 = re.compile(r"ALL|DEFAULT|AVX512_CORE_(BF16|FP16|AMX.*)|AVX10_.*")


@dataclass(frozen=True)
class CpuInfo:
    """What the kernels will do on this CPU, after the kernel libraries' own caps."""

    model: str
    machine: str  # platform.machine(): x86_64, aarch64, ...
    flags: tuple[str, ...]  # the RELEVANT_FLAGS this CPU has
    int8_engine: str  # torch.backends.quantized.engine: x86/fbgemm on x86, qnnpack on ARM
    int8_full_range: bool  # fbgemm runs AVX512-VNNI kernels: 8-bit activations are safe
    native_bf16: bool  # oneDNN has AVX512-BF16 or AMX instructions for bfloat16
    amx: bool  # AMX tiles for bfloat16 (the fastest precision there)
    caps: tuple[str, ...]  # kernel-library settings in force, e.g. FBGEMM_ENABLE_INSTRUCTIONS=AVX2

    def describe(self) -> str:
        """One line for benchmark headers and logs."""
        int8 = "8-bit activations (AVX512-VNNI)" if self.int8_full_range else "7-bit activations (no VNNI kernels)"
        if self.int8_engine not in ("x86", "fbgemm"):
            int8 = f"{self.int8_engine} kernels"
        bf16 = ("native, AMX" if self.amx else "native, AVX512-BF16") if self.native_bf16 else "emulated (slow)"
        caps = f"; caps {' '.join(self.caps)}" if self.caps else ""
        return (
            f"CPU {self.model} ({self.machine}, {os.cpu_count()} cores): {' '.join(self.flags) or 'no AVX2'}; "
            f"int8 {int8}; bfloat16 {bf16}{caps}; auto = {fastest_precision(self)}"
        )


@cache
def cpu_info() -> CpuInfo:
    """This machine's CPU as the kernels see it (read once; Linux reads /proc/cpuinfo, elsewhere torch)."""
    cpuinfo = _read_cpuinfo()
    flags = set(re.findall(r"\b[a-z0-9_]+\b", _first_match(r"^(?:flags|Features)\s*:(.*)$", cpuinfo)))
    model = _first_match(r"^model name\s*:\s*(.*)$", cpuinfo) or platform.processor() or "unknown CPU"
    if not cpuinfo and torch.backends.cpu.get_cpu_capability().startswith("AVX512"):
        flags |= {"avx2", "avx512f"}  # no /proc/cpuinfo: torch's own detection, without VNNI/BF16 detail
    fbgemm_cap = os.environ.get("FBGEMM_ENABLE_INSTRUCTIONS", "").strip().upper()
    onednn_cap = os.environ.get("ONEDNN_MAX_CPU_ISA", "").strip().upper()
    engine = torch.backends.quantized.engine
    native_bf16 = bool(flags & {"avx512_bf16", "amx_bf16"}) and (
        not onednn_cap or bool(_ONEDNN_NATIVE_BF16.fullmatch(onednn_cap))
    )
    amx = native_bf16 and "amx_bf16" in flags and (not onednn_cap or "AMX" in onednn_cap or onednn_cap == "ALL")
    return CpuInfo(
        model=model.strip(),
        machine=platform.machine(),
        flags=tuple(flag for flag in RELEVANT_FLAGS if flag in flags),
        int8_engine=engine,
        # fbgemm has AVX512-VNNI kernels only (none for AVX-VNNI); "AVX512_E1" is its name for that level.
        int8_full_range=engine in ("x86", "fbgemm")
        and "avx512_vnni" in flags
        and fbgemm_cap in ("", "AVX512_E1"),
        native_bf16=native_bf16,
        amx=amx,
        caps=tuple(
            f"{name}={value}"
            for name, value in (("FBGEMM_ENABLE_INSTRUCTIONS", fbgemm_cap), ("ONEDNN_MAX_CPU_ISA", onednn_cap))
            if value
        ),
    )


def fastest_precision(cpu: CpuInfo | None = None) -> str:
    """The fastest precision whose F1 on CoNLL++ stays within 0.3 of float32 on this CPU.

    Measured (docs/benchmarks.md: benchmarks/ner_speed.py and ner_rawtext.py): with AMX, bfloat16 x3.50 vs int8 x2.29;
    with AVX512-VNNI/BF16 but no AMX, int8 x3.15 vs bfloat16 x2.36; both within 0.3 F1 of float32 there.
    Without VNNI kernels int8 keeps 7-bit activations, which cost 0.8-1.3 F1 on raw text, and bfloat16 without
    native support is slower than float32: float32 it is. ARM (qnnpack) was never measured: float32.
    """
    cpu = cpu or cpu_info()
    if cpu.amx:
        return "bfloat16"
    if cpu.int8_full_range:
        return "int8"
    return "float32"


def resolve_precision(precision: str) -> str:
    """``auto`` as the fastest precision here; a one-line warning for bfloat16 where it is emulated."""
    if precision == "auto":
        return fastest_precision()
    if precision == "bfloat16" and not cpu_info().native_bf16:
        logger.warning(
            "ner: bfloat16 is slow on this CPU (no AVX512-BF16 or AMX): float32 or int8 are faster here; "
            "precision='auto' picks the fastest"
        )
    return precision


def convert(
    model: torch.nn.Module, precision: str, ranges: Mapping[str, torch.Tensor] | None, alpha: float
) -> torch.nn.Module:
    """``model`` (float32) in a concrete precision: float32, bfloat16 or int8."""
    if precision == "int8":
        return quantize(model, ranges, alpha)
    if precision == "bfloat16":
        return model.to(torch.bfloat16)
    return model


def precision_of(model: torch.nn.Module) -> str:
    """The precision a converted model runs in: int8, bfloat16 or float32."""
    if any(isinstance(module, DynamicInt8Linear) for module in model.modules()):
        return "int8"
    return "bfloat16" if next(model.parameters()).dtype == torch.bfloat16 else "float32"


class FullRangeInt8Linear(DynamicInt8Linear):
    """Dynamic int8 Linear that quantizes activations to 8 bits instead of torch's default 7 (``reduce_range``).

    The 7-bit default protects fbgemm's kernels without VNNI, whose 16-bit intermediate sums overflow with
    8-bit inputs; the AVX512-VNNI kernels have no such limit, and the eighth bit halves the rounding error.
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
    cpu = cpu_info()
    if cpu.int8_engine not in ("x86", "fbgemm"):  # e.g. qnnpack on ARM: torch's defaults
        qconfig, mapping = default_dynamic_qconfig, None
    elif cpu.int8_full_range:
        qconfig, mapping = per_channel_dynamic_qconfig, {torch.nn.Linear: FullRangeInt8Linear}
    else:
        qconfig, mapping = per_channel_dynamic_qconfig, None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization is deprecated in favour of torchao
        return quantize_dynamic(model, {torch.nn.Linear: qconfig}, mapping=mapping, inplace=True)


def _read_cpuinfo() -> str:
    try:
        return Path("/proc/cpuinfo").read_text()
    except OSError:
        return ""


def _first_match(pattern: str, text: str) -> str:
    found = re.search(pattern, text, re.MULTILINE)
    return found.group(1) if found else ""
