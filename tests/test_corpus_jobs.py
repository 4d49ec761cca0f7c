"""``python -m corpus tag|rewrite``: every input format round trips with its other columns, a killed run resumed
equals an uninterrupted one row for row, bad rows are reported and the rest done, and misuse is one line, exit 2."""

from __future__ import annotations

import json
from glob import glob
from pathlib import Path
from typing import Any

import datasets
import pytest

from corpus import shards
from ner import EntityTagger

from .helpers import TEXTS, one_thread, tiny_model_dir
from .helpers import run_corpus as run

ROWS = [{"id": f"r{i}", "text": text, "lang": "en", "n": i} for i, text in enumerate(TEXTS)]
FORMATS = ["jsonl", "csv", "parquet", "disk"]
OUTPUT_OF = {"jsonl": "parquet", "csv": "csv", "parquet": "jsonl", "disk": "parquet"}  # every output format too
BUILDER = {"parquet": "parquet", "jsonl": "json", "csv": "csv"}
SMALL = ["--batch-size", "2", "--shard-rows", "4", "--precision", "float32"]  # several batches and shards


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_model_dir(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(autouse=True)
def quick(localizer_once: Any) -> Any:
    """One thread, and the embedded vectors loaded once."""
    with one_thread():
        yield


def read_output(folder: Path) -> list[dict[str, Any]]:
    """The shards read back as the help text says, with CSV's JSON cells and numbers parsed for comparison."""
    fmt = folder.suffix[1:]
    files = sorted(glob(str(folder / f"part-*.{fmt}")))
    loaded = datasets.load_dataset(BUILDER[fmt], data_files=files, split="train")
    rows = loaded.to_list()
    if fmt == "csv":
        for row in rows:
            for key in ("entities", "replacements"):
                if isinstance(row.get(key), str):
                    row[key] = json.loads(row[key])
            if "n" in row:
                row["n"] = int(row["n"])
    return rows


def rounded(entities: list[list[dict]]) -> list[list[dict]]:
    """Scores to 4 places: batches of other sizes pad differently, which moves the last digits."""
    return [[{**e, "score": round(e["score"], 4)} for e in row] for row in entities]


def expected_entities(tiny: Path, texts: list[str]) -> list[list[dict]]:
    """Tagged in the batches of SMALL: a random tiny model's near-even labels can flip with the padding."""
    tagger = EntityTagger.load(str(tiny))
    return [entities for i in range(0, len(texts), 2) for entities in tagger(texts[i : i + 2])]


@pytest.mark.parametrize("fmt", FORMATS)
def test_tag_round_trips_every_format_with_other_columns(
    tiny: Path, tmp_path: Path, fmt: str, write_input: Any
) -> None:
    out = tmp_path / f"out.{OUTPUT_OF[fmt]}"
    assert run("tag", write_input(fmt, tmp_path, ROWS), "--output", out, "--model", tiny, *SMALL) == 0
    rows = read_output(out)
    assert [{k: row[k] for k in ("id", "text", "lang", "n")} for row in rows] == ROWS
    assert rounded([row["entities"] for row in rows]) == rounded(expected_entities(tiny, TEXTS))
    assert all(row["error"] in (None, "") for row in rows)
    assert len(json.loads((out / "manifest.json").read_text())["shards"]) == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_rewrite_round_trips_every_format(
    tiny: Path, tmp_path: Path, fmt: str, write_input: Any, localizer_once: Any
) -> None:
    out = tmp_path / f"out.{OUTPUT_OF[fmt]}"
    argv = ["rewrite", write_input(fmt, tmp_path, ROWS), "--output", out, "--model", tiny, "--target", "India"]
    assert run(*argv, *SMALL) == 0
    rows = read_output(out)
    assert [{k: row[k] for k in ("id", "text", "lang", "n")} for row in rows] == ROWS
    localizer = localizer_once()
    for row, entities in zip(rows, expected_entities(tiny, TEXTS), strict=True):
        result = localizer.rewrite(row["text"], entities, target="India", source="USA", types=("PER", "LOC", "ORG"))
        assert row["rewritten"] == result.text
        assert [r["replacement"] for r in row["replacements"]] == [r.replacement for r in result.replacements]
        json.dumps(row["replacements"])


def test_rewrite_takes_the_entities_column_without_tagging(tmp_path: Path, write_input: Any) -> None:
    rows = [
        {
            "id": 1,
            "text": "I live in Paris.",
            "entities": [{"entity_group": "LOC", "start": 10, "end": 15, "score": 0.9, "word": "Paris"}],
        },
        {"id": 2, "text": "Nobody here.", "entities": []},
    ]
    out = tmp_path / "out.jsonl"
    # A model that does not exist: loading it would fail the run, so no tagger is loaded.
    argv = ["rewrite", write_input("jsonl", tmp_path, rows), "--output", out, "--target", "India"]
    assert run(*argv, "--model", tmp_path / "no-such-model") == 0
    paris, nobody = read_output(out)
    assert paris["entities"] == rows[0]["entities"]
    assert "Paris" not in paris["rewritten"] and paris["rewritten"].startswith("I live in ")
    assert paris["replacements"][0]["original"] == "Paris" and paris["replacements"][0]["replacement"]
    assert nobody["rewritten"] == "Nobody here." and nobody["replacements"] == []


@pytest.mark.parametrize("listed", [True, False], ids=["after-manifest", "before-manifest"])
def test_a_killed_run_resumed_equals_an_uninterrupted_one(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, listed: bool, write_input
) -> None:
    """Killed once the second shard is renamed into place, with the manifest updated or not yet."""
    source = write_input("jsonl", tmp_path, ROWS * 3)  # 21 rows: 6 shards of 4 (the last of 1)
    argv = ["rewrite", source, "--model", tiny, "--target", "India", "--id-column", "id", *SMALL]
    whole, resumed = tmp_path / "whole.parquet", tmp_path / "resumed.parquet"
    assert run(*argv, "--output", whole) == 0

    real_save = shards.Manifest.save

    def save_then_die(self: shards.Manifest, folder: Path) -> None:
        if len(self.shards) == 2 and not listed:
            raise KeyboardInterrupt
        real_save(self, folder)
        if len(self.shards) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(shards.Manifest, "save", save_then_die)
    with pytest.raises(KeyboardInterrupt):
        run(*argv, "--output", resumed)
    monkeypatch.setattr(shards.Manifest, "save", real_save)
    assert (resumed / "part-00001.parquet").exists()
    assert run(*argv, "--output", resumed, "--resume") == 0
    assert read_output(resumed) == read_output(whole)
    assert not list(resumed.glob("*.tmp"))
    manifest = json.loads((resumed / "manifest.json").read_text())
    assert manifest["complete"] and [s["rows"] for s in manifest["shards"]] == [4, 4, 4, 4, 4, 1]


def test_bad_rows_are_reported_and_the_rest_done(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture, write_input: Any
) -> None:
    rows = [
        {"id": 0, "text": TEXTS[0]},
        {"id": 1, "text": None},
        {"id": 2, "text": 5},
        {"id": 3, "text": "  "},
        {"id": 4, "text": "x" * 81},
        {"id": 5, "text": TEXTS[1]},
    ]
    out = tmp_path / "out.jsonl"
    # Skipped rows are reported, not failed: a scheduler sees a job done (exit 0).
    assert run("tag", write_input("jsonl", tmp_path, rows), "--output", out, "--model", tiny, "--max-chars", 80) == 0
    errors = [row["error"] for row in read_output(out)]
    assert errors[0] is None and errors[5] is None
    assert [e.split(":")[0] for e in errors[1:5]] == ["skipped"] * 4
    assert "null" in errors[1] and "int" in errors[2] and "empty" in errors[3] and "--max-chars" in errors[4]
    assert [len(row["entities"] or []) > 0 for row in read_output(out)][1:5] == [False] * 4
    assert "2 rows done, 4 skipped, 0 failed" in capsys.readouterr().err.strip().splitlines()[-1]


def test_a_failed_row_is_reported_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture, write_input: Any) -> None:
    """A row localize cannot read fails (exit 1, a scheduler sees it); the others are done."""
    rows = [
        {"id": 0, "text": "I live in Paris.", "entities": "not json"},
        {"id": 1, "text": "Nobody here.", "entities": []},
    ]
    out = tmp_path / "out.jsonl"
    assert run("rewrite", write_input("jsonl", tmp_path, rows), "--output", out, "--target", "India") == 1
    bad, good = read_output(out)
    assert bad["error"].startswith("failed: entities: not JSON") and bad["rewritten"] is None
    assert good["error"] is None and good["rewritten"] == "Nobody here."
    assert "1 rows done, 0 skipped, 1 failed" in capsys.readouterr().err.strip().splitlines()[-1]


