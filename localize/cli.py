"""Command line: ``python -m localize FILE|- [--entities FILE.jsonl] [--target India --source USA]``
``[--mode localize|pseudonymize|redact] [--keep FILE] [--force FILE] [--mapping MAP] [--mapping-out MAP]``;
``python -m localize restore FILE|- --mapping MAP`` prints the original of a rewrite. Bad input: one line, exit 2."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from localize.config import LocalizeConfig, LocalizeError
from localize.localizer import Localizer
from localize.mapping import EntityMap, restore
from localize.policy import MODES, REDACT_FORMAT, Policy, read_force, read_keep

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
    parser.add_argument("--target", help=f"default: {defaults.target}; the source for pseudonymize and redact")
    parser.add_argument("--source", help=f"default: {defaults.source}")
    parser.add_argument("--mode", choices=MODES, help="default: localize, or the mode of --mapping")
    parser.add_argument("--keep", metavar="FILE", help="entities never replaced: one a line, /regex/ for a pattern")
    parser.add_argument("--force", metavar="FILE", help="'word TYPE' a line: entities wherever written, as written")
    parser.add_argument("--mapping", metavar="MAP", help="a saved mapping (JSON) whose names this rewrite keeps")
    parser.add_argument("--mapping-out", metavar="MAP", help="write this rewrite's mapping (JSON) here")
    parser.add_argument("--redact-format", default=REDACT_FORMAT, help="a redacted entity: {tag} and {n}")
    parser.add_argument("--vectors", help="vectors file (.kv, word2vec .bin/.txt, GloVe .txt) or gensim name")
    parser.add_argument(
        "--types", help=f"entity types to replace (default: {','.join(defaults.types)}; redact: all four)"
    )
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


def read_mapping(path: str) -> EntityMap:
    """A mapping file as ``--mapping-out`` wrote it; LocalizeError in one line otherwise."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LocalizeError(f"could not read mapping {path}: {exc}") from exc
    return EntityMap.from_dict(data)


def write_mapping(path: str, mapping: EntityMap) -> None:
    try:
        Path(path).write_text(json.dumps(mapping.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    except OSError as exc:
        raise LocalizeError(f"could not write mapping {path}: {exc.strerror}") from exc


def policy_of(args: argparse.Namespace, saved: EntityMap | None) -> Policy:
    """The policy of ``--mode`` (else the mode of ``saved``), ``--keep``, ``--force`` and ``--redact-format``."""
    mode = args.mode or (saved.mode if saved is not None else "localize")
    keep = read_keep(args.keep) if args.keep else ()
    return Policy(mode, keep, read_force(args.force) if args.force else {}, args.redact_format)


def restore_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m localize restore", description="the original of a rewrite")
    parser.add_argument("file", help="the rewritten text, or - for stdin")
    parser.add_argument("--mapping", metavar="MAP", required=True, help="the mapping the rewrite wrote")
    args = parser.parse_args(argv)
    try:
        original = restore(read_text(args.file), read_mapping(args.mapping))
    except LocalizeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(original)
    return 0


def main(argv: Sequence[str], auto_tagger: Callable[[str | None], Tagger] | None = None) -> int:
    """``auto_tagger(model)``: the tagger for ``--model`` (None: its default), used when ``--entities`` is absent."""
    if list(argv[:1]) == ["restore"]:
        return restore_main(argv[1:])
    args = parse_args(argv)
    try:
        text = read_text(args.file)
    except LocalizeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        saved = read_mapping(args.mapping) if args.mapping else None
        policy = policy_of(args, saved)
        if args.entities:
            entities = read_entities(args.entities, args.file)
        elif auto_tagger is not None:
            entities = auto_tagger(args.model)(text)
        else:
            raise LocalizeError("no entities: pass --entities FILE.jsonl")
        config = LocalizeConfig(grounded=not args.open_vocabulary)
        types = tuple(t for t in args.types.split(",") if t) if args.types else None
        result = Localizer.load(args.vectors, config).rewrite(
            text, entities, args.target, args.source, types=types, policy=policy, mapping=saved
        )
        if args.mapping_out and result.mapping is not None:
            write_mapping(args.mapping_out, result.mapping)
    except LocalizeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if result.notice:  # the target names no country: say so where the user looks, not in the rewrite
        print(f"note: {result.notice}", file=sys.stderr)
    print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if args.json else result.text, end="")
    if args.json:
        print()
    return 0
