"""Latency of the demo server: the HTTP route and ``/rewrite`` on a 100-word paragraph, then a load test.

    python benchmarks/demo_latency.py [--model accurate|fast|DIR] [--vectors PATH] [--requests 40] [--clients 20]
                                      [--seconds 30] [--head-of-line-seconds 20]

Starts the app itself on a free localhost port (ner's default model unless --model), times
sequential requests (p50/p95), then runs --clients concurrent clients for --seconds (half on the HTTP
route, half on /rewrite through gradio_client) and counts errors. gradio_client polls for results every
50 ms, so /rewrite is also timed over plain HTTP, as curl calls it. Paragraphs rotate names from short
lists, so the localizer's per-entity cache is warm after the first few requests, as for a busy demo.
Then an edit of one replacement (the table's ``.input``, endpoint ``edit``: a re-splice, no tagging) beside the
/rewrite it edits, over HTTP and in process. Last, the head-of-line case: one sentence at a time on the HTTP
route, alone and then while two clients keep sending texts at the character limit, side by side.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time

import httpx
import numpy as np

from common import add_model_argument, print_header  # (benchmarks/ is on sys.path)

from demo import editing
from demo.config import DemoConfig
from demo.engine import Engine, LoadError
from ner import PRECISIONS

PARAGRAPH = (
    "Last spring {p1} left {c1} for a new job at {o1}. She had spent six years in {c2}, where she worked "
    "with {p2} on a project funded by {o2}. The move was not easy for them all. Her family stayed behind "
    "in {c1}, and every weekend she took the train to see them. Her manager, {p3}, promised that the team "
    "in {c3} would help her settle in, and within a month she was leading a group of twelve engineers. "
    "Next year she plans to open an office in {c2} and hire people from {o2}, and {p2} may join her there."
)
PEOPLE = ["Mitchell", "Johnson", "Anderson", "Thompson", "Harris", "Clark", "Lewis", "Walker", "Young", "Allen"]
CITIES = ["Paris", "Chicago", "Boston", "Seattle", "Denver", "Houston", "Atlanta", "Phoenix", "Dallas", "Miami"]
ORGS = ["Microsoft", "Google", "Boeing", "Intel", "Walmart", "Ford", "Pfizer", "Oracle", "Amazon", "Nike"]


def paragraph(i: int) -> str:
    def pick(names: list[str], k: int) -> str:
        return names[(i * 3 + k * 7) % len(names)]

    slots = {f"p{k}": pick(PEOPLE, k) for k in (1, 2, 3)} | {f"c{k}": pick(CITIES, k) for k in (1, 2, 3)}
    return PARAGRAPH.format(**slots, o1=pick(ORGS, 1), o2=pick(ORGS, 2))


def percentiles(ms: list[float]) -> str:
    if not ms:
        return "no successful requests"
    p50, p95 = np.percentile(ms, [50, 95])
    return f"p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   (n={len(ms)})"


def timed(call, i: int) -> float:
    start = time.perf_counter()
    call(i)
    return (time.perf_counter() - start) * 1000


def callers(url: str, type_check: bool):
    """An HTTP-route call and a /rewrite call, each raising on any failure."""
    from gradio_client import Client

    http = httpx.Client(base_url=url, timeout=120)
    client = Client(url, verbose=False)

    def route(i: int) -> None:
        response = http.post("models/ner", json={"inputs": paragraph(i)})
        response.raise_for_status()
        if not isinstance(response.json(), list):
            raise RuntimeError(f"unexpected body {response.text[:80]}")

    def rewrite(i: int) -> None:
        text, *_ = client.predict(*rewrite_args(i, type_check), api_name="/rewrite")
        if not isinstance(text, str) or not text:
            raise RuntimeError("empty rewrite")

    return route, rewrite


def rewrite_over_http(url: str, type_check: bool):
    """/rewrite the way curl calls it (POST, then read the event stream), without gradio_client's polling."""
    http = httpx.Client(base_url=url, timeout=120)

    def call(i: int) -> None:
        posted = http.post("gradio_api/call/rewrite", json={"data": rewrite_args(i, type_check)})
        posted.raise_for_status()
        with http.stream("GET", f"gradio_api/call/rewrite/{posted.json()['event_id']}") as stream:
            events = "".join(stream.iter_text())
        if "event: complete" not in events:
            raise RuntimeError(f"no result: {events[:80]}")

    return call


