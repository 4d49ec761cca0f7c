"""Latency per entity with the 400k-word embedded GloVe, next to gensim's plain ``most_similar``.

    python benchmarks/localize_latency.py [--conll PATH] [--queries N]

Queries are the distinct single-word PER/LOC/ORG entities of the CoNLL++ test set. Each is timed cold
(caches cleared) as a full ``rewrite`` of the bare word, and as
``kv.most_similar(positive=[target, word], negative=[source], topn=10)``. The ratio is from one run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from localize import Localizer  # noqa: E402

CONLL = Path("/work/shared/data/conllpp/test.txt")


def queries(path: Path, limit: int) -> list[tuple[str, str]]:
    """Distinct single-token gold entities (word, type), in order of first appearance."""
    lines = [line.split() for line in path.read_text(encoding="utf-8").splitlines()]
    out: dict[str, str] = {}
    for i, parts in enumerate(lines):
        if len(parts) < 4 or not parts[-1].startswith("B-") or parts[-1][2:] not in ("PER", "LOC", "ORG"):
            continue
        following = lines[i + 1] if i + 1 < len(lines) else []
        if len(following) < 4 or not following[-1].startswith("I-"):
            out.setdefault(parts[0], parts[-1][2:])
    return list(out.items())[:limit]


def time_ms(fn, items: list) -> np.ndarray:
    out = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - start) * 1000)
    return np.array(out)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conll", type=Path, default=CONLL)
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args()
    start = time.perf_counter()
    loc = Localizer.load()
    print(f"load: {time.perf_counter() - start:.2f} s, vocabulary {len(loc.index.kv)} words, "
          f"searched {len(loc.index.words)}")
    items = queries(args.conll, args.queries)
    kv = loc.index.kv
    in_vocab = [(w, t) for w, t in items if loc.index.lookup(w)]
    kv.fill_norms()  # gensim caches norms on first use; do not bill that to the first query

    def ours(item: tuple[str, str]) -> None:
        word, group = item
        loc.search.candidates.cache_clear()
        loc._resolve.cache_clear()
        loc.rewrite(word, [{"entity_group": group, "start": 0, "end": len(word), "word": word}])

    def plain(item: tuple[str, str]) -> None:
        kv.most_similar(positive=["india", item[0].lower()], negative=["usa"], topn=10)

    ours_ms, plain_ms = time_ms(ours, in_vocab), time_ms(plain, in_vocab)
    for name, ms in (("localize.rewrite", ours_ms), ("gensim most_similar", plain_ms)):
        print(f"{name:<20} n={len(ms)} p50={np.percentile(ms, 50):.2f} ms p95={np.percentile(ms, 95):.2f} ms")
    ratio = np.percentile(plain_ms, 50) / np.percentile(ours_ms, 50)
    print(f"gensim p50 / localize p50 = {ratio:.1f}x (one run; localize searches {len(loc.index.words)} "
          "frequent words per type block, gensim all 400k)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
