"""Do organisations move to their counterparts? Figures of issue #28 on the gold ORG entities of the CoNLL++ test
documents (and generated sentences naming every organisation of the source country in localize's tables).

    python benchmarks/organisations.py [--data DIR] [--targets India,Japan,Brazil,Germany,Nigeria,Mexico]
                                       [--source USA] [--docs N] [--ner-model accurate|fast|DIR] [--no-tagger]
                                       [--no-generated]

An organisation is "of the source country" when localize's data says so (localize/data/organisations.tsv or
companies.tsv names it with that country), or its words say its kind ("University", "Bank", "FC", ...) and a
place or demonym of the source country is in its name, or it is named after a place of the source country (a
team written "CHICAGO"), or a place of the source country is in its name; global brands and international bodies
are of no country. The place checks read GeoNames (localize.places) with no common-word filter, so they also count
names localize's own rule leaves alone ("Denver Symphony Orchestra": Denver is one of the vectors' common words).

Figures per target (one rewrite of all documents, source USA):
- source-country ORG replaced: the share of those organisations replaced (mentions); generated replaced: the
  same on the generated sentences (institutions, universities, companies, clubs, newspapers);
- same kind: moved organisations the data knows whose replacement the data gives the same kind (and sector or
  sport), or, moved with the place in their name, whose name is the original's around a place of the target;
- ORG type preserved: replaced ORG entities that ``ner``, re-run on the rewritten sentence (the line that holds
  the replacement), tags ORG; on the CoNLL documents, and on the generated sentences
  ("Officials of X said on Tuesday that ..." for every organisation of the source country in the tables);
- the no-regression figures of benchmarks/localize_quality.py that need no tagger (common.localize_figures).
"""

from __future__ import annotations

import sys
import time
from collections import Counter

from common import add_model_argument, benchmark_parser, labelled_documents, localize_figures, print_header, share

from conll import render
from localize import Localizer, RewriteResult, organisations, places
from localize.countries import find_country

TEMPLATE = "Officials of {name} said on Tuesday that they would meet again next month."


def country_in(words: list[str]) -> str | None:
    for word in words:
        found = find_country(word) if word[:1].isupper() else None
        if found is not None:
            return found.code
    inside = places.place_inside(list(words)) if len(words) > 1 else None
    return inside[0].place.country if inside is not None else None


def country_of(original: str, source: str) -> tuple[str | None, str]:
    """(the country the data puts the organisation in, how); None for global and international ones."""
    found = organisations.recognize(original, source, country_in)
    if found.kind in organisations.STAYS:
        return None, "global"
    if found.known is not None:
        return found.country, "data"
    whole = places._recognize_name(original)
    if whole is not None and whole.place is not None:
        return whole.place.country, "named after a place"
    if found.kind is not None:
        return found.country, "words"
    inside = places.place_inside(original.split()) if len(original.split()) > 1 else None
    return (inside[0].place.country, "place in name") if inside is not None else (None, "unknown")


def same_kind(original: str, replacement: str, source: str, target: str) -> bool:
    before = organisations.recognize(original, source, country_in)
    after = organisations.recognize(replacement, target, country_in)
    if before.known is not None and after.known is not None:
        return (after.kind, after.detail, after.country) == (before.kind, before.detail, target) or (
            after.kind == before.kind and before.kind == "company" and not before.detail and after.country == target
        )
    whole = places._recognize_name(replacement)
    if whole is not None and whole.place is not None:  # named after a place ("CHICAGO"): after one of the target
        return whole.place.country == target
    return country_in(replacement.split()) == target  # the place in the name moved


