"""``python -m corpus rewrite`` with issue #26's controls: --mode, --keep, --force, a mapping column per row that
restores it, one map for the whole run (--mapping-scope run) that a resumed run goes on with, and misuse as one
line, exit 2. Rows carry their own entities, so no tagger is loaded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from conll import read_documents
from corpus import shards
from localize import restore

from .conll_fixtures import write_conll_dir
from .helpers import ents
from .helpers import run_corpus as run

STORY = [
    ("Barack Obama flew to Chicago.", [("PER", "Barack Obama"), ("LOC", "Chicago")]),
    ("In Chicago, Obama met Priya.", [("LOC", "Chicago"), ("PER", "Obama")]),
    ("Priya and Michelle Obama left Seattle for Boston.", [("PER", "Michelle Obama"), ("LOC", "Seattle"),
                                                           ("LOC", "Boston")]),
]  # fmt: skip
SMALL = ["--batch-size", "1", "--shard-rows", "2"]


@pytest.fixture(autouse=True)
def quick(localizer_once: Any) -> None:
    """The embedded vectors loaded once."""


def read_output(folder: Path) -> list[dict[str, Any]]:
    """The rows of a Parquet output's shards, in order."""
    return [row for shard in sorted(folder.glob("part-*.parquet")) for row in pq.read_table(shard).to_pylist()]


def rows(repeat: int = 1) -> list[dict[str, Any]]:
    story = enumerate(STORY * repeat)
    return [{"id": f"r{n}", "text": text, "entities": ents(text, *items)} for n, (text, items) in story]


def test_run_scope_keeps_one_map_over_rows_and_every_row_restores(tmp_path: Path, write_input: Any) -> None:
    out, copy = tmp_path / "out.parquet", tmp_path / "run-map.json"
    (tmp_path / "force.txt").write_text("Priya PER\n", encoding="utf-8")
    (tmp_path / "keep.txt").write_text("seattle\n", encoding="utf-8")
    argv = ["rewrite", write_input("jsonl", tmp_path, rows()), "--output", out, "--mode", "pseudonymize",
            "--force", tmp_path / "force.txt", "--keep", tmp_path / "keep.txt", "--mapping-scope", "run",
            "--mapping-out", copy, *SMALL]  # fmt: skip
    assert run(*argv) == 0
    done = read_output(out)
    first, second, third = ({r["original"]: r["replacement"] for r in row["replacements"]} for row in done)
    assert first["Chicago"] == second["Chicago"] and second["Obama"] == first["Barack Obama"].split()[-1]
    assert second["Priya"] == third["Priya"] and second["Priya"]  # forced in every row, the same name
    assert third["Seattle"] is None and "Seattle" in done[2]["rewritten"]  # kept
    for row in done:
        assert restore(row["rewritten"], json.loads(row["mapping"])) == row["text"]
    saved = json.loads(copy.read_text(encoding="utf-8"))
    assert saved == json.loads((out / shards.RUN_MAPPING).read_text(encoding="utf-8"))
    assert saved["mode"] == "pseudonymize" and "Priya" in saved["entries"]["PER"]


def test_row_scope_is_the_default_of_redact_and_each_row_numbers_anew(tmp_path: Path, write_input: Any) -> None:
    out = tmp_path / "out.parquet"
    assert run("rewrite", write_input("jsonl", tmp_path, rows()), "--output", out, "--mode", "redact") == 0
    done = read_output(out)
    assert [row["rewritten"] for row in done] == [
        "[PERSON 1] flew to [CITY 1].",
        "In [CITY 1], [PERSON 1] met Priya.",
        "Priya and [PERSON 1] left [CITY 1] for [CITY 2].",
    ]
    assert not (out / shards.RUN_MAPPING).exists()
    for row in done:
        assert restore(row["rewritten"], json.loads(row["mapping"])) == row["text"]


def test_a_killed_run_scope_run_resumed_equals_an_uninterrupted_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_input: Any
) -> None:
    source = write_input("jsonl", tmp_path, rows(repeat=3))  # 9 rows: shards of 2
    argv = ["rewrite", source, "--mode", "pseudonymize", "--mapping-scope", "run", "--id-column", "id", *SMALL]
    whole, resumed = tmp_path / "whole.parquet", tmp_path / "resumed.parquet"
    assert run(*argv, "--output", whole) == 0
    real_save = shards.Manifest.save

    def save_then_die(self: shards.Manifest, folder: Path) -> None:
        real_save(self, folder)
        if len(self.shards) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(shards.Manifest, "save", save_then_die)
    with pytest.raises(KeyboardInterrupt):
        run(*argv, "--output", resumed)
    monkeypatch.setattr(shards.Manifest, "save", real_save)
    assert (resumed / shards.RUN_MAPPING).is_file()
    assert run(*argv, "--output", resumed, "--resume") == 0
    assert read_output(resumed) == read_output(whole)
    assert (resumed / shards.RUN_MAPPING).read_text() == (whole / shards.RUN_MAPPING).read_text()


