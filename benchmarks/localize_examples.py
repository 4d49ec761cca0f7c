"""README's before/after table: a dozen sentences tagged by ``ner``, rewritten by the previous algorithm and by this
version, as Markdown rows.

    python benchmarks/localize_examples.py [--target India] [--source USA] [--model accurate|fast|DIR]
"""

from __future__ import annotations

import sys

from common import add_model_argument, benchmark_parser  # benchmarks/ is on sys.path

from localize import LocalizeConfig, Localizer
from ner import EntityTagger, NerConfig

SENTENCES = [
    "My name is Sarah and I live in Columbia.",
    "Angela Merkel met Emmanuel Macron in Berlin to discuss the euro.",
    "The band visited Los Angeles and San Francisco.",
    "Microsoft will open an office in Seattle.",
    "John Smith flew from New York to Chicago.",
    "Barack Obama and Michelle Obama flew from Washington to Los Angeles.",
    "Mary and her brother Tom moved to Texas.",
    "Jennifer Lopez sang in Miami. Later, Lopez thanked the crowd.",
    "Sampras beat Agassi at Wimbledon.",
    "The Knicks lost at Madison Square Garden, the New York Times reported.",
    "My name is Mitchell and I live in Paris.",
    "Bank of America opened a branch in Boston, Massachusetts.",
]


def main() -> int:
    parser = benchmark_parser(__doc__)
    parser.add_argument("--target", default="India")
    parser.add_argument("--source", default="USA")
    add_model_argument(parser)
    args = parser.parse_args()
    tagger = EntityTagger.load(args.model, NerConfig(precision="auto"))
    grounded, previous = Localizer.load(), Localizer.load(config=LocalizeConfig(grounded=False))
    print(f"| input | previous algorithm | this version ({args.source} -> {args.target}) |\n|---|---|---|")
    for sentence, entities in zip(SENTENCES, tagger(SENTENCES), strict=True):
        before = previous.rewrite(sentence, entities, args.target, args.source).text
        after = grounded.rewrite(sentence, entities, args.target, args.source).text
        print(f"| {sentence} | {before} | {after} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
