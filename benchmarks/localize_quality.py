"""How natural localize's rewrites are, on the gold PER/LOC/ORG entities of the CoNLL++ test documents.

    python benchmarks/localize_quality.py [--data DIR] [--targets India,Japan,Brazil,Germany] [--source USA]
                                          [--docs N] [--ner-model accurate|fast|DIR] [--precision auto]

Three algorithms side by side, per target: this version (grounded pools ranked by analogy), the previous one
(``LocalizeConfig(grounded=False)``, open-vocabulary analogy) and the plain word-by-word recipe
(``most_similar(positive=[target, word], negative=[source])`` for each word). Figures:
- replaced: share of entities replaced (per type), so that keeping everything is no hidden win;
- places in target: replaced cities and regions whose replacement is a GeoNames city or ISO 3166-2 region of
  the target country;
- names in target: replaced person names whose every word (initials aside) is a first name or surname of the
  target country (localize's pools, from names-dataset);
- gender kept: replaced first names whose gender (gender-guesser) is known and equal to the original's;
- repeats / fragments: replacements with a word twice ("Manila Manila") or a stand-alone piece of a multi-word
  place name ("Pradesh", "Sri", "Penh");
- consistency violations: one entity replaced two ways in a document, or a partial mention that does not follow;
- type preserved: replacements that ``ner``, re-run on the rewritten text, tags with the original type.
Documents are tokens joined by spaces with a line per sentence.
"""

from __future__ import annotations

import sys
import time
from functools import cache

from common import (  # benchmarks/ on sys.path
    INITIAL,
    add_model_argument,
    benchmark_parser,
    first_word_gender,
    is_target_name,
    labelled_documents,
    print_header,
    violations,
)

from conll import render
from localize import LocalizeConfig, Localizer, RewriteResult, places
from localize import names as name_data
from localize.countries import find_country, normalize, plain

TYPES = ("PER", "LOC", "ORG")


class WordByWord:
    """The plain recipe: each word of an entity replaced by ``most_similar([target, word], [source])``."""

    def __init__(self, localizer: Localizer) -> None:
        self.kv, self.lookup = localizer.index.kv, localizer.index.lookup

    @cache  # noqa: B019 - one instance per run
    def word(self, word: str, target: str, source: str) -> str:
        key = self.lookup(word)
        if key is None:
            return word
        best = self.kv.most_similar(positive=[target.lower(), key], negative=[source.lower()], topn=1)[0][0]
        return best.title() if word[:1].isupper() else best

    def rewrite(self, text: str, entities: list[dict], target: str, source: str) -> RewriteResult:
        from localize.result import Replacement
        from localize.text import splice

        records, edits = [], []
        for entity in sorted(entities, key=lambda e: e["start"]):
            original = text[entity["start"] : entity["end"]]
            record = Replacement(original, entity["entity_group"], entity["start"], entity["end"])
            if record.entity_group in TYPES:
                new = " ".join(self.word(w, target, source) for w in original.split())
                if new != original:
                    record.replacement = new
                    edits.append((record.start, record.end, new))
            records.append(record)
        new_text, spans = splice(text, edits)
        for record, span in zip([r for r in records if r.replacement], spans, strict=True):
            record.new_start, record.new_end = span
        return RewriteResult(new_text, text, target, source, records)


@cache
def fragment_words() -> frozenset[str]:
    """Words found only inside multi-word place names ("pradesh", "sri", "penh"): never names on their own."""
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
    key = normalize(plain(text))
    cities = {normalize(p.name) for p in places._cities_by_country().get(code, ())}
    regions = {normalize(p.name) for p in places.regions_of(code)}
    return key in cities or key in regions


def has_repeat_or_fragment(original: str, replacement: str) -> bool:
    """A word twice, or a fragment word that no whole place name in the replacement accounts for."""
    words = replacement.split()
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


def figures(results: list[RewriteResult], code: str) -> dict[str, str]:
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
        "places in target": _share(
            sum(is_target_place(r.replacement, code) for r in place_records), len(place_records)
        ),
        "names in target": _share(sum(is_target_name(r.replacement, code) for r in people), len(people)),
        "gender kept": _share(sum(a == b for a, b in gendered), len(gendered)),
        "repeats/fragments": str(sum(has_repeat_or_fragment(r.original, r.replacement) for r in everything)),
        "consistency violations": str(sum(violations(res) for res in results)),
    }


def _share(hits: int, total: int) -> str:
    return f"{hits / total:.1%} of {total}" if total else "-"


def type_preservation(tagger, results: list[RewriteResult]) -> str:
    """Share of replacements that ner, re-run on the rewritten text, tags with the original type."""
    tagged = tagger([res.text for res in results])
    hits = total = 0
    for res, entities in zip(results, tagged, strict=True):
        for r in res.replacements:
            if r.replacement and r.entity_group in TYPES:
                total += 1
                hits += any(
                    e["entity_group"] == r.entity_group and e["start"] < r.new_end and e["end"] > r.new_start
                    for e in entities
                )
    return _share(hits, total)


def main() -> int:
    parser = benchmark_parser(__doc__)
    parser.add_argument("--targets", default="India,Japan,Brazil,Germany")
    parser.add_argument("--source", default="USA")
    parser.add_argument("--docs", type=int, default=0, help="first N documents only (0 = all)")
    add_model_argument(parser, "--ner-model")  # the NER model that checks type preservation
    parser.add_argument("--precision", default="auto", help="NER precision (auto, float32, int8, bfloat16)")
    args = parser.parse_args()
    rendered = [render(document) for document in labelled_documents(args.data, "test")[: args.docs or None]]
    docs = [(doc.text, doc.entities()) for doc in rendered]
    print_header("localize_quality")
    print(f"{len(docs)} documents, {sum(len(e) for _, e in docs)} gold entities; source {args.source}")
    from ner import EntityTagger, NerConfig  # benchmarks are scripts: the only place localize meets ner

    tagger = EntityTagger.load(args.ner_model, NerConfig(precision=args.precision))
    grounded, previous = Localizer.load(), Localizer.load(config=LocalizeConfig(grounded=False))
    algorithms = {
        "this version": grounded.rewrite,
        "previous": previous.rewrite,
        "word by word": WordByWord(grounded).rewrite,
    }
    for target in args.targets.split(","):
        country = find_country(target)
        print(f"\n## {target} ({country.code if country else 'not a country'})")
        for name, rewrite in algorithms.items():
            start = time.perf_counter()
            results = [rewrite(text, entities, target, args.source) for text, entities in docs]
            seconds = time.perf_counter() - start
            values = figures(results, country.code if country else "")
            values["type preserved"] = type_preservation(tagger, results)
            print(f"{name:13s} " + "; ".join(f"{k} {v}" for k, v in values.items()) + f"; {seconds:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