def test_a_saved_mapping_carries_its_names_mode_and_countries_to_a_new_corpus(
    tmp_path: Path, write_input: Any
) -> None:
    saved = tmp_path / "series.json"
    first = ["rewrite", write_input("jsonl", tmp_path, rows()), "--mode", "pseudonymize", "--mapping-scope", "run",
             "--mapping-out", saved, "--output", tmp_path / "one.parquet"]  # fmt: skip
    assert run(*first) == 0
    entries = json.loads(saved.read_text(encoding="utf-8"))["entries"]
    names = {o: e["replacement"] for group in ("PER", "LOC") for o, e in entries[group].items()}
    later = tmp_path / "later"
    later.mkdir()
    text = "Michelle Obama wrote to Barack Obama from Seattle."
    entities = ents(text, ("PER", "Michelle Obama"), ("PER", "Barack Obama"), ("LOC", "Seattle"))
    source = write_input("jsonl", later, [{"id": "x", "text": text, "entities": entities}])
    assert run("rewrite", source, "--mapping", saved, "--output", tmp_path / "two.parquet") == 0  # no --mode
    (row,) = read_output(tmp_path / "two.parquet")
    replaced = {r["original"]: r["replacement"] for r in row["replacements"]}
    assert replaced == {name: names[name] for name in ("Michelle Obama", "Barack Obama", "Seattle")}
    assert json.loads(row["mapping"])["mode"] == "pseudonymize"  # the map's mode, and row scope as its default
    assert restore(row["rewritten"], json.loads(row["mapping"])) == text


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--mode", "redact"], "--mapping was made for mode pseudonymize, not redact"),
        (["--source", "India"], "--mapping was made for source United States, not India"),
        (["--mode", "localize", "--target", "Japan"], "--mapping was made for mode pseudonymize, not localize"),
    ],
)
def test_a_saved_mapping_made_for_other_settings_is_refused_in_one_line(
    tmp_path: Path, write_input: Any, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    saved = tmp_path / "series.json"
    source = write_input("jsonl", tmp_path, rows())
    assert run("rewrite", source, "--mode", "pseudonymize", "--mapping-scope", "run", "--mapping-out", saved,
               "--output", tmp_path / "one.parquet") == 0  # fmt: skip
    capsys.readouterr()
    assert run("rewrite", source, "--mapping", saved, *extra, "--output", tmp_path / "two.parquet") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err


@pytest.mark.parametrize(
    ("extra", "content", "message"),
    [
        (["--keep", "FILE"], "/Chic(ago/\n", "does not compile"),
        (["--force", "FILE"], "Priya PERSON\n", "unknown type 'PERSON'"),
        (["--mapping-out", "FILE"], "", "it needs --mapping-scope run"),
        (["--mode", "localize"], "", "--target is needed for --mode localize"),
        (["--mapping-scope", "run", "--engine", "ray"], "", "needs --engine default"),
        (["--mapping", "FILE"], '{"version": 1}', "cannot read --mapping"),
        (["--mapping", "NOFILE"], "", "cannot read --mapping"),
    ],
)
def test_misuse_is_one_line_exit_2(
    tmp_path: Path, write_input: Any, capsys: pytest.CaptureFixture[str], extra: list[str], content: str,
    message: str,
) -> None:  # fmt: skip
    (tmp_path / "FILE").write_text(content, encoding="utf-8")
    extra = [str(tmp_path / arg) if arg in ("FILE", "NOFILE") else arg for arg in extra]
    mode = [] if "--mode" in extra else ["--mode", "redact"]
    source = write_input("jsonl", tmp_path, rows())
    assert run("rewrite", source, "--output", tmp_path / "out.jsonl", *mode, *extra) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_conll_pseudonymizes_gold_entities_and_honours_keep(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, out = write_conll_dir(tmp_path / "data"), tmp_path / "out"
    (tmp_path / "keep.txt").write_text("amsterdam\n", encoding="utf-8")
    argv = ["conll", data / "test.txt", "--output", out / "test.txt", "--mode", "pseudonymize", "--source", "USA"]
    assert run(*argv, "--keep", tmp_path / "keep.txt") == 0
    words = [t.word for d in read_documents(out / "test.txt") for s in d.sentences for t in s]
    assert "Amsterdam" in words and "Blackburn" not in words and "Mitchell" not in words
    assert run("conll", data / "test.txt", "--output", out / "again.txt") == 2
    assert "--target is needed for --mode localize" in capsys.readouterr().err
