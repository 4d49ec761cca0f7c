"""Throughput of ``ner`` vs the ``transformers`` token-classification pipeline, same model, same texts.

    python benchmarks/ner_speed.py [--model accurate|fast|DIR] [--docs N] [--batch-sizes 8,32]
                                   [--precisions float32,int8,bfloat16]
                                   [--threads N] [--rounds 3] [--workers N] [--compare DIR,DIR]

Texts are the CoNLL++ test documents as raw text (tokens joined by spaces, a line per sentence). The
pipeline uses aggregation "simple" and stride 128 (without a stride it truncates long documents), at its
default batch size and at each of ``--batch-sizes``; the best is reported too. Ratios are from one run:
after a warm-up call each, the contenders take turns ``--rounds`` times and each one's fastest time counts.
``--workers N`` also times each ner precision with N workers of 1 torch thread each (default: the cores).
``--compare`` also times ``ner`` (float32) on other model folders, in the same turns, as a multiple of the
first model's time.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import replace

import torch

from common import (  # benchmarks/ is on sys.path
    add_model_argument,
    benchmark_parser,
    labelled_documents,
    load_pipeline,
    model_label,
    print_header,
)

from conll import render
from ner import EntityTagger, NerConfig


def best_times(runners: dict[str, Callable[[list[str]], object]], texts: list[str], rounds: int) -> dict[str, float]:
    """Fastest of ``rounds`` timings of each runner, taking turns, so a slow spell of a shared machine
    does not land on one contender only."""
    for run in runners.values():
        run(texts[:2])  # warm-up
    seconds = {name: float("inf") for name in runners}
    for _ in range(rounds):
        for name, run in runners.items():
            start = time.perf_counter()
            run(texts)
            seconds[name] = min(seconds[name], time.perf_counter() - start)
    return seconds


def with_threads(run: Callable[[list[str]], object], threads: int) -> Callable[[list[str]], object]:
    """``run`` under ``threads`` torch intra-op threads (a process-wide setting, so set before every call)."""

    def threaded(texts: list[str]) -> object:
        torch.set_num_threads(threads)
        return run(texts)

    return threaded


def main() -> None:
    parser = benchmark_parser(__doc__)
    add_model_argument(parser)
    parser.add_argument("--docs", type=int, help="only the first N test documents")
    parser.add_argument(
        "--batch-sizes", default="8,32", help="pipeline batch sizes to try besides the default"
    )
    parser.add_argument(
        "--precisions", default="float32", help="ner precisions to time, comma-separated (float32,int8,bfloat16,auto)"
    )
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's choice)")
    parser.add_argument("--rounds", type=int, default=3, help="timings per contender; the fastest counts")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="also time ner with N workers x 1 torch thread"
    )
    parser.add_argument("--compare", default="", help="other models (names, folders) to time with ner, comma-separated")
    args = parser.parse_args()

    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    if args.threads:
        torch.set_num_threads(args.threads)
    texts = [render(doc, "spaced").text for doc in labelled_documents(args.data, "test")[: args.docs]]
    print_header("ner_speed")
    words = sum(len(text.split()) for text in texts)
    tagger = EntityTagger.load(args.model)
    pipe = load_pipeline(None, tagger)
    print(
        f"model: {model_label(args.model)}  documents: {len(texts)}  words: {words}  "
        f"torch threads: {torch.get_num_threads()}"
    )

    threads = torch.get_num_threads()
    runners: dict[str, Callable[[list[str]], object]] = {}
    for precision in args.precisions.split(","):
        each = tagger if precision == "float32" else EntityTagger.load(args.model, NerConfig(precision=precision))
        name = "ner" if precision == "float32" else f"ner {precision}"
        name += f" ({each.precision})" if precision == "auto" else ""
        runners[name] = with_threads(each, threads)
        if args.workers > 1:
            parallel = EntityTagger(each.model, each.tokenizer, replace(each.config, workers=args.workers))
            runners[f"{name}, {args.workers} workers"] = with_threads(parallel, 1)
    others = [path for path in args.compare.split(",") if path]
    for path in others:
        runners[f"ner {path}"] = with_threads(EntityTagger.load(path), threads)
    runners["pipeline default batch"] = with_threads(pipe, threads)
    for size in [int(s) for s in args.batch_sizes.split(",") if s]:
        runners[f"pipeline batch {size}"] = with_threads(lambda t, size=size: pipe(t, batch_size=size), threads)
    seconds = best_times(runners, texts, args.rounds)
    default = seconds["pipeline default batch"]
    best = min(value for name, value in seconds.items() if name.startswith("pipeline"))
    for name, value in seconds.items():
        print(
            f"{name:30s} {value:7.2f} s  {words / value:8.0f} words/s  "
            f"x{default / value:5.2f} vs pipeline default  x{best / value:5.2f} vs pipeline best"
        )
    for path in others:
        print(f"ner {path} takes x{seconds[f'ner {path}'] / seconds['ner']:.2f} the time of ner on the first model")


if __name__ == "__main__":
    main()
