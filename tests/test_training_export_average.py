"""``python -m training.export RUN/best OUT --average-with OTHER --data DIR`` for two full models (the fast MiniLM is
fine-tuned in full, not through an adapter): OUT holds the mean of their weights, measured again."""

from __future__ import annotations

import json

import torch
from safetensors.torch import load_file, save_file

from training.export import main as export_main

from .conll_fixtures import write_conll_dir
from .helpers import one_thread, tiny_model_dir


def test_two_full_models_are_averaged_and_measured_again(tmp_path) -> None:
    data = write_conll_dir(tmp_path / "data")
    first = tiny_model_dir(tmp_path / "first")
    second = tiny_model_dir(tmp_path / "second")
    weights = load_file(second / "model.safetensors")
    weights = {name: t + 1.0 if t.is_floating_point() else t for name, t in weights.items()}
    save_file(weights, second / "model.safetensors", metadata={"format": "pt"})
    out = tmp_path / "mean"
    with one_thread():
        assert export_main([str(first), str(out), "--average-with", str(second), "--data", str(data)]) == 0
    mean = load_file(out / "model.safetensors")
    a, b = load_file(first / "model.safetensors"), load_file(second / "model.safetensors")
    name = "classifier.weight"
    expected = ((a[name].half().float() + b[name].float()) / 2).half()
    assert torch.allclose(mean[name].float(), expected.float(), atol=1e-3)
    metrics = json.loads((out / "metrics.json").read_text())
    assert set(metrics) == {"averaged", "dev", "test"} and 0.0 <= metrics["test"]["f1"] <= 1.0
    assert metrics["averaged"] == [str(first), str(second)]
    assert "mean of this run's model" in (out / "README.md").read_text()
    assert export_main([str(first), str(tmp_path / "bad"), "--average-with", str(data), "--data", str(data)]) == 2
    assert not (tmp_path / "bad").exists()
