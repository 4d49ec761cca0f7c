"""Datasets through ner and localize.

``python -m corpus conll FILE|DIR --output OUT --target India [--source USA] [--seed N] [--switch all]``: a
labelled CoNLL corpus with its people, places and organisations moved to another country, tags following the
replacements (``--switch all``: every one of them, foreign countries included; conll.switch, docs/switch.md).

``python -m corpus tag INPUT --output OUT.parquet`` adds an ``entities`` column to every row;
``python -m corpus rewrite INPUT --output OUT.parquet --target India`` adds ``entities``, ``rewritten`` and
``replacements`` (``--mode pseudonymize|redact``, ``--keep FILE``, ``--force FILE``; ``--mapping-scope row|run``
adds a ``mapping`` column, and with run one map for all rows, saved with the shards).
INPUT: a .jsonl, .csv or .parquet file, a save_to_disk folder or a Hub dataset name; OUT.parquet
(.jsonl, .csv) is a folder of shards and a manifest.json (corpus.shards), ``--resume`` continues a killed run.

Exit status (``EXIT_STATUS``): 0 when every file or row was done or reported as skipped in its error column, 1 when
some rows failed (the tagger or the localizer raised on them), 2 when the run could not start or stopped (bad
arguments or input, a model that cannot be loaded).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from conll import ConllError
from conll.switch import SWITCH_HELP, SWITCH_MODES, switcher
from corpus.batch import load_saved_map
from corpus.config import ENGINES, MAPPING_SCOPES, CorpusConfig, CorpusError
from corpus.labelled import conll_files, rewrite_file
from localize import MODES, EntityMap, LocalizeConfig, LocalizeError, Localizer, Policy, read_force, read_keep
from localize.config import POOL_PARTS
from localize.countries import find_country, normalize
from localize.policy import REDACT_FORMAT
from ner.config import MODEL_HELP, PRECISIONS

EXIT_STATUS = (
    "Exit status: 0 when every row was done or skipped (a skipped row, e.g. a null or empty text, is reported in its "
    "error column), 1 when some rows failed (the tagger or the localizer raised on them; see their error column), "
    "2 when the run could not start or stopped (bad arguments or input, a model that cannot be loaded)."
)
READ_BACK = (
    "The shards together are the output, in input order: "
    'datasets.load_dataset("parquet", data_files=sorted(glob.glob("OUT.parquet/part-*.parquet")), split="train"). '
    "Parquet keeps every column's type; JSONL and CSV shards do not (a column null throughout one shard has no "
    "type there, which datasets' json loader refuses), so read those with pandas: "
    'pandas.concat(pandas.read_json(f, lines=True) for f in sorted(glob.glob("OUT.jsonl/part-*.jsonl"))).'
)


def main(argv: list[str] | None = None) -> int:
    """Runs the job; its exit status is as ``EXIT_STATUS`` says."""
    args = _parser().parse_args(argv)
    if args.job in ("tag", "rewrite"):
        return run_job(args)
    try:
        localizer = Localizer.load(args.vectors, LocalizeConfig(seed=args.seed, pool_part=args.pool_part))
        types = _types(args.types)
        policy = Policy(args.mode, read_keep(args.keep) if args.keep else ())
        source = args.source or LocalizeConfig.source
        target = args.target or source
        if args.mode == "localize" and args.target is None:
            raise LocalizeError("--target is needed for --mode localize (the country the entities move to)")
        if args.switch != "localize" and args.mode != "localize":
            raise LocalizeError("--switch all moves every entity to the target: it goes with --mode localize only")
        rewriter = switcher(localizer, args.switch)
        for path, destination in list(conll_files(args.input, args.output)):
            counts = rewrite_file(rewriter, path, destination, target, source, types, policy)
            kept = counts["kept"]
            print(f"{path} -> {destination}: {counts['replaced']} entities replaced, {kept} kept", file=sys.stderr)
    except (LocalizeError, ConllError, FileNotFoundError) as error:
        print(f"corpus: {error}", file=sys.stderr)
        return 2
    return 0


def run_job(args: argparse.Namespace) -> int:
    from transformers.utils import logging as hf_logging

    from corpus.run import run

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
            vectors=args.vectors if args.job == "rewrite" else None,
            **(_rewrite_settings(args) if args.job == "rewrite" else {}),
        )
        summary = run(config)
    except CorpusError as error:
        print(f"corpus: {error}", file=sys.stderr)
        return 2
    print(summary.line(config), file=sys.stderr)
    return 1 if summary.failed else 0


def _rewrite_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The localize config, policy and mapping settings of ``rewrite``: pseudonymize and redact stay in the
    source country, and write each row's mapping unless told otherwise. A saved ``--mapping`` gives the mode,
    target and source that were not named, and must fit those that were."""
    saved = load_saved_map(args.mapping) if args.mapping else None
    mode = args.mode or (saved.mode if saved is not None else "localize")
    target = args.target or (saved.target if saved is not None and mode == "localize" else None)
    source = args.source or (saved.source if saved is not None else LocalizeConfig.source)
    try:
        keep = read_keep(args.keep) if args.keep else ()
        policy = Policy(mode, keep, read_force(args.force) if args.force else {}, args.redact_format)
        if target is None and mode == "localize":
            raise CorpusError("--target is needed for --mode localize (the country the entities move to)")
        types = _types(args.types) if args.types else policy.types(LocalizeConfig.types)
        config = LocalizeConfig(target=target or source, source=source, types=types, seed=args.seed)
    except LocalizeError as error:
        raise CorpusError(str(error)) from error
    if saved is not None:
        _check_fits(saved, mode, config)
    scope = args.mapping_scope or (None if mode == "localize" else "row")
    return {"localize": config, "policy": policy, "mapping_scope": scope, "mapping_out": args.mapping_out,
            "mapping": args.mapping}  # fmt: skip