def rewrite_args(i: int, type_check: bool) -> list:
    return [paragraph(i), "India", "USA", ["PER", "LOC", "ORG"], type_check, "localize", "", "", None]


def call_over_http(http: httpx.Client, api_name: str, data: list, session: str) -> list:
    """One named endpoint called as curl calls it, in ``session`` (where the app keeps its gr.State)."""
    posted = http.post(f"gradio_api/call/{api_name}", json={"data": data, "session_hash": session})
    posted.raise_for_status()
    with http.stream("GET", f"gradio_api/call/{api_name}/{posted.json()['event_id']}") as stream:
        events = "".join(stream.iter_text())
    if "event: complete" not in events:
        raise RuntimeError(f"no result: {events[:200]}")
    return json.loads(events.split("event: complete", 1)[1].split("data:", 1)[1].strip().splitlines()[0])


def edited_table(table: dict) -> dict:
    """The replacements table with its first person swapped for their first alternative (a user's edit)."""
    # The table comes back with NaN scores (json.loads reads them), which JSON cannot send: None instead.
    rows = [[None if isinstance(v, float) and v != v else v for v in row] for row in table["data"]]
    row = next(r for r in rows if r[4] == "PER" and r[2] and r[8])
    row[2] = row[8].split(", ")[0]
    return {"headers": table["headers"], "data": rows}


def edit_latency(url: str, requests: int, type_check: bool) -> tuple[list[float], list[float]]:
    """(full /rewrite ms, edit ms) per paragraph: a rewrite, then one replacement edited in the same session,
    which re-splices the text with the edited map without tagging (demo.editing)."""
    http = httpx.Client(base_url=url, timeout=120)
    full, edits = [], []
    for i in range(requests):
        session = f"bench-{i}"
        start = time.perf_counter()
        rewritten, _, _, table, *_ = call_over_http(http, "rewrite", rewrite_args(i, type_check), session)
        full.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        after, *_ = call_over_http(http, "edit", [edited_table(table)], session)
        edits.append((time.perf_counter() - start) * 1000)
        if after == rewritten:
            raise RuntimeError("the edit changed nothing")
    return full, edits


def edit_in_process(engine: Engine, requests: int) -> tuple[list[float], list[float]]:
    """The same, without the server: engine.rewrite (tag + rewrite) vs editing.apply_table (re-splice)."""
    full, edits = [], []
    for i in range(requests):
        start = time.perf_counter()
        entities, result = engine.rewrite(paragraph(i), "India", "USA", ["PER", "LOC", "ORG"])
        full.append((time.perf_counter() - start) * 1000)
        draft = editing.Draft(paragraph(i), entities, "India", "USA", ("PER", "LOC", "ORG"), result.mapping)
        table = editing.table(result)
        payload = edited_table({"headers": list(table.columns), "data": table.astype(object).values.tolist()})
        start = time.perf_counter()
        editing.apply_table(engine.localizer, draft, payload)
        edits.append((time.perf_counter() - start) * 1000)
    return full, edits


def load_test(url: str, clients: int, seconds: float, type_check: bool) -> None:
    latencies: dict[str, list[float]] = {"route": [], "rewrite": []}
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(number: int) -> None:
        kind = "route" if number % 2 == 0 else "rewrite"
        try:
            call = dict(zip(("route", "rewrite"), callers(url, type_check), strict=True))[kind]
        except Exception as error:  # a client that cannot even connect is an error, not a crash
            with lock:
                errors.append(f"{kind} client: {error!r}")
            return
        i = number * 1000
        while time.monotonic() < deadline:
            try:
                ms = timed(call, i)
                with lock:
                    latencies[kind].append(ms)
            except Exception as error:
                with lock:
                    errors.append(f"{kind}: {error!r}")
            i += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done = sum(len(v) for v in latencies.values())
    print(
        f"\n{clients} concurrent clients for {seconds:.0f} s: {done} requests, {done / seconds:.1f}/s, "
        f"{len(errors)} errors"
    )
    for kind, ms in latencies.items():
        print(f"  {kind:8s} under load  {percentiles(ms)}")
    for error in errors[:5]:
        print(f"  error: {error}")


