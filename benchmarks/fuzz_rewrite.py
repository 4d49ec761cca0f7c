"""Nothing lost, whatever the text: generated texts through ``ner`` + ``localize`` and the app's HTTP route.

    python benchmarks/fuzz_rewrite.py [--model fast|accurate|DIR] [--seconds 120] [--seed 0] [--target India]

Each text mixes names and places with every kind of punctuation, markup (HTML, Markdown), e-mail addresses,
URLs, handles, emoji, CJK and right-to-left scripts, tabs, CRLF and NUL. For ``--seconds`` it counts texts per
second and three things that must stay 0: texts whose bytes outside the replaced spans changed (or whose replaced
span is not exactly an entity), entity spans that start or end with punctuation or space, and 5xx answers of the
HTTP route, which gets the same texts and, every tenth request, a malformed body (deep JSON, bad bytes, huge).
"""

from __future__ import annotations

import json
import random
import sys
import time
import unicodedata

import httpx

from common import add_model_argument, print_header  # (benchmarks/ is on sys.path)

from demo.config import DemoConfig
from demo.engine import Engine
from localize.integrity import splice_problems

NAMES = [
    "Mary Jones",
    "Bill Gates",
    "Chicago",
    "Boston",
    "Paris",
    "Microsoft",
    "Angela Merkel",
    "New York",
    "Barack Obama",
    "Texas",
    "Goldman Sachs",
    "Salt Lake City",
    "Emma Thompson",
    "Harvard University",
]
GLUE = (
    "— – / \\ ( ) [ ] \" “ ” ' ’ <b> </b> <a\thref='x.html'> </a> <!--c--> <p> <br/> ** _ ` | @ # & &amp; "
    "&mdash; mary@x.org https://x.org/p?q=1 www.x.org @handle #tag 😀 👨\u200d👩\u200d👧 🗽 北京 东京 שלום مرحبا "
    "U.S. St. O'Neil Hewlett-Packard 1,000.5 , . ; : ! ? … said in met flew from to and the of"
).split() + ["\t", "\r\n", "\n", "\x00", " ", " ", " ", "\u200b", "\ufeff", "\u202e"]
BAD_BODIES = [
    b'{"inputs": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
    b"\xff\xfe\xfd",
    b'{"inputs": "\\ud800"}',
    json.dumps({"inputs": "😀" * 20_000}).encode(),  # 240 kB of escapes, within the limit
    b'{"inputs": [' + b'"a",' * 300 + b'"a"]}',
    b"[" * 1000,
]


def generated(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 40)):
        roll = rng.random()
        parts.append(
            rng.choice(NAMES) if roll < 0.3 else rng.choice(GLUE) if roll < 0.9 else chr(rng.randint(1, 0x2FFFF))
        )
    return "".join(parts)


def edge_punctuation(entity: dict) -> bool:
    word = entity["word"]

    def bad(char: str) -> bool:
        return char.isspace() or unicodedata.category(char)[0] in "PSCZ"

    return bad(word[0]) or (bad(word[-1]) and not word.endswith("."))


def main() -> int:
    parser = __import__("argparse").ArgumentParser(description=__doc__.split("\n\n")[0])
    add_model_argument(parser)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--target", default="India")
    args = parser.parse_args()
    print_header("fuzz_rewrite")
    config = DemoConfig(port=0, model=args.model or "fast")
    engine = Engine.load(config)

    from demo.app import serve

    blocks = serve(engine)
    http = httpx.Client(base_url=blocks.local_url, timeout=120)
    rng = random.Random(args.seed)
    counts = {"texts": 0, "changed outside": 0, "edge punctuation": 0, "HTTP requests": 0, "HTTP 5xx": 0}
    examples: list[str] = []
    deadline = time.monotonic() + args.seconds
    try:
        while time.monotonic() < deadline:
            text = generated(rng)
            entities, result = engine.rewrite(text, args.target, "USA", ["PER", "LOC", "ORG"])
            counts["texts"] += 1
            if splice_problems(result, entities):
                counts["changed outside"] += 1
                examples.append(repr(text))
            if any(edge_punctuation(e) for e in entities):
                counts["edge punctuation"] += 1
                examples.append(repr([e["word"] for e in entities]))
            body = rng.choice(BAD_BODIES) if counts["texts"] % 10 == 0 else json.dumps({"inputs": text}).encode()
            status = http.post("models/ner", content=body, headers={"content-type": "application/json"}).status_code
            counts["HTTP requests"] += 1
            counts["HTTP 5xx"] += status >= 500
    finally:
        blocks.close()
    print(
        f"model {config.model}, target {args.target}, seed {args.seed}, {args.seconds:.0f} s: "
        f"{counts['texts'] / args.seconds:.1f} texts/s"
    )
    for name, count in counts.items():
        print(f"  {name:18s} {count}")
    for example in examples[:5]:
        print(f"  e.g. {example}")
    return 1 if counts["changed outside"] or counts["edge punctuation"] or counts["HTTP 5xx"] else 0


if __name__ == "__main__":
    sys.exit(main())
