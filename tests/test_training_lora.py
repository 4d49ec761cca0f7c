"""LoRA adapters (``--adapter lora``) on a tiny random BERT and a tiny MPNet with a case embedding."""

import json
import shutil

import pytest
import torch
from safetensors.torch import load_file, save_file

from ner.model import ADAPTER_CONFIG, ADAPTER_WEIGHTS
from ner.model_inputs import CASE_EMBEDDING_FILE, RANGES_FILE, CaseEmbeddingModel, load_ranges
from training.calibrate import main as calibrate_main
from training.evaluate import main as evaluate_main
from training.export import main as export_main
from training.modeling import load_trained_model
from training.train import main as train_main

from .conll_fixtures import write_conll_dir
from .helpers import dies_after_checkpoint, one_thread, tiny_model_dir


@pytest.fixture(autouse=True)
def _one_thread():
    with one_thread():
        yield


@pytest.fixture(scope="module")
def models(tmp_path_factory, tiny_mpnet):
    root = tmp_path_factory.mktemp("lora")
    tiny_mpnet(root / "mpnet")
    return {"bert": tiny_model_dir(root / "bert", labels=None), "mpnet": root / "mpnet", "root": root}


def trained_names(model) -> list[str]:
    return [name for name, parameter in model.named_parameters() if parameter.requires_grad]


@pytest.mark.parametrize(
    ("encoder", "case_module", "targets"),
    [
        ("bert", "token_type_embeddings", {"query", "key", "value", "dense"}),
        ("mpnet", "case_embedding", {"q", "k", "v", "o", "dense"}),
    ],
)
def test_only_the_adapters_the_head_and_the_case_embedding_train(models, encoder, case_module, targets, adapted):
    model = adapted(models[encoder])
    names = trained_names(model)
    assert names and all("lora_" in name or "modules_to_save" in name for name in names)
    whole = {name.split(".modules_to_save.")[0].rsplit(".", 1)[-1] for name in names if "modules_to_save" in name}
    assert whole == {"classifier", case_module}
    adapted_layers = {name.split(".lora_")[0].rsplit(".", 1)[-1] for name in names if "lora_" in name}
    assert adapted_layers == targets  # every Linear of the encoder, never the classifier
    per_layer = [name for name in names if ".layer.1." in name and "lora_A" in name]
    assert len(per_layer) == 6  # query, key, value, attention output, intermediate, output


def test_an_explicit_target_list_is_used_as_given(models, adapted):
    model = adapted(models["bert"], case_feature=False, lora_target_modules="query,value", lora_rank=4)
    adapted_layers = {name.split(".lora_")[0].rsplit(".", 1)[-1] for name in trained_names(model) if "lora_" in name}
    assert adapted_layers == {"query", "value"}
    assert model.peft_config["default"].r == 4


def cased_batch():
    ids = torch.tensor([[101, 2198, 4041, 102], [101, 3000, 102, 0]])
    return {
        "input_ids": ids,
        "attention_mask": (ids != 0).long(),
        "token_type_ids": torch.tensor([[0, 1, 2, 0], [0, 3, 0, 0]]),
    }


def logits(model):
    with torch.no_grad():
        return model(**cased_batch()).logits


