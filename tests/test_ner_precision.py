"""Precision per CPU: what the kernels can do, the ``auto`` choice, and int8/bfloat16 on each kernel path.

Both int8 paths are tested on any x86 machine: ``FBGEMM_ENABLE_INSTRUCTIONS=AVX2`` gives fbgemm's kernels of a
CPU without VNNI. fbgemm reads it once per process, so that path runs in a subprocess.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import torch

import ner.precision
from ner import EntityTagger, NerConfig
from ner.precision import CpuInfo, FullRangeInt8Linear, cpu_info, fastest_precision

from .helpers import HAS_AVX2, WITHOUT_VNNI, X86, one_thread, run_on_other_kernels, tiny_model_dir

TEXT = "Angela Merkel met Barack Obama in Berlin."


def int8_errors() -> dict:
    """Mean absolute error against float32 of one Linear layer as torch's default int8 (7-bit activations),
    as full-range int8 (8-bit) and as ``ner`` quantizes it on this CPU."""
    torch.manual_seed(0)
    linear, x = torch.nn.Linear(384, 1536), torch.randn(64, 384)
    spec = {torch.nn.Linear: torch.ao.quantization.per_channel_dynamic_qconfig}
    variants = {
        "torch_default": torch.ao.quantization.quantize_dynamic(torch.nn.Sequential(copy.deepcopy(linear)), spec),
        "full_range": torch.ao.quantization.quantize_dynamic(
            torch.nn.Sequential(copy.deepcopy(linear)), spec, mapping={torch.nn.Linear: FullRangeInt8Linear}
        ),
        "ner": ner.precision.quantize(torch.nn.Sequential(copy.deepcopy(linear))),
    }
    with torch.inference_mode():
        exact = linear(x)
        errors = {name: float((model(x) - exact).abs().mean()) for name, model in variants.items()}
    return {**errors, "full_range_kernels": cpu_info().int8_full_range}


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_model_dir(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(autouse=True)
def _single_thread() -> Iterator[None]:
    with one_thread():
        yield


@pytest.fixture
def fresh_cpu_info() -> Iterator[None]:
    """cpu_info() re-read under a test's environment, and again afterwards."""
    ner.precision.cpu_info.cache_clear()
    yield
    ner.precision.cpu_info.cache_clear()


def pretend(monkeypatch: pytest.MonkeyPatch, **changes: object) -> None:
    fake = replace(cpu_info(), **changes)
    monkeypatch.setattr(ner.precision, "cpu_info", lambda: fake)


@pytest.mark.skipif(not X86, reason="fbgemm's int8 kernels are x86 only")
def test_int8_on_this_cpu_never_takes_the_overflowing_path() -> None:
    errors = int8_errors()
    if errors["full_range_kernels"]:  # AVX512-VNNI: the eighth bit halves the rounding step
        assert errors["full_range"] < 0.75 * errors["torch_default"]
        assert errors["ner"] == pytest.approx(errors["full_range"], rel=0.05)
    else:
        assert errors["ner"] == pytest.approx(errors["torch_default"], rel=0.05)


@pytest.mark.skipif(not HAS_AVX2, reason="needs fbgemm's AVX2 kernels (x86 with AVX2)")
def test_int8_without_vnni_keeps_torchs_seven_bits() -> None:
    """fbgemm's kernels without VNNI sum pairs of 8-bit products in 16 bits: full-range activations overflow
    (error x7 on the AVX2 EPYC of issue #14), so ner must keep torch's 7-bit default there."""
    code = "import json; from tests.test_ner_precision import int8_errors; print(json.dumps(int8_errors()))"
    errors = run_on_other_kernels(code, WITHOUT_VNNI)
    assert not errors["full_range_kernels"]
    assert errors["full_range"] > 3 * errors["torch_default"]
    assert errors["ner"] == pytest.approx(errors["torch_default"], rel=0.05)


