"""``python -m corpus tag`` at scale: rows/s and peak memory of the default engine and of ``--engine ray``, on the
CoNLL++ train documents as JSONL, once and ``--repeat`` times over, side by side in one run.

    python benchmarks/corpus_scale.py [--data DIR] [--repeat 10] [--actors 2] [--model fast] [--precision auto]
                                      [--quick]

One row per train document (946; ``--quick``: the first 20), its text the sentences on lines of space-joined tokens.
Every run is a fresh ``python -m corpus tag`` process writing Parquet shards, timed from start to exit (model
loading and, for Ray, starting a local Ray instance and its actors included). Memory: the driver's peak RSS (from
``wait4``: for the default engine, the whole job); for Ray also the largest actor's peak RSS (each actor holds its
own model) and the peak of the proportional set size (PSS: shared pages, Ray's object store included, counted
once) summed over the driver and every process under it, sampled every 0.25 s. The default engine's and Ray's
outputs at ``--repeat`` are compared shard by shard. Torch threads follow the environment (``OMP_NUM_THREADS``),
printed in the header: the default engine computes in one process, the Ray actors in one process each.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import pyarrow.parquet as pq

from common import REPO, add_model_argument, benchmark_parser, data_file, model_label, print_header

from conll import read_documents

MIB = 1024 * 1024
QUICK_DOCS = 20
SAMPLE_S = 0.25


@dataclass
class Run:
    engine: str
    repeat: int
    rows: int
    seconds: float
    driver_rss: int  # bytes, the driver's peak (wait4)
    actor_rss: int  # bytes, the largest actor's peak, sampled (0: no actors)
    all_pss: int  # bytes, the peak of the PSS summed over the process tree, sampled
    output: Path

    @property
    def label(self) -> str:
        return f"{self.engine} engine, {self.repeat}× input"


def write_inputs(train: Path, folder: Path, repeat: int, quick: bool) -> tuple[Path, Path, int]:
    """``once.jsonl`` (one row per document) and ``repeated.jsonl`` (``repeat`` copies, ids made unique)."""
    documents = read_documents(train)[: QUICK_DOCS if quick else None]
    texts = ["\n".join(" ".join(token.word for token in sentence) for sentence in doc.sentences) for doc in documents]
    once, repeated = folder / "once.jsonl", folder / "repeated.jsonl"
    for path, copies in ((once, 1), (repeated, repeat)):
        with path.open("w", encoding="utf-8") as out:
            for copy in range(copies):
                for i, text in enumerate(texts):
                    out.write(json.dumps({"id": f"d{i}-{copy}", "text": text}, ensure_ascii=False) + "\n")
    return once, repeated, len(texts)


def run_tag(source: Path, output: Path, engine: str, extra: list[str]) -> tuple[float, int, int, int]:
    """Seconds, driver peak RSS, largest actor peak RSS and peak PSS of the tree, of one fresh ``corpus tag``."""
    command = [sys.executable, "-m", "corpus", "tag", str(source), "--output", str(output), "--engine", engine, *extra]
    log = output.with_suffix(".log")
    with log.open("w") as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=err)
        actor_rss = all_pss = 0
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            actor, total = sample(child.pid)
            actor_rss, all_pss = max(actor_rss, actor), max(all_pss, total)
            time.sleep(SAMPLE_S)
        seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait for it again
    if child.returncode not in (0, 1):  # 1: some rows skipped, still a complete run
        lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        sys.exit(
            f"corpus_scale.py: {' '.join(command[2:5])} --engine {engine} failed: {lines[-1] if lines else status}"
        )
    return seconds, usage.ru_maxrss * 1024, actor_rss, all_pss


def sample(pid: int) -> tuple[int, int]:
    """The largest Ray actor's RSS and the PSS summed over ``pid`` and every process under it, now."""
    actor = total = 0
    try:
        processes = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return 0, 0
    for process in processes:
        try:
            memory = process.memory_full_info()
            if any(part.startswith("ray::MapWorker") for part in process.cmdline()[:1]):
                actor = max(actor, memory.rss)
        except psutil.Error:  # gone in between, or not ours to read
            continue
        total += memory.pss
    return actor, total