def test_exit_status_is_in_the_help(capsys: pytest.CaptureFixture) -> None:
    for argv in (["--help"], ["tag", "--help"], ["rewrite", "--help"]):
        with pytest.raises(SystemExit):
            run(*argv)
        assert "Exit status: 0 when every row was done or skipped" in " ".join(capsys.readouterr().out.split())


def test_every_engine_has_a_runner() -> None:
    from corpus.config import ENGINES
    from corpus.run import ENGINE_RUNNERS

    assert set(ENGINE_RUNNERS) == set(ENGINES)


def test_invalid_utf8_in_a_csv_row_is_reported(tiny: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(b'id,text\n1,Paris is big\n2,caf\xe9 au lait\n3,"two\nlines"\n')
    out = tmp_path / "out.csv"
    assert run("tag", source, "--output", out, "--model", tiny) == 0
    rows = read_output(out)
    assert [row["id"] for row in rows] == [1, 2, 3]
    assert rows[1]["error"].startswith("skipped: not UTF-8 (byte 0xe9")
    assert rows[0]["error"] is None and rows[2]["error"] is None and rows[2]["text"] == "two\nlines"


def test_invalid_utf8_in_a_jsonl_row_is_reported(tiny: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"id": 1, "text": "caf\xe9 au lait"}\n{"id": 2, "text": "Paris is big"}\n')
    out = tmp_path / "out.jsonl"
    assert run("tag", source, "--output", out, "--model", tiny) == 0  # was a UnicodeDecodeError traceback
    rows = read_output(out)
    assert rows[0]["error"].startswith("skipped: not UTF-8 (byte 0xe9") and rows[1]["error"] is None


def test_resume_with_other_settings_is_refused(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture, write_input: Any
) -> None:
    source, out = write_input("jsonl", tmp_path, ROWS), tmp_path / "out.parquet"
    assert run("tag", source, "--output", out, "--model", tiny) == 0
    capsys.readouterr()
    assert run("tag", source, "--output", out, "--model", tiny, "--max-chars", 10, "--resume") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "max_chars=100000, not 10" in err
    assert run("tag", source, "--output", out, "--model", tiny) == 2  # no --resume: an existing run is kept
    assert "--resume" in capsys.readouterr().err
    assert run("tag", source, "--output", out, "--model", tiny, "--batch-size", 3, "--resume") == 0  # memory only


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.jsonl", "no such file or folder"),
        (lambda d: (d / "in.txt").write_text("hi") and d / "in.txt", "unknown input format .txt"),
        (lambda d: (d / "folder").mkdir() or d / "folder", "not one written by datasets' save_to_disk"),
    ],
)
def test_a_bad_input_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture, make: Any, message: str) -> None:
    assert run("tag", make(tmp_path), "--output", tmp_path / "out.parquet") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_an_output_without_a_known_extension_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture, write_input: Any
) -> None:
    assert run("tag", write_input("jsonl", tmp_path, ROWS), "--output", tmp_path / "out.xlsx") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "OUT.parquet" in err


