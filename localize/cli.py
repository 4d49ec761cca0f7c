"""Command line: ``python -m localize FILE|- [--entities FILE.jsonl] [--target India --source USA]``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from localize.config import LocalizeConfig, LocalizeError
from localize.localizer import Localizer

Tagger = Callable[[str], list[dict[str, Any]]]


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    defaults = LocalizeConfig()
    parser = argparse.ArgumentParser(prog="python -m localize", description=__doc__)
    parser.add_argument("file", help="text file, or - for stdin")
    parser.add_argument(
        "--entities",
        help="JSON lines from `python -m ner` ({'file', 'entities'}); "
        "without it the text is tagged with the ner package",
    )
    parser.add_argument(
        "--model",
        metavar="accurate|fast|DIR",
        help="NER model that tags the text without --entities: accurate (MPNet-base + LoRA), fast (MiniLM), "
        "a model or adapter directory, or a hub id (default: ner's default)",
    )
    parser.add_argument("--target", default=defaults.target)
    parser.add_argument("--source", default=defaults.source)
    parser.add_argument("--vectors", help="vectors file (.kv, word2vec .bin/.txt, GloVe .txt) or gensim name")
    parser.add_argument("--types", default=",".join(defaults.types), help="entity types to swap")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    parser.add_argument(
        "--open-vocabulary",
        action="store_true",
        help="use the open-vocabulary word-vector analogy even when the target names a country",
    )
    return parser.parse_args(argv)


def read_text(file: str) -> str:
    """The UTF-8 text of ``file`` (``-``: stdin), without a byte-order mark; LocalizeError in one line otherwise."""
    try:
        data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as exc:
        raise LocalizeError(f"could not read {file}: {exc.strerror}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LocalizeError(
            f"{file} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it first, e.g. iconv -f latin1 -t utf-8"
        ) from exc


def read_entities(path: str, file: str) -> list[dict[str, Any]]:
    """The record for ``file`` (or the only record) from a JSON lines file."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        records = [json.loads(line) for line in lines if line.strip()]
    except (OSError, json.JSONDecodeError) as exc:
        raise LocalizeError(f"could not read entities file {path}: {exc}") from exc
    if len(records) == 1:
        return list(records[0].get("entities", []))
    matches = [r for r in records if r.get("file") == file]
    if not matches:
        raise LocalizeError(f"entities file {path} has no record with file {file!r}")
    return list(matches[0].get("entities", []))


def main(argv: Sequence[str], auto_tagger: Callable[[str | None], Tagger] | None = None) -> int:
    """``auto_tagger(model)``: the tagger for ``--model`` (None: its default), used when ``--entities`` is absent."""
    args = parse_args(argv)
    try:
        text = read_text(args.file)
    except LocalizeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        if args.entities:
            entities = read_entities(args.entities, args.file)
        elif auto_tagger is not None:
            entities = auto_tagger(args.model)(text)
        else:
            raise LocalizeError("no entities: pass --entities FILE.jsonl")
        config = LocalizeConfig(grounded=not args.open_vocabulary)
        result = Localizer.load(args.vectors, config).rewrite(
            text, entities, args.target, args.source, types=tuple(t for t in args.types.split(",") if t)
        )
    except LocalizeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if args.json else result.text, end="")
    if args.json:
        print()
    return 0