def same_output(first: Path, second: Path) -> bool:
    files = sorted(first.glob("part-*.parquet"))
    if [f.name for f in files] != [f.name for f in sorted(second.glob("part-*.parquet"))]:
        return False
    return all(pq.read_table(f).equals(pq.read_table(second / f.name)) for f in files)


def table(runs: list[Run]) -> list[str]:
    base = next(run for run in runs if run.engine == "default" and run.repeat > 1)
    lines = [
        "| run | rows | seconds | rows/s | vs default | driver peak RSS | largest actor peak RSS "
        "| all processes peak PSS |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        speed, base_speed = run.rows / run.seconds, base.rows / base.seconds
        actor = f"{run.actor_rss / MIB:,.0f} MiB" if run.actor_rss else "–"
        lines.append(
            f"| {run.label} | {run.rows:,} | {run.seconds:,.1f} | {speed:,.1f} | ×{speed / base_speed:.2f}"
            f" | {run.driver_rss / MIB:,.0f} MiB | {actor} | {run.all_pss / MIB:,.0f} MiB |"
        )
    return lines


def growth(runs: list[Run], engine: str) -> str:
    """Peak memory at ``--repeat`` as a multiple of the peak at 1×: flat is ×1.0."""
    once, many = (run for run in runs if run.engine == engine)
    parts = [f"driver ×{many.driver_rss / once.driver_rss:.2f}", f"all processes ×{many.all_pss / once.all_pss:.2f}"]
    if once.actor_rss:
        parts.insert(1, f"largest actor ×{many.actor_rss / once.actor_rss:.2f}")
    return f"{engine} engine, peak memory at {many.repeat}× vs 1×: " + ", ".join(parts)


def main() -> int:
    parser = benchmark_parser(__doc__)
    parser.add_argument("--repeat", type=int, default=10, help="copies of the documents in the large input")
    parser.add_argument("--actors", type=int, default=2, help="Ray actors")
    add_model_argument(parser)
    parser.add_argument("--precision", default="auto")
    parser.add_argument("--quick", action="store_true", help=f"the first {QUICK_DOCS} documents only: a smoke test")
    args = parser.parse_args()
    try:
        train = data_file(args.data, "train")
    except SystemExit as stop:  # its one line; 2, as for any bad argument
        print(stop.code, file=sys.stderr)
        return 2
    if args.repeat < 2 or args.actors < 1:
        print("corpus_scale.py: --repeat must be at least 2 and --actors at least 1", file=sys.stderr)
        return 2
    print_header("corpus_scale")
    extra = ["--precision", args.precision, *(["--model", args.model] if args.model else [])]
    load = os.getloadavg()[0]
    print(
        f"# model {model_label(args.model)}, precision {args.precision}, {args.actors} Ray actors, "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}, {os.cpu_count()} CPUs",
        flush=True,
    )
    runs: list[Run] = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        once, repeated, docs = write_inputs(train, folder, args.repeat, args.quick)
        plan = [
            ("default", 1, once),
            ("default", args.repeat, repeated),
            ("ray", 1, once),
            ("ray", args.repeat, repeated),
        ]
        for engine, repeat, source in plan:
            output = folder / f"{engine}-{repeat}.parquet"
            ray_extra = ["--actors", str(args.actors)] if engine == "ray" else []
            seconds, driver, actor, pss = run_tag(source, output, engine, [*extra, *ray_extra])
            runs.append(Run(engine, repeat, docs * repeat, seconds, driver, actor, pss, output))
            print(f"# {runs[-1].label}: {seconds:,.1f} s", flush=True)
        identical = same_output(runs[1].output, runs[3].output)
    print("\n".join(table(runs)))
    print(growth(runs, "default"))
    print(growth(runs, "ray"))
    print(f"Ray's output at {args.repeat}× equals the default engine's, shard by shard: {'yes' if identical else 'NO'}")
    after = os.getloadavg()[0]
    if max(load, after) > 0.5:
        print(
            f"Shared machine: load average {load:.2f} before the runs, {after:.2f} after; other processes took CPU "
            "time from these runs, so read the figures as ratios of one run."
        )
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