def test_resume_on_a_changed_input_is_refused(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture, write_input: Any
) -> None:
    source, out = write_input("jsonl", tmp_path, ROWS), tmp_path / "out.jsonl"
    assert run("tag", source, "--output", out, "--model", tiny, "--id-column", "id", *SMALL) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["shards"], manifest["complete"] = manifest["shards"][:1], False  # as if killed after one shard
    (out / "manifest.json").write_text(json.dumps(manifest))
    write_input("jsonl", tmp_path, [{**row, "id": row["id"] + "x"} for row in ROWS])
    capsys.readouterr()
    assert run("tag", source, "--output", out, "--model", tiny, "--id-column", "id", *SMALL, "--resume") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "has the input changed" in err


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--actors", "3"], "--actors and --address are settings of --engine ray"),
        (["--address", "auto"], "--actors and --address are settings of --engine ray"),
        (["--engine", "ray", "--actors", "0"], "--actors must be at least 1, got 0"),
        (["--engine", "spark"], "--engine must be one of default, ray, got 'spark'"),
    ],
)
def test_engine_misuse_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture, option: list[str], message: str, write_input
) -> None:
    assert run("tag", write_input("jsonl", tmp_path, ROWS), "--output", tmp_path / "out.parquet", *option) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_run_settings_keep_the_keys_of_manifests_written_before_localize_settings_were_nested() -> None:
    """A run started before CorpusConfig nested LocalizeConfig still resumes: its manifest has these keys."""
    from corpus.config import CorpusConfig
    from localize import LocalizeConfig

    common = {"id_column": None, "input": "in.jsonl", "max_chars": 100_000, "model": None, "precision": "auto",
              "shard_rows": 10_000, "split": "train", "text_column": "text"}  # fmt: skip
    tag = CorpusConfig("tag", "in.jsonl", Path("o.parquet"))
    assert tag.run_settings() == {**common, "job": "tag", "types": ["PER", "LOC", "ORG"]}
    rewrite = CorpusConfig("rewrite", "in.jsonl", Path("o.parquet"), localize=LocalizeConfig(target="Japan", seed=2))
    assert rewrite.run_settings() == {
        **common, "job": "rewrite", "target": "Japan", "source": "USA", "types": ["PER", "LOC", "ORG"], "seed": 2,
        "vectors": None,
    }  # fmt: skip
