"""What the benchmarks share: ``--data DIR`` (checked, a wrong path answered with one line), its labelled
documents, a header that names the CPU (the fastest precision and every speed figure depend on it), and the
scoring and baseline of the NER benchmarks. The benchmarks import this module and the project's packages, never
each other."""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conll import Document, Rendered
    from localize import RewriteResult
    from ner import EntityTagger

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


def labelled_documents(data: Path, split: str) -> list[Document]:
    """The documents of ``DATA/SPLIT.txt`` that hold a sentence (``conll``, IOB2)."""
    from conll import read_documents

    return [document for document in read_documents(data_file(data, split)) if document.sentences]


def token_level(tagger: EntityTagger, docs: list[Rendered]) -> dict[str, float]:
    """seqeval F1 from gold words and sentences (the spaced layout), as in training's evaluation."""
    from seqeval.metrics import f1_score
    from seqeval.scheme import IOB2

    from ner.text import Segmentation

    segmentations = []
    for doc in docs:
        words = [span for spans in doc.spans for span in spans]
        bounds, first = [], 0
        for spans in doc.spans:
            bounds.append((first, first + len(spans)))
            first += len(spans)
        segmentations.append(Segmentation(doc.text, words, bounds))
    labels = tagger.label_words(segmentations)
    gold = [[token.tag for token in sentence] for doc in docs for sentence in doc.sentences]
    predicted = []
    for doc, doc_labels in zip(docs, labels, strict=True):
        first = 0
        for sentence in doc.sentences:
            predicted.append([label for label, _ in doc_labels[first : first + len(sentence)]])
            first += len(sentence)
    return {
        "conlleval": f1_score(gold, predicted),
        "strict": f1_score(gold, predicted, mode="strict", scheme=IOB2),
    }


AGGREGATIONS = ("simple", "first", "average", "max")  # those that merge word pieces into words


def load_pipeline(model: str | None, tagger: EntityTagger, aggregation: str = "simple") -> Any:
    """The ``transformers`` token-classification pipeline on ``model`` (None: the tagger's), stride 128."""
    from transformers import pipeline

    return pipeline(
        "token-classification",
        model=tagger.model if model is None else model,
        tokenizer=tagger.tokenizer,
        aggregation_strategy=aggregation,
        stride=128,
        device="cpu",
    )


# --- localize: the figures localize_quality.py and naturalness.py share (no tagger) ---------------------------

TYPES = ("PER", "LOC", "ORG")
INITIAL = re.compile(r"^[A-Z]\.?$")


@cache
def fragment_words() -> frozenset[str]:
    """Words found only inside multi-word place names ("pradesh", "sri", "penh"): never names on their own."""
    from localize import names as name_data
    from localize import places

    inside: set[str] = set()
    whole: set[str] = set()
    for key in places._world_cities():
        (inside if " " in key else whole).update(key.split() if " " in key else [key])
    for key in places._world_regions():
        (inside if " " in key else whole).update(key.split() if " " in key else [key])
    common = name_data._common_english_words()
    return frozenset(
        w
        for w in inside - whole
        if w.isalpha() and w not in common and name_data.surname_rank(w) is None and not name_data.is_first_name(w)
    )


def is_target_place(text: str, code: str) -> bool:
    from localize import places
    from localize.countries import normalize, plain

    key = normalize(plain(text))
    cities = {normalize(p.name) for p in places._cities_by_country().get(code, ())}
    regions = {normalize(p.name) for p in places.regions_of(code)}
    return key in cities or key in regions


def is_target_name(text: str, code: str) -> bool:
    from localize import names as name_data

    pools = name_data.load_pools().get(code)
    if pools is None:
        return False
    known = {n.lower() for n in (*pools.male, *pools.female, *pools.surname)}
    words = [w for w in text.split() if not INITIAL.match(w)]
    return bool(words) and all(w.lower() in known for w in words)


