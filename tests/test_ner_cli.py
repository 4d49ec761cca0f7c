"""``python -m ner``: files or stdin in, one record per input out; bad files reported, the rest still run."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ner.cli import main, read_text
from tests.helpers import REPO, one_thread, tiny_model_dir

TEXT = "Angela Merkel met Barack Obama in Berlin.\nZoë went to São Paulo 🎉"


@pytest.fixture(scope="module", autouse=True)
def _single_thread() -> Iterator[None]:
    with one_thread():
        yield


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tiny_model_dir(tmp_path_factory.mktemp("tiny")))


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    paths = {
        "good": tmp_path / "good.txt",
        "latin1": tmp_path / "latin1.txt",
        "binary": tmp_path / "binary.bin",
        "empty": tmp_path / "empty.txt",
    }
    paths["good"].write_text(TEXT, encoding="utf-8")
    paths["latin1"].write_bytes("Zoë in Besançon".encode("latin-1"))
    paths["binary"].write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    paths["empty"].write_bytes(b"")
    return {name: str(path) for name, path in paths.items()}


def test_jsonl_one_line_per_file_and_bad_files_reported(
    model: str, files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    status = main([files["good"], files["latin1"], files["binary"], files["empty"], "--model", model])
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["file"] for r in records] == [files["good"], files["empty"]]
    for entity in records[0]["entities"]:
        assert TEXT[entity["start"] : entity["end"]] == entity["word"]
    assert records[1]["entities"] == []
    assert f"ner: {files['latin1']}: not UTF-8 text (byte 0xeb at offset 2), skipped" in err
    assert f"ner: {files['binary']}: binary file" in err
    assert status == 1


def test_missing_file_is_reported_and_status_is_zero_when_all_succeed(
    model: str, files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([files["good"], "--model", model]) == 0
    assert main(["/nonexistent/file.txt", files["good"], "--model", model]) == 1
    err = capsys.readouterr().err
    assert "ner: /nonexistent/file.txt: cannot read: No such file or directory" in err


def test_stdin(model: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TEXT.encode("utf-8"))))
    assert main(["-", "--model", model, "--batch-size", "2", "--precision", "int8"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["file"] == "-" and isinstance(record["entities"], list)


def test_csv_has_a_row_per_entity(model: str, files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    main([files["good"], files["empty"], "--model", model, "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    main([files["good"], "--model", model])
    entities = json.loads(capsys.readouterr().out)["entities"]
    assert len(rows) == len(entities)
    for row, entity in zip(rows, entities, strict=True):
        assert row["file"] == files["good"] and row["word"] == entity["word"]
        assert int(row["start"]) == entity["start"] and row["entity_group"] == entity["entity_group"]


def test_conll_has_a_word_per_line_and_blank_lines_between_sentences(
    model: str, files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    main([files["good"], "--model", model, "--format", "conll"])
    out = capsys.readouterr().out
    lines = out.split("\n")
    assert lines[0] == f"# file = {files['good']}"
    words = [line.split("\t") for line in lines[1:] if line]
    assert [w for w, _ in words][:8] == ["Angela", "Merkel", "met", "Barack", "Obama", "in", "Berlin", "."]
    assert lines[9] == ""  # end of the first sentence
    for previous, (_, tag) in zip(["O"] + [t for _, t in words], words, strict=False):
        assert tag == "O" or tag.startswith("B-") or previous[2:] == tag[2:]


def test_missing_model_is_one_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-", "--model", str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err == f"ner: no model directory at {tmp_path / 'nope'}\n"


def test_python_dash_m_ner_runs(model: str, files: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ner", files["good"], "--model", model],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["file"] == files["good"]


def test_a_byte_order_mark_is_not_part_of_the_text(tmp_path: Path) -> None:
    """Offsets count from the first real character, as in the app's uploads (one decoder for both)."""
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffAngela Merkel met Barack Obama in Berlin.".encode())
    assert read_text(str(path)) == "Angela Merkel met Barack Obama in Berlin."
