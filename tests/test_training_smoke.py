"""The full training command on a tiny random BERT (real bert-base-cased tokenizer) and a few dozen sentences."""

import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
import torch
from safetensors.torch import load_file

from training import train
from training.evaluate import main as evaluate_main
from training.train import main as train_main

from .conll_fixtures import write_conll_dir
from .helpers import REPO, dies_after_checkpoint, tiny_model_dir

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("smoke")
    return {
        "data": write_conll_dir(root / "data", repeat=8),
        "model": tiny_model_dir(root / "tiny-bert", labels=None),
        "root": root,
    }


def command(workspace, output, *extra):
    return [
        "--data", str(workspace["data"]), "--model", str(workspace["model"]), "--output-dir", str(output),
        "--batch-size", "8", "--learning-rate", "3e-3", "--warmup-ratio", "0", "--seed", "7", *extra,
    ]  # fmt: skip


def weights(directory):
    return load_file(directory / "model.safetensors")


def test_train_checkpoint_and_evaluate(workspace, capsys):
    output = workspace["root"] / "run"
    assert train_main(command(workspace, output, "--epochs", "4", "--context-tokens", "8")) == 0
    state = json.loads((output / "checkpoint" / "trainer_state.json").read_text())
    losses = [epoch["train_loss"] for epoch in state["history"]]
    assert len(losses) == 4 and losses[-1] < 0.7 * losses[0]
    best = output / "best"
    config = json.loads((best / "config.json").read_text())
    assert config["id2label"]["1"] == "B-PER" and config["context_tokens"] == 8
    metrics = json.loads((best / "metrics.json").read_text())
    assert {"dev", "test", "epoch"} <= set(metrics) and 0 <= metrics["test"]["f1"] <= 1
    assert "PER" in metrics["dev"]["per_type"] and "f1_default_mode" in metrics["dev"]
    assert "python -m training" in (best / "README.md").read_text()
    assert not list(output.glob("*.tmp"))

    report = workspace["root"] / "report.json"
    assert evaluate_main([str(best), "--data", str(workspace["data"]), "--split", "test", "--output", str(report)]) == 0
    assert json.loads(report.read_text())["f1"] == pytest.approx(metrics["test"]["f1"])
    assert "strict IOB2" in capsys.readouterr().out


def test_resume_after_a_kill_loses_nothing(workspace):
    straight = workspace["root"] / "straight"
    assert train_main(command(workspace, straight, "--epochs", "2")) == 0

    killed = workspace["root"] / "killed"
    with dies_after_checkpoint(step=3), pytest.raises(KeyboardInterrupt):  # mid-epoch 1
        train_main(command(workspace, killed, "--epochs", "2", "--save-steps", "1"))
    assert not (killed / "best").exists()

    assert train_main(command(workspace, killed, "--epochs", "2", "--resume")) == 0
    resumed = json.loads((killed / "checkpoint" / "trainer_state.json").read_text())
    expected = json.loads((straight / "checkpoint" / "trainer_state.json").read_text())
    assert resumed["global_step"] == expected["global_step"]
    for name, tensor in weights(straight / "best").items():
        torch.testing.assert_close(weights(killed / "best")[name], tensor, rtol=1e-4, atol=1e-5)


def test_case_feature_resizes_token_types(workspace):
    output = workspace["root"] / "cased"
    assert train_main(command(workspace, output, "--epochs", "1", "--case-feature")) == 0
    config = json.loads((output / "best" / "config.json").read_text())
    assert config["type_vocab_size"] == 4 and config["case_feature"] == "token_type_case_shape"
    assert weights(output / "best")["bert.embeddings.token_type_embeddings.weight"].shape[0] == 4


def test_label_set_that_differs_from_the_model_is_a_clear_error(workspace, tmp_path, capsys):
    other = tiny_model_dir(tmp_path / "other", labels=["O", "B-DRUG", "I-DRUG"])
    args = command(workspace, tmp_path / "out", "--epochs", "1")
    args[args.index("--model") + 1] = str(other)
    assert train_main(args) == 2
    assert "differ from the data's" in capsys.readouterr().err


def test_missing_data_is_a_clear_error(workspace, tmp_path, capsys):
    args = command(workspace, tmp_path / "out", "--epochs", "1")
    args[args.index("--data") + 1] = str(tmp_path / "missing")
    assert train_main(args) == 2
    assert "data directory not found" in capsys.readouterr().err


def test_distributed_run_under_accelerate_launch(workspace):
    output = workspace["root"] / "ddp"
    launch = [sys.executable, "-m", "accelerate.commands.launch", "--cpu", "--num_processes", "2",
              "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no", "-m", "training"]  # fmt: skip
    env = {**os.environ, "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}
    done = subprocess.run(
        [*launch, *command(workspace, output, "--epochs", "2", "--save-steps", "2")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    state = json.loads((output / "checkpoint" / "trainer_state.json").read_text())
    assert state["epoch"] == 2
    assert json.loads((output / "best" / "metrics.json").read_text())["test"]["sentences"] == 5


def test_bf16_training_on_a_cpu_that_emulates_it_says_so(monkeypatch, capsys):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(train, "cpu_info", lambda: SimpleNamespace(native_bf16=False))
    assert train.pick_precision("bf16") == "bf16"
    assert "emulated on this CPU" in capsys.readouterr().err
    assert train.pick_precision("auto") == "no"
    monkeypatch.setattr(train, "cpu_info", lambda: SimpleNamespace(native_bf16=True))
    assert train.pick_precision("bf16") == "bf16"
    assert capsys.readouterr().err == ""
