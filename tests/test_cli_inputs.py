"""Every command line answers unreadable input with one line and exit status 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from localize.cli import main as localize_main

from .helpers import REPO


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Caf\xe9 in Paris\n", "not UTF-8 text (byte 0xe9 at offset 3)"),
        (b"\xff\xfeP\x00a\x00", "not UTF-8 text (byte 0xff at offset 0)"),
    ],
)
def test_localize_refuses_bad_bytes_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, message: str
) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(data)
    assert localize_main([str(path), "--entities", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_localize_reads_bad_bytes_from_stdin_without_a_traceback() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "localize", "-", "--entities", "/dev/null"],
        input=b"Caf\xe9",
        capture_output=True,
        cwd=REPO,
        timeout=120,
    )
    assert run.returncode == 2
    assert b"Traceback" not in run.stderr and b"not UTF-8" in run.stderr


def test_localize_reads_utf8_with_a_byte_order_mark(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes("\ufeffParis".encode())
    entities = tmp_path / "e.jsonl"
    entities.write_text('{"file": "x", "entities": []}\n')
    assert localize_main([str(path), "--entities", str(entities)]) == 0
    assert capsys.readouterr().out == "Paris"


def test_localize_says_on_stderr_when_the_target_names_no_country(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    story = tmp_path / "story.txt"
    story.write_text("Mitchell flew to Paris.")
    entities = tmp_path / "e.jsonl"
    entities.write_text('{"entities": [{"entity_group": "LOC", "start": 17, "end": 22, "word": "Paris"}]}\n')
    assert localize_main([str(story), "--entities", str(entities), "--target", "Atlantis"]) == 0
    captured = capsys.readouterr()
    assert captured.err.startswith("note: 'Atlantis' names no country") and "Atlantis" not in captured.out
