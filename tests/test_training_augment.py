"""``--augment``: entity-switched copies of the training documents join every epoch, from the train part of the
name pools only, made once and cached."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from seqeval.metrics.sequence_labeling import get_entities

from conll import LABELS
from training import augment
from training.augment import Augmentation, augment_countries, epoch_copies
from training.config import TrainConfig
from training.data import load_conll_dir
from training.errors import DataError
from training.train import main as train_main

from .conll_fixtures import SENTENCES, write_conll_dir
from .helpers import one_thread, tiny_model_dir


@pytest.fixture(scope="module")
def train_split(tmp_path_factory):
    return load_conll_dir(write_conll_dir(tmp_path_factory.mktemp("data"), repeat=3))["train"]


def settings(**changes) -> Augmentation:
    values = dict(countries=("India", "Vietnam"), ratio=1.0, epochs=2, seed=3, held_out_share=0.2)
    return Augmentation(**{**values, **changes})


def test_countries_are_checked_and_all_means_every_country_with_names_and_cities() -> None:
    assert augment_countries("india, Viet Nam,India") == ("India", "Vietnam")
    every = augment_countries("all")
    assert {"India", "Vietnam", "Nigeria", "China", "Egypt", "Russia", "Mexico", "Indonesia"} <= set(every)
    assert len(every) > 80
    with pytest.raises(DataError, match="--augment 'Atlantis': not a country"):
        augment_countries("India,Atlantis")
    with pytest.raises(DataError, match="--augment-ratio must be above 0"):
        Augmentation.from_config(TrainConfig(augment="India", augment_ratio=0))


def test_each_epoch_gets_its_own_copies_with_tags_that_follow_the_new_names(train_split, tmp_path, part_words) -> None:
    copies = epoch_copies(train_split, settings(), tmp_path)
    assert len(copies) == 2 and copies[0]["tokens"] != copies[1]["tokens"]
    original_words = {word for sentence in SENTENCES for word, _ in sentence}
    allowed = {w.lower() for w in part_words("India", "train") | part_words("Vietnam", "train")}
    seen_new = 0
    for copy in copies:
        assert len(copy) >= len(train_split) // 2  # ratio 1: as many documents again (those with entities)
        for tokens, tags in zip(copy["tokens"], copy["ner_tags"], strict=True):
            names = [LABELS[t] for t in tags]
            assert len(tokens) == len(names) and all(not t.startswith("I-") or i for i, t in enumerate(names))
            for group, first, last in get_entities(names):
                words = tokens[first : last + 1]
                if group == "PER":
                    assert not set(words) & original_words  # every person is replaced
                new = {w for w in words if w not in original_words}
                seen_new += len(new)
                if group in ("PER", "LOC"):
                    assert {w.lower() for w in new} <= allowed, words  # never a held-out name
    assert seen_new > 10


def test_copies_are_cached_by_their_settings_and_reproducible(train_split, tmp_path, monkeypatch) -> None:
    first = epoch_copies(train_split, settings(), tmp_path / "a")
    again = epoch_copies(train_split, settings(), tmp_path / "b")  # made afresh elsewhere: the same copies
    assert [c["tokens"] for c in first] == [c["tokens"] for c in again]
    longer = epoch_copies(train_split, settings(epochs=3), tmp_path / "a")  # the same first epochs, one more
    assert [c["tokens"] for c in longer[:2]] == [c["tokens"] for c in first] and len(longer) == 3
    other_seed = epoch_copies(train_split, settings(seed=4), tmp_path / "a")
    assert [c["tokens"] for c in other_seed] != [c["tokens"] for c in first]
    assert len(list((tmp_path / "a").iterdir())) == 2  # one folder per settings
    (folder,) = [p for p in (tmp_path / "b").iterdir()]
    assert json.loads((folder / "settings.json").read_text())["countries"] == ["India", "Vietnam"]

    def never(*args):
        raise AssertionError("the cache should have been read")

    monkeypatch.setattr(augment, "make_copies", never)
    cached = epoch_copies(train_split, settings(), tmp_path / "a")
    assert [c["tokens"] for c in cached] == [c["tokens"] for c in first]


@pytest.mark.slow
def test_an_augmented_run_trains_on_the_copies_and_records_them(tmp_path, capsys) -> None:
    data = write_conll_dir(tmp_path / "data", repeat=2)
    model = tiny_model_dir(tmp_path / "model", labels=None)
    args = ["--data", str(data), "--model", str(model), "--output-dir", str(tmp_path / "run"), "--epochs", "2"]
    args += ["--batch-size", "8", "--augment", "Nigeria,Japan", "--augment-cache", str(tmp_path / "cache")]
    with one_thread():
        assert train_main(args) == 0
    out = capsys.readouterr().out
    assert "augment:" in out and "copied sentences per epoch (Nigeria,Japan)" in out
    card = (tmp_path / "run" / "best" / "README.md").read_text()
    assert "--augment Nigeria,Japan" in card and "--augment-ratio 0.5" in card
    assert "entity-switched copies (`--augment Nigeria,Japan`, 0.5 copied documents" in card
    with one_thread():
        assert train_main([*args[:-4], "--augment", "Atlantis"]) == 2
    assert "not a country" in capsys.readouterr().err


def test_augment_switch_all_replaces_foreign_places_too_and_localize_keeps_its_cache_key(train_split, tmp_path) -> None:
    # "Amsterdam" and "Manchester United" are foreign places and a foreign club: localize keeps them at least
    # sometimes, the full switch never.
    assert settings().key(train_split) == settings(switch="localize").key(train_split)
    assert "switch" not in settings().settings(train_split)
    assert settings(switch="all").key(train_split) != settings().key(train_split)
    with pytest.raises(DataError, match="--augment-switch must be one of"):
        Augmentation.from_config(TrainConfig(augment="India", augment_switch="every"))
    kept = {"Amsterdam", "Schiphol", "Manchester", "BRUSSELS", "EU"}
    for copy in epoch_copies(train_split, settings(switch="all"), tmp_path):
        for tokens, tags in zip(copy["tokens"], copy["ner_tags"], strict=True):
            names = [LABELS[t] for t in tags]
            entity_words = {tokens[i] for i, name in enumerate(names) if name[2:] in ("PER", "LOC", "ORG")}
            assert not entity_words & kept, tokens
            assert [w for w, n in zip(tokens, names, strict=True) if n.endswith("MISC")] in ([], ["German"])
    mixed = epoch_copies(train_split, settings(switch="mixed"), tmp_path)
    assert len(mixed) == 2


def test_the_cache_key_follows_localizes_code_and_data(tmp_path, monkeypatch) -> None:
    """New pools or rules in localize make new copies: the key holds a hash of the package's files."""
    package = tmp_path / "localize"
    (package / "data").mkdir(parents=True)
    (package / "__init__.py").write_text("x = 1\n")
    (package / "data" / "names.json.gz").write_bytes(b"pools")
    monkeypatch.setattr(augment, "localize", SimpleNamespace(__file__=str(package / "__init__.py")))
    augment.localize_fingerprint.cache_clear()
    before = augment.localize_fingerprint()
    (package / "data" / "names.json.gz").write_bytes(b"other pools")
    augment.localize_fingerprint.cache_clear()
    assert augment.localize_fingerprint() != before
    augment.localize_fingerprint.cache_clear()
