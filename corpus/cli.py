"""Datasets through ner and localize.

``python -m corpus conll FILE|DIR --output OUT --target India [--source USA] [--seed N]``: a labelled CoNLL
corpus with its people, places and organisations moved to another country, tags following the replacements.

``python -m corpus tag INPUT --output OUT.parquet`` adds an ``entities`` column to every row;
``python -m corpus rewrite INPUT --output OUT.parquet --target India`` adds ``entities``, ``rewritten`` and
``replacements``. INPUT: a .jsonl, .csv or .parquet file, a save_to_disk folder or a Hub dataset name; OUT.parquet
(.jsonl, .csv) is a folder of shards and a manifest.json (corpus.shards), ``--resume`` continues a killed run.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from tqdm import tqdm

from corpus.config import ENGINES, CorpusConfig, CorpusError
from corpus.conll import conll_files, read_documents, rewrite_document, write_documents
from localize import LocalizeConfig, LocalizeError, Localizer
from localize.config import POOL_PARTS
from ner.config import MODEL_HELP, PRECISIONS

READ_BACK = (
    "The shards together are the output, in input order: "
    'datasets.load_dataset("parquet", data_files=sorted(glob.glob("OUT.parquet/part-*.parquet")), split="train"). '
    "Parquet keeps every column's type; JSONL and CSV shards do not (a column null throughout one shard has no "
    "type there, which datasets' json loader refuses), so read those with pandas: "
    'pandas.concat(pandas.read_json(f, lines=True) for f in sorted(glob.glob("OUT.jsonl/part-*.jsonl"))).'
)


def main(argv: list[str] | None = None) -> int:
    """Exit status 0 when every file or row was done, 1 when some rows were skipped or failed (see their error
    column), 2 when nothing could run."""
    args = _parser().parse_args(argv)
    if args.job in ("tag", "rewrite"):
        return run_job(args)
    try:
        localizer = Localizer.load(args.vectors, LocalizeConfig(seed=args.seed, pool_part=args.pool_part))
        pairs = list(conll_files(args.input, args.output))
        for source, destination in pairs:
            counts = rewrite_file(localizer, source, destination, args)
            kept = counts["kept"]
            print(f"{source} -> {destination}: {counts['replaced']} entities replaced, {kept} kept", file=sys.stderr)
    except (LocalizeError, FileNotFoundError, UnicodeDecodeError) as error:
        print(f"corpus: {error}", file=sys.stderr)
        return 2
    return 0


def run_job(args: argparse.Namespace) -> int:
    from transformers.utils import logging as hf_logging

    from corpus.jobs import run

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        if args.engine != "ray" and (args.actors is not None or args.address is not None):
            raise CorpusError("--actors and --address are settings of --engine ray")
        config = CorpusConfig(
            job=args.job,
            input=args.input,
            output=args.output,
            text_column=args.text_column,
            id_column=args.id_column,
            split=args.split,
            model=args.model,
            precision=args.precision,
            batch_size=args.batch_size,
            shard_rows=args.shard_rows,
            max_chars=args.max_chars,
            resume=args.resume,
            engine=args.engine,
            actors=CorpusConfig.actors if args.actors is None else args.actors,
            address=args.address,
            **(
                {
                    "target": args.target,
                    "source": args.source,
                    "types": tuple(t for t in args.types.split(",") if t),
                    "seed": args.seed,
                    "vectors": args.vectors,
                }
                if args.job == "rewrite"
                else {}
            ),
        )
        summary = run(config)
    except CorpusError as error:
        print(f"corpus: {error}", file=sys.stderr)
        return 2
    print(summary.line(config), file=sys.stderr)
    return 1 if summary.skipped or summary.failed else 0


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
    conll.add_argument(
        "--pool-part", choices=POOL_PARTS, default="all",
        help="names from this part of the per-country pools: 'train' for training copies, 'held-out' for audits",
    )  # fmt: skip
    tag = jobs.add_parser("tag", help="add an entities column to every row of a dataset", epilog=READ_BACK)
    rewrite = jobs.add_parser(
        "rewrite", help="add entities, rewritten and replacements columns to every row", epilog=READ_BACK
    )
    defaults = CorpusConfig("tag", "", Path("out.parquet"))
    for job in (tag, rewrite):
        job.add_argument("input", help="a .jsonl, .csv or .parquet file, a save_to_disk folder, or a Hub dataset name")
        job.add_argument("--output", type=Path, required=True, metavar="OUT.parquet|OUT.jsonl|OUT.csv",
                         help="a folder of numbered shards and a manifest.json; the extension picks their format")
        job.add_argument("--text-column", default=defaults.text_column)
        job.add_argument("--id-column", help="a column of row ids, checked when resuming")
        job.add_argument("--split", default=defaults.split, help="of a Hub dataset or a save_to_disk DatasetDict")
        job.add_argument("--model", metavar="accurate|fast|DIR", help=MODEL_HELP)
        job.add_argument("--precision", choices=PRECISIONS, default=defaults.precision)
        job.add_argument("--batch-size", type=int, default=defaults.batch_size, help="rows read and tagged at a time")
        job.add_argument("--shard-rows", type=int, default=defaults.shard_rows, help="rows per output shard")
        job.add_argument("--max-chars", type=int, default=defaults.max_chars,
                         help="longer texts are skipped, with a message in their error column")
        job.add_argument("--resume", action="store_true", help="continue the killed run in OUT, with its settings")
        job.add_argument("--engine", default=defaults.engine, metavar="|".join(ENGINES),
                         help="default: batches one after another in this process; ray: on Ray Data, one model per "
                         "actor (pip install -r requirements-ray.txt); the same output rows either way")
        job.add_argument("--actors", type=int, metavar="N",
                         help=f"--engine ray: actors, each loading its own models (default: {defaults.actors})")
        job.add_argument("--address", metavar="ADDR",
                         help="--engine ray: join this Ray cluster (default: start a local Ray instance for the run)")
    rewrite.add_argument("--target", required=True, help="the country the entities move to (India, Japan, ...)")
    rewrite.add_argument("--source", default=LocalizeConfig.source)
    rewrite.add_argument("--types", default="PER,LOC,ORG", help="entity types to replace (MISC stays)")
    rewrite.add_argument("--seed", type=int, default=0, help="another seed gives other, equally ranked choices")
    rewrite.add_argument("--vectors", help="word vectors (default: the embedded GloVe)")
    return parser
