"""``python -m corpus conll FILE|DIR --output OUT --target India [--source USA] [--seed N]``: a labelled CoNLL
corpus with its people, places and organisations moved to another country, tags following the replacements."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from tqdm import tqdm

from corpus.conll import conll_files, read_documents, rewrite_document, write_documents
from localize import LocalizeConfig, LocalizeError, Localizer


def main(argv: list[str] | None = None) -> int:
    """Exit status 0 when every file was written, 2 when nothing could run."""
    args = _parser().parse_args(argv)
    try:
        localizer = Localizer.load(args.vectors, LocalizeConfig(seed=args.seed))
        pairs = list(conll_files(args.input, args.output))
        for source, destination in pairs:
            counts = rewrite_file(localizer, source, destination, args)
            kept = counts["kept"]
            print(f"{source} -> {destination}: {counts['replaced']} entities replaced, {kept} kept", file=sys.stderr)
    except (LocalizeError, FileNotFoundError, UnicodeDecodeError) as error:
        print(f"corpus: {error}", file=sys.stderr)
        return 2
    return 0


def rewrite_file(localizer: Localizer, source: Path, destination: Path, args: argparse.Namespace) -> Counter:
    documents = read_documents(source)
    types = tuple(t for t in args.types.split(",") if t)
    counts: Counter = Counter()
    rewritten = []
    for document in tqdm(documents, desc=source.name, unit="doc", file=sys.stderr, disable=None):
        new, records = rewrite_document(document, localizer, args.target, args.source, types)
        rewritten.append(new)
        counts.update("replaced" if r.replacement else "kept" for r in records if r.entity_group in types)
    write_documents(rewritten, destination)
    return counts


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m corpus", description=__doc__.split("\n\n")[0])
    jobs = parser.add_subparsers(dest="job", required=True)
    conll = jobs.add_parser("conll", help="rewrite a labelled CoNLL file or a train/dev/test folder")
    conll.add_argument("input", type=Path, help="a CoNLL file, or a folder with train.txt, dev.txt, test.txt")
    conll.add_argument("--output", type=Path, required=True, help="a file, or a folder for a folder input")
    conll.add_argument("--target", required=True, help="the country the entities move to (India, Japan, ...)")
    conll.add_argument("--source", default=LocalizeConfig.source)
    conll.add_argument("--types", default="PER,LOC,ORG", help="entity types to replace (MISC stays)")
    conll.add_argument("--seed", type=int, default=0, help="another seed gives other, equally ranked choices")
    conll.add_argument("--vectors", help="word vectors (default: the embedded GloVe)")
    return parser
