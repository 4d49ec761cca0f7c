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
from dataclasses import dataclass
from pathlib import Path

import torch
from seqeval.metrics import f1_score
from seqeval.metrics.sequence_labeling import get_entities
from seqeval.scheme import IOB2

from common import (  # benchmarks/ is on sys.path
    add_model_argument,
    benchmark_parser,
    data_file,
    model_label,
    print_header,
)

from ner import EntityTagger, NerConfig
from ner.text import Segmentation

LAYOUTS = ("spaced", "prose", "paragraph")
NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "n't", "'"}
NO_SPACE_AFTER = {"(", "[", "{", "$"}
Sentence = list[tuple[str, str]]  # (token, IOB2 tag)
Span = tuple[int, int]


@dataclass
class RawDoc:
    """A document rendered as text, with every gold token's character span."""

    text: str
    sentences: list[Sentence]
    spans: list[list[Span]]

    def gold(self) -> set[tuple[int, int, str]]:
        entities = set()
        for sentence, spans in zip(self.sentences, self.spans, strict=True):
            for kind, first, last in get_entities([tag for _, tag in sentence]):
                entities.add((spans[first][0], spans[last][1], kind))
        return entities


def read_documents(path: Path) -> list[list[Sentence]]:
    """CoNLL columns ``word POS chunk tag``; ``-DOCSTART-`` starts a document, blank lines end sentences."""
    documents: list[list[Sentence]] = []
    sentence: Sentence = []
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        parts = line.split()
        if parts and parts[0] == "-DOCSTART-":
            documents.append([])
        elif parts:
            sentence.append((parts[0], parts[-1]))
        elif sentence:
            if not documents:
                documents.append([])
            documents[-1].append(sentence)
            sentence = []
    return [doc for doc in documents if doc]


def render(document: list[Sentence], layout: str) -> RawDoc:
    """The document as raw text in one of ``LAYOUTS``."""
    text, spans = "", []
    for number, sentence in enumerate(document):
        if number:
            text += " " if layout == "paragraph" else "\n"
        sentence_spans = []
        quotes = 0
        for index, (token, _) in enumerate(sentence):
            if index and (layout == "spaced" or not _glued(sentence, index, quotes)):
                text += " "
            quotes += token == '"'
            sentence_spans.append((len(text), len(text) + len(token)))
            text += token
        spans.append(sentence_spans)
    return RawDoc(text, document, spans)


def _glued(sentence: Sentence, index: int, quotes: int) -> bool:
    """No space between tokens index-1 and index in prose (``quotes``: '"' seen before index)."""
    token, previous = sentence[index][0], sentence[index - 1][0]
    if token == '"':
        return quotes % 2 == 1  # a closing quote
    if previous == '"':
        return quotes % 2 == 1  # after an opening quote
    return (
        token in NO_SPACE_BEFORE or (token.startswith("'") and len(token) <= 3) or previous in NO_SPACE_AFTER
    )


def prf(gold: set, predicted: set) -> tuple[float, float, float]:
    hits = len(gold & predicted)
    precision = hits / len(predicted) if predicted else 0.0
    recall = hits / len(gold) if gold else 0.0
    return precision, recall, 2 * precision * recall / (precision + recall) if hits else 0.0


def tagger_entities(tagger: EntityTagger, docs: list[RawDoc]) -> set[tuple[int, int, int, str]]:
    results = tagger([doc.text for doc in docs])
    return {
        (n, e["start"], e["end"], e["entity_group"]) for n, entities in enumerate(results) for e in entities
    }


def pipeline_entities(pipe, docs: list[RawDoc]) -> set[tuple[int, int, int, str]]:
    results = pipe([doc.text for doc in docs])
    return {
        (n, e["start"], e["end"], e["entity_group"]) for n, entities in enumerate(results) for e in entities
    }


def token_level(tagger: EntityTagger, docs: list[RawDoc]) -> dict[str, float]:
    """seqeval F1 from gold words and sentences (the spaced layout), as in training's evaluation."""
    segmentations = []
    for doc in docs:
        words = [span for spans in doc.spans for span in spans]
        bounds, first = [], 0
        for spans in doc.spans:
            bounds.append((first, first + len(spans)))
            first += len(spans)
        segmentations.append(Segmentation(doc.text, words, bounds))
    labels = tagger.label_words(segmentations)
    gold = [[tag for _, tag in sentence] for doc in docs for sentence in doc.sentences]
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


def load_pipeline(model: str | None, tagger: EntityTagger, aggregation: str = "simple"):
    from transformers import pipeline

    return pipeline(
        "token-classification",
        model=tagger.model if model is None else model,
        tokenizer=tagger.tokenizer,
        aggregation_strategy=aggregation,
        stride=128,
        device="cpu",
    )


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
    documents = read_documents(data_file(args.data, args.split))[: args.docs]
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