@pytest.mark.skipif(not X86, reason="FullRangeInt8Linear is for fbgemm only; other engines keep torch's defaults")
@pytest.mark.parametrize("full_range", [True, False])
def test_int8_quantizes_every_linear_layer_with_the_cpus_activation_bits(
    model_dir: Path, full_range: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    pretend(monkeypatch, int8_full_range=full_range)
    tagger = EntityTagger.load(model_dir, NerConfig(precision="int8"))
    modules = list(tagger.model.modules())
    assert not any(type(m) is torch.nn.Linear for m in modules)
    assert any(isinstance(m, FullRangeInt8Linear) for m in modules) == full_range
    assert tagger.precision == "int8"
    assert all(TEXT[e["start"] : e["end"]] == e["word"] for e in tagger(TEXT))


def test_kernel_library_settings_cap_what_the_cpu_can_do(monkeypatch: pytest.MonkeyPatch, fresh_cpu_info: None) -> None:
    monkeypatch.setenv("FBGEMM_ENABLE_INSTRUCTIONS", "AVX2")
    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "avx512_core")
    capped = cpu_info()
    assert not capped.int8_full_range and not capped.native_bf16 and not capped.amx
    assert capped.caps == ("FBGEMM_ENABLE_INSTRUCTIONS=AVX2", "ONEDNN_MAX_CPU_ISA=AVX512_CORE")
    assert "caps FBGEMM_ENABLE_INSTRUCTIONS=AVX2" in capped.describe()
    assert "\n" not in capped.describe()


X86_CPU = CpuInfo("test CPU", "x86_64", ("avx2",), "x86", False, False, False, ())


@pytest.mark.parametrize(
    ("cpu", "expected"),
    [
        (replace(X86_CPU, flags=("avx2", "avx512f", "amx_bf16"), native_bf16=True, amx=True), "bfloat16"),
        (
            replace(X86_CPU, flags=("avx2", "avx512_vnni", "avx512_bf16"), int8_full_range=True, native_bf16=True),
            "int8",
        ),
        (X86_CPU, "float32"),  # AVX2 only: 7-bit int8 costs 0.8-1.3 F1, bfloat16 is emulated
        (replace(X86_CPU, flags=()), "float32"),  # fbgemm needs AVX2
        (CpuInfo("Neoverse", "aarch64", (), "qnnpack", False, False, False, ()), "float32"),  # never measured
    ],
    ids=["amx", "avx512-vnni-bf16", "avx2", "no-avx2", "arm"],
)
def test_auto_is_the_fastest_measured_precision_of_the_cpu(cpu: CpuInfo, expected: str) -> None:
    assert fastest_precision(cpu) == expected


def test_auto_resolves_when_loading(model_dir: Path) -> None:
    assert EntityTagger.load(model_dir, NerConfig(precision="auto")).precision == fastest_precision()
    assert EntityTagger.load(model_dir).precision == "float32"


def test_bfloat16_runs_in_bfloat16(model_dir: Path) -> None:
    tagger = EntityTagger.load(model_dir, NerConfig(precision="bfloat16"))
    assert {p.dtype for p in tagger.model.parameters()} == {torch.bfloat16}
    assert tagger.precision == "bfloat16"
    assert all(TEXT[e["start"] : e["end"]] == e["word"] for e in tagger(TEXT))


@pytest.mark.parametrize("native", [True, False])
def test_bfloat16_warns_in_one_line_where_it_is_emulated(
    model_dir: Path, native: bool, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    pretend(monkeypatch, native_bf16=native)
    with caplog.at_level(logging.WARNING, logger="ner"):
        EntityTagger.load(model_dir, NerConfig(precision="bfloat16"))
    warnings = [record.getMessage() for record in caplog.records if record.name == "ner"]
    if native:
        assert warnings == []
    else:
        assert len(warnings) == 1 and "bfloat16 is slow on this CPU" in warnings[0] and "\n" not in warnings[0]


@pytest.mark.parametrize(
    ("flags", "full_range"),
    [("avx2 avx512f avx512_vnni", True), ("avx2 avx_vnni", False), ("avx2 avx512f", False)],
    ids=["avx512-vnni", "avx-vnni-only", "avx512-without-vnni"],
)
def test_only_avx512_vnni_gets_full_range_int8(
    flags: str, full_range: bool, monkeypatch: pytest.MonkeyPatch, fresh_cpu_info: None
) -> None:
    """fbgemm has VNNI kernels for AVX-512 only: an AVX-VNNI CPU (Alder Lake) runs its AVX2 kernels."""
    monkeypatch.setattr(ner.precision, "_read_cpuinfo", lambda: f"model name\t: Test CPU\nflags\t\t: {flags}\n")
    monkeypatch.delenv("FBGEMM_ENABLE_INSTRUCTIONS", raising=False)
    cpu = cpu_info()
    assert cpu.model == "Test CPU"
    assert cpu.int8_full_range == (full_range and X86)
    assert fastest_precision(cpu) == ("int8" if full_range and X86 else "float32")