def org_type_preserved(tagger, results: list[RewriteResult]) -> str:
    """Replaced ORG entities that ner tags ORG on the rewritten line that holds them."""
    lines, spans = [], []
    for res in results:
        for r in res.replacements:
            if r.replacement and r.entity_group == "ORG":
                start = res.text.rfind("\n", 0, r.new_start) + 1
                end = res.text.find("\n", r.new_end)
                lines.append(res.text[start : end if end >= 0 else len(res.text)])
                spans.append((r.new_start - start, r.new_end - start))
    if not lines:
        return "-"
    tagged = tagger(lines)
    hits = sum(
        any(e["entity_group"] == "ORG" and e["start"] < b and e["end"] > a for e in entities)
        for (a, b), entities in zip(spans, tagged, strict=True)
    )
    return share(hits, len(lines))


def generated(source: str) -> list[tuple[str, list[dict]]]:
    """One sentence for every organisation of the source country in localize's hand table and companies file."""
    docs = []
    for organisation in organisations.organisations():
        if organisation.country == source:
            text = TEMPLATE.format(name=organisation.name)
            start = text.index(organisation.name)
            entity = {"entity_group": "ORG", "start": start, "end": start + len(organisation.name)}
            docs.append((text, [{**entity, "word": organisation.name, "score": 1.0}]))
    return docs


def main() -> int:
    parser = benchmark_parser(__doc__)
    parser.add_argument("--targets", default="India,Japan,Brazil,Germany,Nigeria,Mexico")
    parser.add_argument("--source", default="USA")
    parser.add_argument("--docs", type=int, default=0, help="first N documents only (0 = all)")
    add_model_argument(parser, "--ner-model")
    parser.add_argument("--no-tagger", action="store_true", help="skip the type-preservation figures")
    parser.add_argument(
        "--no-generated", action="store_true", help="the CoNLL++ documents only (minutes instead of ~25 per target)"
    )
    args = parser.parse_args()
    rendered = [render(document) for document in labelled_documents(args.data, "test")[: args.docs or None]]
    docs = [(doc.text, doc.entities()) for doc in rendered]
    source = find_country(args.source).code
    made = [] if args.no_generated else generated(source)
    print_header("organisations")
    tagger = None
    if not args.no_tagger:
        from ner import EntityTagger  # benchmarks are scripts: the only place localize meets ner

        tagger = EntityTagger.load(args.ner_model)
    orgs = [(e, text[e["start"] : e["end"]]) for text, ents in docs for e in ents if e["entity_group"] == "ORG"]
    ours = [(original, *country_of(original, source)) for _, original in orgs]
    how = Counter(way for _, code, way in ours if code == source)
    print(
        f"{len(docs)} documents, {len(orgs)} gold ORG mentions, {sum(c == source for _, c, _ in ours)} of the "
        f"source country ({', '.join(f'{n} {w}' for w, n in how.most_common())}); {len(made)} generated sentences"
    )
    localizer = Localizer.load()
    for target in args.targets.split(","):
        code = find_country(target).code
        start = time.perf_counter()
        results = [localizer.rewrite(text, entities, target, args.source) for text, entities in docs]
        seconds = time.perf_counter() - start
        records = [r for res in results for r in res.replacements if r.entity_group == "ORG"]
        mine = [r for r in records if country_of(r.original, source)[0] == source]
        moved = [r for r in mine if r.replacement]
        values = {
            "source-country ORG replaced": share(len(moved), len(mine)),
            "same kind": share(sum(same_kind(r.original, r.replacement, source, code) for r in moved), len(moved)),
        }
        made_results = [localizer.rewrite(text, entities, target, args.source) for text, entities in made]
        if made:
            replaced = sum(bool(r.replacements[0].replacement) for r in made_results)
            values["generated replaced"] = share(replaced, len(made))
        if tagger is not None:
            values["ORG type preserved"] = org_type_preserved(tagger, results)
            if made:
                values["ORG type preserved, generated"] = org_type_preserved(tagger, made_results)
        values |= localize_figures(results, code)
        print(f"\n## {target}\n" + "; ".join(f"{k} {v}" for k, v in values.items()) + f"; {seconds:.1f} s", flush=True)
        kept = Counter(r.original for r in mine if not r.replacement)
        print("kept most often: " + ", ".join(f"{o} ({n})" for o, n in kept.most_common(12)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
