"""Entity F1 of ``ner`` when CoNLL++ is given as raw text, next to the same model's token-level F1.

    python benchmarks/ner_rawtext.py [--model accurate|fast|DIR] [--data DIR] [--split test] [--docs N]
                                     [--precisions float32,int8,bfloat16]
                                     [--no-pipeline] [--aggregation simple] [--threads N]

Each document becomes one raw text in three layouts: "spaced" (tokens joined by spaces, a line per
sentence), "prose" (punctuation glued as in running text: no space before , . ) 's etc., none after ( $),
and "paragraph" (prose with the sentences of a document on one line, so sentence splitting is ner's job).
The gold tokens' character spans are known, so scores are exact-span entity F1 (type, start, end). The
token-level score feeds the gold CoNLL words and sentences to the same model (seqeval, IOB2). The
``transformers`` pipeline (aggregation "simple" unless ``--aggregation`` says otherwise, stride 128, one call per
document) is scored on the same texts.
"""

from __future__ import annotations

import time

import torch

from common import (  # benchmarks/ is on sys.path
    AGGREGATIONS,
    add_model_argument,
    benchmark_parser,
    labelled_documents,
    load_pipeline,
    model_label,
    print_header,
    token_level,
)

from conll import LAYOUTS, Rendered, render
from ner import EntityTagger, NerConfig


def prf(gold: set, predicted: set) -> tuple[float, float, float]:
    hits = len(gold & predicted)
    precision = hits / len(predicted) if predicted else 0.0
    recall = hits / len(gold) if gold else 0.0
    return precision, recall, 2 * precision * recall / (precision + recall) if hits else 0.0


def tagger_entities(tagger: EntityTagger, docs: list[Rendered]) -> set[tuple[int, int, int, str]]:
    results = tagger([doc.text for doc in docs])
    return {
        (n, e["start"], e["end"], e["entity_group"]) for n, entities in enumerate(results) for e in entities
    }


def pipeline_entities(pipe, docs: list[Rendered]) -> set[tuple[int, int, int, str]]:
    results = pipe([doc.text for doc in docs])
    return {
        (n, e["start"], e["end"], e["entity_group"]) for n, entities in enumerate(results) for e in entities
    }


def main() -> None:
    parser = benchmark_parser(__doc__)
    add_model_argument(parser)
    parser.add_argument("--split", default="test")
    parser.add_argument("--docs", type=int, help="only the first N documents")
    parser.add_argument("--batch-size", type=int, default=NerConfig.batch_size)
    parser.add_argument(
        "--precisions", default="float32", help="ner precisions to score, comma-separated (float32,int8,bfloat16)"
    )
    parser.add_argument("--no-pipeline", action="store_true", help="skip the transformers pipeline")
    parser.add_argument(
        "--aggregation", default="simple", choices=AGGREGATIONS, help="the pipeline's aggregation_strategy"
    )
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's choice)")
    args = parser.parse_args()

    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    documents = labelled_documents(args.data, args.split)[: args.docs]
    print_header("ner_rawtext")
    if args.threads:
        torch.set_num_threads(args.threads)
    taggers = {
        "ner" if precision == "float32" else f"ner {precision}": EntityTagger.load(
            args.model, NerConfig(batch_size=args.batch_size, precision=precision)
        )
        for precision in args.precisions.split(",")
    }
    tagger = next(iter(taggers.values()))
    pipe = None if args.no_pipeline else load_pipeline(None, tagger, args.aggregation)
    print(
        f"model: {model_label(args.model)}  case feature: {tagger.case_feature}  "
        f"context tokens: {tagger.context_tokens}  split: {args.split}  documents: {len(documents)}  "
        f"pipeline aggregation: {args.aggregation}"
    )
    spaced = [render(doc, "spaced") for doc in documents]
    for name, each in taggers.items():
        scores = token_level(each, spaced)
        print(
            f"{name:13s} token level (gold words)   seqeval F1 {100 * scores['conlleval']:.2f}"
            f"  (strict {100 * scores['strict']:.2f})"
        )
    for layout in LAYOUTS:
        docs = spaced if layout == "spaced" else [render(doc, layout) for doc in documents]
        gold = {(n, *entity) for n, doc in enumerate(docs) for entity in doc.gold()}
        runners = {name: (lambda d, t=each: tagger_entities(t, d)) for name, each in taggers.items()}
        if pipe is not None:
            runners["pipeline"] = lambda d: pipeline_entities(pipe, d)
        for name, run in runners.items():
            start = time.perf_counter()
            precision, recall, f1 = prf(gold, run(docs))
            print(
                f"{name:13s} raw text, {layout:9s}  span F1 {100 * f1:.2f}  (P {100 * precision:.2f}"
                f"  R {100 * recall:.2f})  {time.perf_counter() - start:.1f} s"
            )


if __name__ == "__main__":
    main()