def _check_fits(saved: EntityMap, mode: str, config: LocalizeConfig) -> None:
    """A saved map is reused only for the mode and countries it was made for (its names belong to them)."""
    mismatches = [("mode", saved.mode, mode)] if saved.mode != mode else []
    for what, made, asked in (("source", saved.source, config.source), ("target", saved.target, config.target)):
        if not _same_place(made, asked):
            mismatches.append((what, made, asked))
    for what, made, asked in mismatches[:1]:
        raise CorpusError(f"--mapping was made for {what} {made}, not {asked}: leave --{what} out or pass {made}")


def _same_place(a: str, b: str) -> bool:
    """"India", "india" and "IN" are one target; an open-vocabulary target ("Atlantis") is its words."""
    found_a, found_b = find_country(a), find_country(b)
    if found_a is not None and found_b is not None:
        return found_a.code == found_b.code
    return normalize(a) == normalize(b)


def _types(spec: str) -> tuple[str, ...]:
    """``PER,LOC`` -> ("PER", "LOC")."""
    return tuple(t for t in spec.split(",") if t)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m corpus", description=__doc__.split("\n\n")[0], epilog=EXIT_STATUS
    )
    jobs = parser.add_subparsers(dest="job", required=True)
    conll = jobs.add_parser("conll", help="rewrite a labelled CoNLL file or a train/dev/test folder")
    conll.add_argument("input", type=Path, help="a CoNLL file, or a folder with train.txt, dev.txt, test.txt")
    conll.add_argument("--output", type=Path, required=True, help="a file, or a folder for a folder input")
    _localize_arguments(conll, default_types=True)
    conll.add_argument("--mode", choices=("localize", "pseudonymize"), default="localize",
                       help="pseudonymize: new names and places within --source (tags follow as for localize)")
    conll.add_argument("--keep", metavar="FILE", help="entities never replaced: one a line, /regex/ for a pattern")
    conll.add_argument(
        "--pool-part", choices=POOL_PARTS, default="all",
        help="names from this part of the per-country pools: 'train' for training copies, 'held-out' for audits",
    )  # fmt: skip
    conll.add_argument("--switch", choices=SWITCH_MODES, default="localize", help=SWITCH_HELP)
    epilog = f"{READ_BACK} {EXIT_STATUS}"
    tag = jobs.add_parser("tag", help="add an entities column to every row of a dataset", epilog=epilog)
    rewrite = jobs.add_parser(
        "rewrite", help="add entities, rewritten and replacements columns to every row", epilog=epilog
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
    _localize_arguments(rewrite)
    rewrite.add_argument("--mode", choices=MODES,
                         help="localize (the default, or --mapping's mode): to --target; pseudonymize: new names "
                         "and places within --source (the "
                         "default target); redact: numbered tags ([PERSON 1])")
    rewrite.add_argument("--keep", metavar="FILE", help="entities never replaced: one a line, /regex/ for a pattern")
    rewrite.add_argument("--force", metavar="FILE", help="'word TYPE' a line: entities wherever written, as written")
    rewrite.add_argument("--redact-format", default=REDACT_FORMAT, help="a redacted entity, from {tag} and {n}")
    rewrite.add_argument("--mapping-scope", choices=MAPPING_SCOPES,
                         help="a mapping column: each row's own map (row; the default of pseudonymize and redact), "
                         "or one map for every row, consistent across rows and saved with the shards (run)")
    rewrite.add_argument("--mapping-out", type=Path, metavar="MAP.json",
                         help="--mapping-scope run: a copy of the run's map at the end")
    rewrite.add_argument("--mapping", type=Path, metavar="MAP.json",
                         help="a saved mapping (--mapping-out, python -m localize --mapping-out) whose names every row "
                         "keeps; its mode, target and source are the defaults")
    return parser


def _localize_arguments(parser: argparse.ArgumentParser, default_types: bool = False) -> None:
    """What ``conll`` and ``rewrite`` ask of localize; the defaults are ``LocalizeConfig``'s."""
    parser.add_argument("--target", help="the country the entities move to (India, Japan, ...); needed for "
                        "--mode localize, else --source by default")
    parser.add_argument("--source", help=f"the country the text is set in (default: {LocalizeConfig.source}, or the "
                        "country of rewrite's --mapping)")
    parser.add_argument("--types", default=",".join(LocalizeConfig.types) if default_types else None,
                        help="entity types to replace (default: PER,LOC,ORG; MISC stays, except for redact)")
    parser.add_argument("--seed", type=int, default=LocalizeConfig.seed,
                        help="another seed gives other, equally ranked choices")
    parser.add_argument("--vectors", help="word vectors (default: the embedded GloVe)")
