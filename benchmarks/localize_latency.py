"""Latency of localize per entity, next to the previous algorithm and gensim's plain ``most_similar``.

    python benchmarks/localize_latency.py [--data DIR] [--queries 500] [--target India] [--source USA]

Queries are the distinct PER/LOC/ORG entities of the CoNLL++ test set (multi-word ones included), each rewritten
on its own as a one-entity text, so nothing is reused from an earlier query but the per-country pools that the
first call builds. The one-time load is ``Localizer.load()`` (the vectors) plus that first call (GeoNames,
ISO 3166, the name pools). gensim's ``most_similar(positive=[target, word], negative=[source])`` is timed on the
single-word queries, the previous algorithm's unit of work. Ratios are from one run.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from common import benchmark_parser, data_file, print_header  # benchmarks/ is on sys.path

from localize import LocalizeConfig, Localizer


def queries(path, limit: int) -> list[tuple[str, str]]:
    """Distinct gold entities (text, type), in order of first appearance."""
    out: dict[str, str] = {}
    words: list[str] = []
    group = None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        parts = line.split()
        tag = parts[-1] if len(parts) >= 4 else "O"
        if words and (tag == "O" or tag.startswith("B-")):
            if group in ("PER", "LOC", "ORG"):
                out.setdefault(" ".join(words), group)
            words, group = [], None
        if tag != "O":
            words.append(parts[0])
            group = tag[2:]
    return list(out.items())[:limit]


def time_ms(run, items: list) -> np.ndarray:
    out = []
    for item in items:
        start = time.perf_counter()
        run(item)
        out.append((time.perf_counter() - start) * 1000)
    return np.array(out)


def summary(ms: np.ndarray) -> str:
    return f"n={len(ms)} p50={np.percentile(ms, 50):.2f} ms p95={np.percentile(ms, 95):.2f} ms"


def main() -> int:
    parser = benchmark_parser(__doc__)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--target", default="India")
    parser.add_argument("--source", default="USA")
    args = parser.parse_args()
    items = queries(data_file(args.data, "test"), args.queries)
    print_header("localize_latency")
    start = time.perf_counter()
    loc = Localizer.load()
    loaded = time.perf_counter() - start

    def grounded(item: tuple[str, str]) -> None:
        text, group = item
        loc.rewrite(text, [{"entity_group": group, "start": 0, "end": len(text)}], args.target, args.source)

    grounded(("Chicago", "LOC"))  # the first call reads the country data
    first_use = time.perf_counter() - start - loaded
    print(
        f"one-time load {loaded + first_use:.2f} s: vectors {loaded:.2f} s, country data on first use {first_use:.2f} s"
    )
    previous = Localizer(loc.index.kv, LocalizeConfig(grounded=False))

    def open_vocabulary(item: tuple[str, str]) -> None:
        previous.search.candidates.cache_clear()
        previous._resolve.cache_clear()
        text, group = item
        previous.rewrite(text, [{"entity_group": group, "start": 0, "end": len(text)}], args.target, args.source)

    open_vocabulary(("Chicago", "LOC"))  # builds the type filter
    kv = loc.index.kv
    kv.fill_norms()  # gensim caches norms on first use; do not bill that to the first query
    single = [(w, g) for w, g in items if " " not in w and loc.index.lookup(w)]

    def plain(item: tuple[str, str]) -> None:
        kv.most_similar(
            positive=[args.target.lower(), loc.index.lookup(item[0])], negative=[args.source.lower()], topn=10
        )

    ours, old, gensim = time_ms(grounded, items), time_ms(open_vocabulary, items), time_ms(plain, single)
    print(f"localize (this version)      {summary(ours)}")
    print(f"localize (previous)          {summary(old)}")
    print(f"gensim most_similar, 1 word  {summary(gensim)}")
    print(
        f"p50 ratio previous / this version x{np.percentile(old, 50) / np.percentile(ours, 50):.2f}, "
        f"gensim / this version x{np.percentile(gensim, 50) / np.percentile(ours, 50):.2f} (one run)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