@pytest.mark.parametrize("encoder", ["bert", "mpnet"])
def test_an_adapter_folder_loads_back_merged_with_the_same_logits(models, tmp_path, encoder, adapter_folder):
    model, folder = adapter_folder(models, encoder, tmp_path)
    assert {ADAPTER_CONFIG, ADAPTER_WEIGHTS, "config.json", "tokenizer.json"} <= {p.name for p in folder.iterdir()}
    assert not (folder / "model.safetensors").exists() and not (folder / CASE_EMBEDDING_FILE).exists()
    assert json.loads((folder / ADAPTER_CONFIG).read_text())["base_model_name_or_path"] == str(models[encoder])

    loaded = load_trained_model(folder)
    assert isinstance(loaded, CaseEmbeddingModel) == (encoder == "mpnet")
    assert not any("lora_" in name for name, _ in loaded.named_parameters())
    torch.testing.assert_close(logits(loaded), logits(model), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("encoder", ["bert", "mpnet"])
def test_export_ships_the_adapter_in_half_precision_with_its_ranges(models, tmp_path, encoder, adapter_folder):
    model, folder = adapter_folder(models, encoder, tmp_path / "best")
    data = write_conll_dir(tmp_path / "data")
    assert calibrate_main([str(folder), "--data", str(data), "--sentences", "4"]) == 0
    merged = load_trained_model(folder)
    linears = {name for name, module in merged.named_modules() if isinstance(module, torch.nn.Linear)}
    assert load_ranges(folder).keys() == linears  # measured on the merged model, as inference will run it

    assert export_main([str(folder), str(tmp_path / "shipped")]) == 0
    shipped = tmp_path / "shipped"
    names = {p.name for p in shipped.iterdir()}
    assert {ADAPTER_CONFIG, ADAPTER_WEIGHTS, "config.json", "tokenizer.json", "metrics.json", "README.md"} <= names
    assert RANGES_FILE in names and "model.safetensors" not in names
    assert all(t.dtype == torch.float16 for t in load_file(shipped / ADAPTER_WEIGHTS).values())
    assert (shipped / ADAPTER_WEIGHTS).stat().st_size < 0.6 * (folder / ADAPTER_WEIGHTS).stat().st_size
    torch.testing.assert_close(logits(load_trained_model(shipped)), logits(model), rtol=0, atol=1e-3)


def test_export_average_with_ships_the_mean_of_two_adapters_measured_again(models, tmp_path, capsys, adapter_folder):
    _, first = adapter_folder(models, "mpnet", tmp_path / "first")
    second = tmp_path / "second"
    shutil.copytree(first, second)
    weights = load_file(first / ADAPTER_WEIGHTS)
    save_file({name: t + 0.05 for name, t in weights.items()}, second / ADAPTER_WEIGHTS, metadata={"format": "pt"})
    settings = json.loads((second / ADAPTER_CONFIG).read_text())
    settings["target_modules"] = sorted(settings["target_modules"], reverse=True)  # peft keeps no fixed order
    (second / ADAPTER_CONFIG).write_text(json.dumps(settings))
    data = write_conll_dir(tmp_path / "data")
    mean = tmp_path / "mean"

    assert export_main([str(first), str(mean), "--average-with", str(second), "--data", str(data)]) == 0
    shipped = load_file(mean / ADAPTER_WEIGHTS)
    for name, tensor in weights.items():
        assert shipped[name].dtype == torch.float16
        torch.testing.assert_close(shipped[name].float(), tensor + 0.025, rtol=0, atol=2e-3)
    metrics = json.loads((mean / "metrics.json").read_text())
    assert metrics["averaged"] == [str(first), str(second)]
    assert metrics["dev"]["sentences"] > 0 and metrics["test"]["sentences"] > 0
    assert "the scores above were measured on the mean" in (mean / "README.md").read_text()

    assert export_main([str(first), str(mean), "--average-with", str(second)]) == 2
    assert "needs --data" in capsys.readouterr().err
    (second / ADAPTER_CONFIG).write_text(json.dumps({**settings, "r": 8}))
    assert export_main([str(first), str(mean), "--average-with", str(second), "--data", str(data)]) == 2
    assert "differs from" in capsys.readouterr().err
    assert json.loads((mean / "metrics.json").read_text()) == metrics  # a refused average leaves the export alone
    assert not mean.with_name("mean.tmp").exists()


def test_export_merge_writes_a_standalone_model_with_its_case_embedding(models, tmp_path, adapter_folder):
    model, folder = adapter_folder(models, "mpnet", tmp_path / "best")
    assert export_main([str(folder), str(tmp_path / "merged"), "--merge"]) == 0
    merged = tmp_path / "merged"
    names = {p.name for p in merged.iterdir()}
    assert {"model.safetensors", CASE_EMBEDDING_FILE, "config.json", "tokenizer.json", "metrics.json"} <= names
    assert ADAPTER_CONFIG not in names and ADAPTER_WEIGHTS not in names
    assert "merged into its base" in (merged / "README.md").read_text()
    config = json.loads((merged / "config.json").read_text())
    assert config["case_feature"] == "inputs_embeds_case_shape" and config["id2label"]["1"] == "B-PER"
    loaded = load_trained_model(merged)
    assert isinstance(loaded, CaseEmbeddingModel)
    torch.testing.assert_close(logits(loaded), logits(model), rtol=0, atol=1e-3)


def command(data, model, output, *extra):
    return [
        "--data", str(data), "--model", str(model), "--output-dir", str(output), "--adapter", "lora",
        "--batch-size", "8", "--learning-rate", "3e-3", "--warmup-ratio", "0", "--seed", "7", *extra,
    ]  # fmt: skip


@pytest.mark.slow
def test_a_lora_run_writes_an_adapter_folder_that_evaluates(models, tmp_path, capsys):
    data = write_conll_dir(tmp_path / "data", repeat=2)
    output = tmp_path / "run"
    assert train_main(command(data, models["mpnet"], output, "--case-feature", "--epochs", "1")) == 0
    best = output / "best"
    names = {p.name for p in best.iterdir()}
    assert {ADAPTER_CONFIG, ADAPTER_WEIGHTS, "config.json", "tokenizer.json", "metrics.json", "README.md"} <= names
    assert "model.safetensors" not in names
    config = json.loads((best / "config.json").read_text())
    assert config["case_feature"] == "inputs_embeds_case_shape" and config["id2label"]["1"] == "B-PER"
    card = (best / "README.md").read_text()
    assert "LoRA adapter" in card and "rank 16, alpha 32" in card and "--adapter lora" in card
    metrics = json.loads((best / "metrics.json").read_text())
    report = tmp_path / "report.json"
    assert evaluate_main([str(best), "--data", str(data), "--split", "test", "--output", str(report)]) == 0
    assert json.loads(report.read_text())["f1"] == pytest.approx(metrics["test"]["f1"])
    assert "training" in capsys.readouterr().out  # "lora: training N of M parameters"


@pytest.mark.slow
def test_a_resumed_lora_run_equals_an_uninterrupted_one(models, tmp_path):
    data = write_conll_dir(tmp_path / "data", repeat=4)
    straight = tmp_path / "straight"
    assert train_main(command(data, models["bert"], straight, "--case-feature", "--epochs", "2")) == 0

    killed = tmp_path / "killed"
    with dies_after_checkpoint(step=3), pytest.raises(KeyboardInterrupt):  # mid-epoch 1
        train_main(command(data, models["bert"], killed, "--case-feature", "--epochs", "2", "--save-steps", "1"))
    assert train_main(command(data, models["bert"], killed, "--case-feature", "--epochs", "2", "--resume")) == 0

    expected = load_file(straight / "best" / ADAPTER_WEIGHTS)
    resumed = load_file(killed / "best" / ADAPTER_WEIGHTS)
    assert expected.keys() == resumed.keys() and any("lora_B" in name for name in expected)
    for name, tensor in expected.items():
        torch.testing.assert_close(resumed[name], tensor, rtol=1e-4, atol=1e-5)


def test_a_run_continued_from_an_adapter_starts_from_its_weights(models, tmp_path, adapter_folder):
    model, folder = adapter_folder(models, "mpnet", tmp_path / "first")
    data = write_conll_dir(tmp_path / "data")
    output = tmp_path / "continued"
    # A learning rate of zero: the continued run must end exactly where the folder started it.
    extra = ["--case-feature", "--epochs", "1", "--learning-rate", "0", "--init-adapter", str(folder)]
    assert train_main(command(data, models["mpnet"], output, *extra)) == 0
    torch.testing.assert_close(logits(load_trained_model(output / "best")), logits(model), rtol=1e-4, atol=1e-5)
    assert f"continued from the adapter in `{folder}`." in (output / "best" / "README.md").read_text()


def test_continuing_needs_a_matching_adapter_folder(models, tmp_path, capsys, adapter_folder):
    _, folder = adapter_folder(models, "mpnet", tmp_path / "first")
    data = write_conll_dir(tmp_path / "data")
    wrong_rank = command(data, models["mpnet"], tmp_path / "a", "--case-feature", "--init-adapter", str(folder))
    assert train_main([*wrong_rank, "--lora-rank", "8"]) == 2
    assert "pass --lora-rank 16 --lora-alpha 32" in capsys.readouterr().err
    wrong_base = command(data, models["bert"], tmp_path / "b", "--case-feature", "--init-adapter", str(folder))
    assert train_main(wrong_base) == 2
    assert "was trained on" in capsys.readouterr().err
    assert train_main(command(data, models["mpnet"], tmp_path / "c", "--init-adapter", str(data))) == 2
    assert "not an adapter folder" in capsys.readouterr().err