def first_word_gender(text: str) -> str | None:
    from localize import names as name_data

    words = [w for w in text.split() if not INITIAL.match(w)]
    return name_data.gender_of(words[0]) if words else None


def real(record) -> bool:
    """The replacement is an organisation of localize's tables as a whole ("Frankfurt Stock Exchange"): its words
    are a real name's, no fragments of a place name."""
    from localize import organisations

    known = organisations.recognize(record.replacement, None)
    return record.entity_group == "ORG" and known.known is not None and record.kind == known.kind


def has_repeat_or_fragment(original: str, replacement: str, real_name: bool = False) -> bool:
    """A word twice, or (unless ``real_name``) a fragment word that no whole place name in the replacement
    accounts for."""
    from localize import places

    words = replacement.split()
    if real_name:  # "Supreme Court of Justice of the Nation": a real name may say "of" twice
        content = [w.lower() for w in words if w.lower() not in ("of", "the", "and", "de", "del", "do", "da")]
        return len(set(content)) < len(content)
    if len({w.lower() for w in words}) < len(words):
        return True
    covered: set[int] = set()
    for first, end in [(0, len(words)), *places._sub_spans(len(words))]:
        if places._recognize_name(" ".join(words[first:end])) is not None and end - first > 1:
            covered.update(range(first, end))
    fragments = fragment_words()
    return any(
        w.lower() in fragments and w.lower() not in original.lower().split() and i not in covered
        for i, w in enumerate(words)
    )


def localize_figures(results: list[RewriteResult], code: str) -> dict[str, str]:
    """localize_quality's figures that need no tagger: replaced shares, places and names in target, gender kept,
    repeats/fragments, consistency violations."""
    from localize import names as name_data
    from localize import places

    records = [r for res in results for r in res.replacements if r.entity_group in TYPES]
    replaced = {t: [r for r in records if r.entity_group == t and r.replacement] for t in TYPES}
    totals = {t: sum(r.entity_group == t for r in records) for t in TYPES}
    place_records = [
        r
        for r in replaced["LOC"]
        if places._recognize_name(r.original) is not None
        and places._recognize_name(r.original).kind in ("city", "region")
    ]
    people = replaced["PER"]
    gendered = []
    for r in people:
        words = [w for w in r.original.split() if not INITIAL.match(w)]
        single_surname = len(words) == 1 and r.kind not in (None, "first name")
        source_gender = None if single_surname else name_data.gender_of(words[0])
        if source_gender is not None:
            gendered.append((source_gender, first_word_gender(r.replacement)))
    everything = [r for t in TYPES for r in replaced[t]]
    return {
        "replaced PER/LOC/ORG": " / ".join(f"{len(replaced[t]) / max(totals[t], 1):.0%}" for t in TYPES),
        "places in target": share(sum(is_target_place(r.replacement, code) for r in place_records), len(place_records)),
        "names in target": share(sum(is_target_name(r.replacement, code) for r in people), len(people)),
        "gender kept": share(sum(a == b for a, b in gendered), len(gendered)),
        "repeats/fragments": str(sum(has_repeat_or_fragment(r.original, r.replacement, real(r)) for r in everything)),
        "consistency violations": str(sum(violations(res) for res in results)),
    }


def share(hits: int, total: int) -> str:
    return f"{hits / total:.1%} of {total}" if total else "-"


def violations(result: RewriteResult) -> int:
    """Same (type, surface) replaced two ways, plus partial mentions not taking their full form's words."""
    by_key: dict[tuple[str, str], set[str]] = defaultdict(set)
    full: dict[tuple[str, str], str] = {}
    for r in result.replacements:
        by_key[(r.entity_group, r.original.lower())].add((r.replacement or r.original).lower())
        full[(r.entity_group, r.original.lower())] = (r.replacement or r.original).lower()
    count = sum(len(v) - 1 for v in by_key.values())
    for r in result.replacements:
        if r.follows and r.replacement:
            count += not set(r.replacement.lower().split()) <= set(
                full.get((r.entity_group, r.follows.lower()), "").split()
            )
    return count
