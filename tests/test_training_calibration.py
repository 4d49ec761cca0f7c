"""Activation ranges for int8 inference: recorded by training over real tokens, used by ner to smooth
outliers into the weights before quantizing."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
import torch
from transformers import AutoModelForTokenClassification

import ner.precision
from ner import EntityTagger, NerConfig, NerError
from ner.model_inputs import RANGES_FILE, load_ranges
from training.calibrate import main as calibrate_main
from training.calibration import activation_ranges

from .conll_fixtures import write_conll_dir
from .helpers import one_thread, tiny_model_dir

TEXT = "Angela Merkel met Barack Obama in Berlin."


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_model_dir(tmp_path_factory.mktemp("tiny"))


def test_ranges_cover_every_linear_layer_and_ignore_padding(model_dir: Path) -> None:
    model = AutoModelForTokenClassification.from_pretrained(model_dir)
    short, long = torch.tensor([[101, 1000, 102]]), torch.tensor([[101, 2000, 3000, 4000, 102]])
    padded = {
        "input_ids": torch.tensor([[101, 1000, 102, 0, 0], [101, 2000, 3000, 4000, 102]]),
        "attention_mask": torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]]),
    }
    with one_thread():
        together = activation_ranges(model, [padded])
        alone = [{"input_ids": ids, "attention_mask": torch.ones_like(ids)} for ids in (short, long)]
        apart = activation_ranges(model, alone)
    linears = {name: m for name, m in model.named_modules() if isinstance(m, torch.nn.Linear)}
    assert together.keys() == linears.keys()
    for name, linear in linears.items():
        assert together[name].shape == (linear.in_features,)
        torch.testing.assert_close(together[name], apart[name], rtol=1e-4, atol=1e-5)


def test_calibrate_writes_ranges_that_int8_inference_uses(model_dir: Path, tmp_path: Path) -> None:
    data = write_conll_dir(tmp_path / "data")
    with one_thread():
        assert calibrate_main([str(model_dir), "--data", str(data), "--sentences", "4"]) == 0
    ranges = load_ranges(model_dir)
    assert ranges is not None and (model_dir / RANGES_FILE).is_file()
    with one_thread():
        tagger = EntityTagger.load(model_dir, NerConfig(precision="int8"))
        entities = tagger(TEXT)
    smoothed = [m for m in tagger.model.modules() if isinstance(m, ner.precision.SmoothedLinear)]
    assert len(smoothed) == len(ranges)
    assert all(TEXT[e["start"] : e["end"]] == e["word"] for e in entities)


def test_calibrate_refuses_a_directory_without_a_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert calibrate_main([str(tmp_path), "--data", str(tmp_path)]) == 2
    assert "no saved model there" in capsys.readouterr().err


def test_smoothing_keeps_the_float_function_and_cuts_int8_error_on_outlier_channels() -> None:
    torch.manual_seed(0)
    x = torch.randn(256, 64)
    x[:, :3] *= 60  # a few outlier channels, as BERT's hidden states have
    linear = torch.nn.Linear(64, 128)
    with torch.no_grad():
        exact = linear(x)
        smoothed = ner.precision.SmoothedLinear(copy.deepcopy(linear), x.abs().amax(0), alpha=0.8)
        torch.testing.assert_close(smoothed(x), exact, rtol=1e-4, atol=1e-4)
    plain_int8 = ner.precision.quantize(torch.nn.Sequential(copy.deepcopy(linear)))
    smooth_int8 = ner.precision.quantize(torch.nn.Sequential(smoothed))
    with torch.inference_mode():
        plain_error = (plain_int8(x) - exact).abs().mean()
        smooth_error = (smooth_int8(x) - exact).abs().mean()
    assert smooth_error < 0.5 * plain_error, (smooth_error, plain_error)


def test_unreadable_ranges_are_a_clear_error(model_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(model_dir, broken)
    (broken / RANGES_FILE).write_bytes(b"not safetensors")
    with pytest.raises(NerError, match=f"cannot read {RANGES_FILE} of"):
        EntityTagger.load(broken, NerConfig(precision="int8"))
    assert EntityTagger.load(broken)("Berlin") is not None  # float32 does not need them
