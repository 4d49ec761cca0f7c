"""Builders that several test modules share, as fixtures: tiny random models and adapter folders, the tiny app's
tagger and localizer, the words of a part of localize's pools, corpus inputs and a localizer loaded once.

Each fixture hands out its builder (session scope, so module-scoped fixtures may use it); paths, tiny BERTs and
other import-time helpers stay in ``tests/helpers.py``, small CoNLL files in ``tests/conll_fixtures.py``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import torch
from transformers import AutoTokenizer, MPNetConfig, MPNetForTokenClassification

from conll import LABELS
from localize import LocalizeConfig, Localizer
from ner import EntityTagger

from .helpers import TINY, tiny_model_dir, uncased_tokenizer_dir

# The tiny app's vectors: usa-ness, india-ness, city, surname.
TINY_VECTORS = {
    "usa": [1.0, 0.0, 0.0, 0.0],
    "india": [0.0, 1.0, 0.0, 0.0],
    "paris": [1.0, 0.0, 1.0, 0.0],
    "delhi": [0.0, 1.0, 1.0, 0.0],
    "mitchell": [1.0, 0.0, 0.0, 1.0],
    "sharma": [0.0, 1.0, 0.0, 1.0],
}


@pytest.fixture(scope="session")
def tiny_mpnet() -> Callable[..., MPNetForTokenClassification]:
    """``tiny_mpnet(directory=None)``: a random tiny MPNet tagger (eval mode), saved with the uncased MiniLM
    tokenizer into ``directory`` if given."""

    def build(directory: Path | None = None) -> MPNetForTokenClassification:
        torch.manual_seed(0)
        config = MPNetConfig(vocab_size=30522, pad_token_id=0, **TINY, num_labels=len(LABELS))
        config.id2label = dict(enumerate(LABELS))
        config.label2id = {label: i for i, label in enumerate(LABELS)}
        model = MPNetForTokenClassification(config).eval()
        if directory:
            model.save_pretrained(directory)
            AutoTokenizer.from_pretrained(uncased_tokenizer_dir()).save_pretrained(directory)
        return model

    return build


@pytest.fixture(scope="session")
def adapted() -> Callable[..., torch.nn.Module]:
    """``adapted(path, case_feature=True, **settings)``: the model at ``path`` with LoRA adapters added as
    ``--adapter lora`` adds them (``settings``: more ``TrainConfig`` fields)."""
    from training.config import TrainConfig
    from training.modeling import add_adapter, load_model

    def build(path: Path, case_feature: bool = True, **settings: Any) -> torch.nn.Module:
        model = load_model(str(path), LABELS, case_feature, 0)
        return add_adapter(model, TrainConfig(model=str(path), adapter="lora", **settings))

    return build


@pytest.fixture(scope="session")
def adapter_folder(adapted: Callable[..., torch.nn.Module]) -> Callable[..., tuple[torch.nn.Module, Path]]:
    """``adapter_folder(models, encoder, directory)``: an adapter folder as training leaves it, and the model in
    memory (eval mode) that wrote it; ``models[encoder]`` is the base model's folder."""
    from training.modeling import load_tokenizer, save_model

    def build(models: dict[str, Path], encoder: str, directory: Path) -> tuple[torch.nn.Module, Path]:
        model = adapted(models[encoder])
        torch.manual_seed(1)
        with torch.no_grad():  # as if trained: LoRA B starts at zero, which would hide a lost adapter
            for parameter in model.parameters():
                if parameter.requires_grad:
                    parameter.add_(0.1 * torch.randn_like(parameter))
        model.eval()
        save_model(model, load_tokenizer(str(models[encoder])), directory)
        (directory / "metrics.json").write_text('{"epoch": 1}\n')
        (directory / "README.md").write_text("This folder is a LoRA adapter.\n")
        return model, directory

    return build


@pytest.fixture(scope="session")
def tiny_parts() -> Callable[[Path], tuple[EntityTagger, Localizer]]:
    """``tiny_parts(directory)``: a random tiny tagger and a six-word localizer, the app's parts in the demo
    tests."""

    def build(directory: Path) -> tuple[EntityTagger, Localizer]:
        vectors = directory / "tiny.txt"
        rows = [f"{word} {' '.join(map(str, v))}" for word, v in TINY_VECTORS.items()]
        vectors.write_text(f"{len(rows)} 4\n" + "\n".join(rows) + "\n")
        model = tiny_model_dir(directory / "model", labels=LABELS)
        config = LocalizeConfig(vector_type_filter=False, require_closer_to_target=False)
        return EntityTagger.load(model), Localizer.load(vectors, config)

    return build


@pytest.fixture(scope="session")
def loc() -> Localizer:
    """The embedded vectors' localizer with its default settings, loaded once."""
    return Localizer.load()


@pytest.fixture(scope="session")
def part_words() -> Callable[[str, str], set[str]]:
    """``part_words(target, part)``: every word of the people and places in ``part`` ("train", "held-out") of the
    target's pools."""
    from localize import places
    from localize.countries import find_country
    from localize.names import load_pools
    from localize.pools import pool_part, surnames_that_name_no_place

    def words(target: str, part: str) -> set[str]:
        code = find_country(target).code
        each = [tuple(p.name for p in kind) for kind in (places.cities_of(code), places.regions_of(code))]
        each += [surnames_that_name_no_place(code)]
        each += [load_pools()[code].first(gender) for gender in ("male", "female", None)]
        return {word for pool in each for name in pool_part(pool, part, 0.2) for word in name.split()}

    return words


@pytest.fixture(scope="session")
def write_input() -> Callable[[str, Path, list[dict[str, Any]]], Path]:
    """``write_input(fmt, folder, rows)``: the rows as a corpus input: jsonl, csv, parquet or a save_to_disk
    folder ("disk")."""
    return _write_input


def _write_input(fmt: str, folder: Path, rows: list[dict[str, Any]]) -> Path:
    if fmt == "jsonl":
        path = folder / "in.jsonl"
        path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    elif fmt == "csv":
        path = folder / "in.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    elif fmt == "parquet":
        path = folder / "in.parquet"
        pq.write_table(pa.Table.from_pylist(rows), path)
    else:
        import datasets

        path = folder / "in_disk"
        datasets.Dataset.from_list(rows).save_to_disk(str(path))
    return path


_load_localizer = Localizer.load


@cache
def _localizer_once(vectors: Any = None, config: Any = None) -> Localizer:
    return _load_localizer(vectors, config)


@pytest.fixture
def localizer_once(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Localizer]]:
    """``Localizer.load`` patched to load each (vectors, config) once for the whole session; yields the loader."""
    monkeypatch.setattr(Localizer, "load", _localizer_once)
    yield _localizer_once