def head_of_line(url: str, max_chars: int, seconds: float) -> None:
    """One-sentence requests alone, then behind two clients that keep sending texts of ``max_chars``."""
    http = httpx.Client(base_url=url, timeout=300)
    sentence = {"inputs": "Mitchell flew from Paris to Chicago on Tuesday."}
    big = {"inputs": (paragraph(0) + " ") * (max_chars // (len(paragraph(0)) + 1))}

    def small_requests(until: float) -> list[float]:
        ms = []
        while time.monotonic() < until:
            start = time.perf_counter()
            http.post("models/ner", json=sentence).raise_for_status()
            ms.append((time.perf_counter() - start) * 1000)
            time.sleep(0.05)
        return ms

    alone = small_requests(time.monotonic() + seconds / 2)
    stop = threading.Event()
    statuses: list[int] = []

    def flood() -> None:
        with httpx.Client(base_url=url, timeout=300) as client:
            while not stop.is_set():
                statuses.append(client.post("models/ner", json=big).status_code)

    floods = [threading.Thread(target=flood) for _ in range(2)]
    for thread in floods:
        thread.start()
    time.sleep(1.0)  # both large requests are in
    behind = small_requests(time.monotonic() + seconds)
    stop.set()
    for thread in floods:
        thread.join()
    print(f"\nhead of line: one sentence on {len(big['inputs']):,}-character traffic (2 clients)")
    print(f"  alone        {percentiles(alone)}")
    print(f"  behind large {percentiles(behind)}   large requests answered: {len(statuses)} {sorted(set(statuses))}")
    if alone and behind:
        print(f"  p95 ratio behind/alone: {np.percentile(behind, 95) / np.percentile(alone, 95):.1f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_model_argument(parser)
    parser.add_argument("--vectors", help="vectors file (default: embedded GloVe)")
    parser.add_argument("--requests", type=int, default=40, help="sequential requests per endpoint")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--head-of-line-seconds", type=float, default=20.0, help="0 skips the head-of-line case")
    parser.add_argument("--concurrency", type=int, default=DemoConfig.concurrency)
    parser.add_argument("--precision", default="auto", choices=PRECISIONS, help="NER model precision")
    parser.add_argument("--type-check", action="store_true", help="/rewrite with the NER type check of candidates")
    args = parser.parse_args()

    config = DemoConfig(
        port=0, model=args.model, vectors=args.vectors, precision=args.precision, concurrency=args.concurrency
    )
    print_header("demo_latency")
    start = time.perf_counter()
    try:
        engine = Engine.load(config)
    except LoadError as error:
        print(f"demo_latency: {error}", file=sys.stderr)
        return 2
    print(
        f"load: {time.perf_counter() - start:.1f} s; paragraph: {len(paragraph(0).split())} words; "
        f"concurrency {config.concurrency}; precision {config.precision}; type check {args.type_check}"
    )

    from demo.app import serve

    blocks = serve(engine)
    try:
        route, rewrite = callers(blocks.local_url, args.type_check)
        for i in range(3):  # warm-up: first calls pay for lazy initialisation
            route(i)
            rewrite(i)
        print(f"HTTP route {config.http_route}  {percentiles([timed(route, i) for i in range(args.requests)])}")
        print(f"/rewrite (gradio_client)  {percentiles([timed(rewrite, i) for i in range(args.requests)])}")
        over_http = rewrite_over_http(blocks.local_url, args.type_check)
        print(f"/rewrite (HTTP, as curl)  {percentiles([timed(over_http, i) for i in range(args.requests)])}")
        full, edits = edit_latency(blocks.local_url, args.requests, args.type_check)
        print("\nan edit of one replacement (re-splice, no tagging) beside the rewrite it edits, same paragraphs:")
        print(f"  /rewrite (HTTP)        {percentiles(full)}")
        print(f"  edit     (HTTP)        {percentiles(edits)}")
        full, edits = edit_in_process(engine, args.requests)
        print(f"  rewrite  (in process)  {percentiles(full)}")
        print(f"  edit     (in process)  {percentiles(edits)}")
        load_test(blocks.local_url, args.clients, args.seconds, args.type_check)
        if args.head_of_line_seconds > 0:
            head_of_line(blocks.local_url, config.max_chars, args.head_of_line_seconds)
    finally:
        blocks.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
