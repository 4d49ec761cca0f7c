"""``python -m corpus tag|rewrite --engine ray``: a 2-actor local Ray run writes the default engine's output row for
row, a Ray run resumed after a partial manifest equals an uninterrupted run, and a missing Ray or a failure inside
Ray is one line, exit 2.

Ray starts once for the module (2 CPUs, as on the project's machine); every test runs under an alarm, since a Ray
job starved of CPUs waits forever without an error."""

from __future__ import annotations

import json
import shutil
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from .helpers import TEXTS, one_thread, tiny_model_dir
from .helpers import run_corpus as run

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.slow  # each run starts actors that import torch: seconds, not milliseconds

LIMIT_S = 120  # per test; a run on warm Ray takes seconds, the first ones start actors that import torch
ROWS = [{"id": f"r{i}", "text": text, "n": i} for i, text in enumerate([*TEXTS[:4], None, *TEXTS[4:], ""])]
SMALL = ["--batch-size", "2", "--shard-rows", "4", "--precision", "float32"]  # several batches and shards
RAY = ["--engine", "ray", "--actors", "2"]


@pytest.fixture(scope="module", autouse=True)
def local_ray() -> Iterator[None]:
    """One local Ray instance for the module; the engine runs on it and leaves it running."""
    with deadline():
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    yield
    ray.shutdown()


@pytest.fixture(autouse=True)
def limited(localizer_once: Any) -> Iterator[None]:
    """Each test under the alarm; the default engine's runs on one thread, with the embedded vectors loaded once."""
    with deadline(), one_thread():
        yield


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_model_dir(tmp_path_factory.mktemp("tiny"))


@contextmanager
def deadline() -> Iterator[None]:
    """SIGALRM after LIMIT_S: a TimeoutError instead of a test run that never ends."""

    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"over {LIMIT_S} s: is a Ray job waiting for CPUs that its actors hold?")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(LIMIT_S)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def rounded(value: Any) -> Any:
    """Floats to 6 places, at any depth: the actors' threads may sum in another order than this process."""
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, list):
        return [rounded(item) for item in value]
    if isinstance(value, dict):
        return {key: rounded(item) for key, item in value.items()}
    return value


def read_rows(folder: Path) -> list[dict[str, Any]]:
    """The shards' rows, in order, as the files hold them (datasets' JSON reader cannot take a column that is null
    throughout the first shard and text in a later one)."""
    files = sorted(folder.glob(f"part-*{folder.suffix}"))
    if folder.suffix == ".parquet":
        return [row for path in files for row in pq.read_table(path).to_pylist()]
    return [json.loads(line) for path in files for line in path.read_text(encoding="utf-8").splitlines()]


def counts(folder: Path) -> list[dict[str, Any]]:
    return json.loads((folder / "manifest.json").read_text())["shards"]


def last_line(capsys: pytest.CaptureFixture) -> str:
    """The summary line, without the output folder it names."""
    return capsys.readouterr().err.strip().splitlines()[-1].split(" (")[0]


@pytest.mark.parametrize(
    ("job", "fmt"), [("tag", "jsonl"), ("rewrite", "parquet")], ids=["tag-jsonl", "rewrite-parquet"]
)
def test_two_actors_write_the_default_engines_rows(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture, job: str, fmt: str, write_input: Any
) -> None:
    argv = [job, write_input("jsonl", tmp_path, ROWS), "--model", tiny, *SMALL]
    argv += ["--target", "India"] if job == "rewrite" else []
    here, on_ray = tmp_path / f"default.{fmt}", tmp_path / f"ray.{fmt}"
    assert run(*argv, "--output", here) == 0  # the null and the empty text are skipped, no row failed
    summary = last_line(capsys)
    assert run(*argv, "--output", on_ray, *RAY) == 0
    assert last_line(capsys) == summary == f"corpus {job}: 7 rows done, 2 skipped, 0 failed"
    rows = read_rows(here)
    assert rounded(read_rows(on_ray)) == rounded(rows)
    assert [row["id"] for row in rows] == [row["id"] for row in ROWS]
    assert sum(bool(row["entities"]) for row in rows) == 7  # the tiny model tags every word of its texts
    assert counts(on_ray) == counts(here)
    assert [shard["file"] for shard in counts(on_ray)] == [f"part-0000{i}.{fmt}" for i in range(3)]


def test_a_ray_run_resumed_after_a_partial_manifest_equals_an_uninterrupted_run(
    tiny: Path, tmp_path: Path, write_input: Any
) -> None:
    """The manifest of a run killed after its first shard (its later shards, not listed, are removed on resume);
    the default engine's run resumed on Ray, which the settings allow since both engines tag the same batches."""
    argv = ["tag", write_input("jsonl", tmp_path, ROWS), "--model", tiny, "--id-column", "id", *SMALL]
    whole, resumed = tmp_path / "whole.parquet", tmp_path / "resumed.parquet"
    assert run(*argv, "--output", whole) == 0  # two rows skipped, none failed
    shutil.copytree(whole, resumed)
    manifest = json.loads((resumed / "manifest.json").read_text())
    manifest["shards"], manifest["complete"] = manifest["shards"][:1], False
    (resumed / "manifest.json").write_text(json.dumps(manifest))
    assert run(*argv, "--output", resumed, "--engine", "ray", "--actors", "1", "--resume") == 0  # 2 actors: above
    assert rounded(read_rows(resumed)) == rounded(read_rows(whole))
    assert counts(resumed) == counts(whole)
    assert json.loads((resumed / "manifest.json").read_text())["complete"]


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--model", "no-such-model"], "no model directory at"),  # raised by an actor, loading its model
        (["--text-column", "body"], "no column 'body' for --text-column"),  # raised by the read task
    ],
    ids=["actor", "read-task"],
)
def test_a_failure_inside_ray_is_one_line_exit_2(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture, option: list[str], message: str, write_input
) -> None:
    argv = ["tag", write_input("jsonl", tmp_path, ROWS), "--output", tmp_path / "out.parquet", "--model", tiny]
    option = [tmp_path / value if value == "no-such-model" else value for value in option]
    assert run(*argv, "--engine", "ray", "--actors", "1", *option) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_without_ray_the_engine_is_one_line_and_the_default_needs_none(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, write_input
) -> None:
    for name in [name for name in sys.modules if name == "ray" or name.startswith(("ray.", "corpus.ray_engine"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray: ImportError
    source = write_input("jsonl", tmp_path, ROWS[:2])
    assert run("tag", source, "--output", tmp_path / "ray.parquet", "--model", tiny, "--engine", "ray") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install -r requirements-ray.txt" in err
    assert run("tag", source, "--output", tmp_path / "default.parquet", "--model", tiny) == 0
