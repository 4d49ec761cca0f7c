"""What every benchmark shares: ``--data DIR`` (checked, a wrong path answered with one line) and a header that
names the CPU, since the fastest precision and every speed figure depend on it."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a script from anywhere

DATA = REPO.parent / "shared" / "data" / "conllpp"


def benchmark_parser(doc: str | None) -> argparse.ArgumentParser:
    """A parser with ``--data``; ``doc`` is the benchmark's module docstring (its first paragraph describes it)."""
    parser = argparse.ArgumentParser(
        description=(doc or "").split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data", type=Path, default=DATA, help=f"folder with CoNLL++ train/dev/test.txt (default: {DATA})"
    )
    return parser


def add_model_argument(parser: argparse.ArgumentParser, flag: str = "--model") -> None:
    """``--model accurate|fast|DIR``: a named model of ``ner.config.MODELS``, a directory or a hub id."""
    from ner.config import MODEL_HELP

    parser.add_argument(flag, metavar="accurate|fast|DIR", help=f"NER model: {MODEL_HELP}")


def model_label(model: str | None) -> str:
    """What ``--model`` named, for a benchmark's header: ``fast (models/ner-default)``, or the directory."""
    from ner.config import named_model

    named = named_model(model)
    return f"{named[0]} (models/{named[1].name})" if named else str(model)


def data_file(data: Path, split: str) -> Path:
    """``DATA/SPLIT.txt``; a missing folder or file ends the program with one line on stderr."""
    path = data / f"{split}.txt"
    if not path.is_file():
        where = f"{data} is not a folder" if not data.is_dir() else f"no {path.name} in {data}"
        sys.exit(f"{Path(sys.argv[0]).name}: {where} (--data takes a folder with CoNLL train/dev/test.txt)")
    return path


def print_header(name: str) -> None:
    """The benchmark, the date and the CPU with the flags that decide its kernel paths."""
    from ner.precision import cpu_info

    print(f"# {name}, {date.today().isoformat()}\n# {cpu_info().describe()}", flush=True)
