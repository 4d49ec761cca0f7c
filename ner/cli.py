"""``python -m ner FILE...``: tag UTF-8 text files (or stdin) and print one record per file."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tqdm import tqdm
from transformers.utils import logging as hf_logging

from ner.config import MODEL_HELP, PRECISIONS, NerConfig, NerError
from ner.formats import FORMATS, ResultWriter, decode_text
from ner.tagger import EntityTagger

_FILES_PER_CALL = 64  # files tagged together, so their sentences share batches


def main(argv: list[str] | None = None) -> int:
    """Exit status 0 when every file was tagged, 1 when some could not be read, 2 when nothing could run."""
    args = _parser().parse_args(argv)
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        config = NerConfig(
            batch_size=args.batch_size, precision=args.precision, workers=args.workers, num_threads=args.threads
        )
        tagger = EntityTagger.load(args.model, config)
    except NerError as error:
        print(f"ner: {error}", file=sys.stderr)
        return 2
    failed = tag_files(tagger, args.files, ResultWriter(sys.stdout, args.format))
    return 1 if failed else 0


def tag_files(tagger: EntityTagger, names: list[str], writer: ResultWriter) -> int:
    """Tag files a chunk at a time (their sentences share batches); returns how many could not be read."""
    failed = 0
    with tqdm(total=len(names), unit="file", file=sys.stderr, disable=len(names) < 2 or None) as bar:
        for first in range(0, len(names), _FILES_PER_CALL):
            chunk = names[first : first + _FILES_PER_CALL]
            named = []
            for name in chunk:
                try:
                    named.append((name, read_text(name)))
                except NerError as error:
                    tqdm.write(f"ner: {name}: {error}", file=sys.stderr)
                    failed += 1
            for (name, text), entities in zip(named, tagger([text for _, text in named]), strict=True):
                writer.write(name, text, entities)
            bar.update(len(chunk))
    return failed


def read_text(name: str) -> str:
    """Contents of a UTF-8 text file (``-``: stdin); NerError when unreadable, binary or not UTF-8."""
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as error:
        raise NerError(f"cannot read: {error.strerror or error}") from error
    try:
        return decode_text(data)
    except NerError as error:
        raise NerError(f"{error}, skipped") from error


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ner", description=__doc__)
    parser.add_argument("files", nargs="+", metavar="FILE", help="UTF-8 text files; - reads stdin")
    parser.add_argument("--model", metavar="accurate|fast|DIR", help=MODEL_HELP)
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="jsonl",
        help="jsonl: {file, entities} per file; csv: one row per entity; conll: word<TAB>tag",
    )
    parser.add_argument(
        "--batch-size", type=int, default=NerConfig.batch_size, help="sequences per forward pass"
    )
    parser.add_argument(
        "--precision",
        choices=PRECISIONS,
        default="auto",
        help="auto (default): the fastest on this CPU within 0.3 F1 of float32; int8: about 1.9x faster than "
        "float32; bfloat16: about 1.7x on CPUs with native bf16 (AVX512-BF16, AMX), slower elsewhere",
    )
    cores = os.cpu_count() or 1
    parser.add_argument(
        "--workers", type=int, default=cores, help=f"batches computed at once (default: the {cores} cores)"
    )
    parser.add_argument("--threads", type=int, default=1, help="torch threads per worker")
    return parser
