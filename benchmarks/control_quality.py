"""Modes, keep/force and mappings (issue #26), on the gold PER/LOC/ORG entities of the CoNLL++ test documents.

    python benchmarks/control_quality.py [--data DIR] [--targets India,Japan,Brazil,Germany]
                                         [--pseudonymize USA,India,Germany] [--docs N]

- restore identity: ``restore(rewrite(x), mapping) == x`` per document, for each mode and target (localize from
  USA to the target, pseudonymize and redact within the target), the mapping through its JSON and back;
- redact leaks: replaced entities whose original string is still in the redacted text as a whole word (redact
  takes all four types, MISC too, when none are named);
- keep/force: the 10 most frequent entity strings kept, every 3rd person's string removed from the entities and
  forced instead; a row honours them when no kept string is replaced and every whole-word occurrence of a forced
  string is an entity of its type in the result;
- series: each document cut in two halves, the second rewritten with the first's mapping: entities of both halves
  that keep their replacement, and new replacements of the second half equal to one of the first (collisions);
- pseudonymize C -> C: persons changed (no word of the original name left, initials aside), every word a name of
  C's pools, first-name gender kept, moved cities and regions of the original's own country, consistency
  violations (one entity replaced two ways, a partial mention not following its full form).
Documents are tokens joined by spaces with a line per sentence.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from functools import cache

from common import (  # benchmarks/ on sys.path
    INITIAL,
    benchmark_parser,
    first_word_gender,
    is_target_name,
    labelled_documents,
    print_header,
    violations,
)

from conll import Document, render
from localize import MODES, EntityMap, Localizer, Policy, RewriteResult, names, places, restore
from localize.countries import find_country, normalize, plain

Doc = tuple[str, list[dict]]


def share(hits: int, total: int) -> str:
    return f"{hits / total:.1%} of {total}" if total else "-"


def identity(rewrite: Callable[[str, list[dict]], RewriteResult], docs: list[Doc]) -> tuple[int, int]:
    """(documents restored byte for byte, replaced entities whose original is still in the text)."""
    same = leaks = 0
    for text, entities in docs:
        result = rewrite(text, entities)
        saved = EntityMap.from_dict(json.loads(json.dumps(result.mapping.to_dict())))
        same += restore(result.text, saved) == text
        leaks += sum(bool(re.search(rf"(?<!\w){re.escape(span.original)}(?!\w)", result.text)) for span in saved.spans)
    return same, leaks


def keep_and_force(localizer: Localizer, docs: list[Doc], mode: str, target: str, source: str) -> tuple[int, int]:
    """(rows that honour keep and force, rows)."""
    counts = Counter(text[e["start"] : e["end"]] for text, entities in docs for e in entities)
    keep = tuple(word for word, _ in counts.most_common(10))
    people = sorted({text[e["start"] : e["end"]] for text, es in docs for e in es if e["entity_group"] == "PER"})
    force = {word: "PER" for word in people[::3] if not any(word.lower() == k.lower() for k in keep)}
    policy = Policy(mode, keep, force)  # type: ignore[arg-type]
    honoured = 0
    for text, entities in docs:
        tagged = [e for e in entities if text[e["start"] : e["end"]] not in force]
        result = localizer.rewrite(text, tagged, target, source, policy=policy)
        kept_ok = not any(policy.kept(span.original) for span in result.mapping.spans)
        found = {(r.start, r.end, r.entity_group) for r in result.replacements}
        forced_ok = all(
            (m.start(), m.end(), group) in found or _inside_longer(m.start(), m.end(), result)
            for word, group in force.items()
            for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text)
        )
        honoured += kept_ok and forced_ok
    return honoured, len(docs)


def _inside_longer(start: int, end: int, result: RewriteResult) -> bool:
    """A forced word inside a longer forced span ("Ian" in "Ian Botham") is that span's."""
    return any(r.start <= start and end <= r.end and (r.start, r.end) != (start, end) for r in result.replacements)


def series(localizer: Localizer, documents: list[Document], mode: str) -> tuple[int, int, int]:
    """(entities of both halves given the same replacement, such entities, collisions)."""
    same = shared = collisions = 0
    target = "India" if mode == "localize" else "USA"
    for document in documents:
        cut = len(document.sentences) // 2
        if not cut:
            continue
        first, second = (render(Document(document.header, part))
                         for part in (document.sentences[:cut], document.sentences[cut:]))
        one = localizer.rewrite(first.text, first.entities(), target, "USA", policy=Policy(mode))  # type: ignore[arg-type]
        two = localizer.rewrite(second.text, second.entities(), policy=Policy(mode), mapping=one.mapping)  # type: ignore[arg-type]
        before = {(r.entity_group, r.original): r.replacement for r in one.replacements}
        given = {v for v in before.values() if v}
        for record in two.replacements:
            key = (record.entity_group, record.original)
            if key in before:
                shared += 1
                same += before[key] == record.replacement
            elif record.replacement in given and not record.follows and record.kind != "country":
                collisions += 1  # ("U.S." and "United States" both become the target country: no collision)
    return same, shared, collisions


def pseudonymize_figures(results: list[RewriteResult], code: str) -> dict[str, str]:
    records = [r for result in results for r in result.replacements]
    people = [r for r in records if r.entity_group == "PER"]
    changed = [r for r in people if r.replacement and _no_word_left(r.original, r.replacement)]
    gendered = [(names.gender_of(r.original.split()[0]), first_word_gender(r.replacement)) for r in changed
                if r.kind in ("full name", "first name") and not INITIAL.match(r.original.split()[0])]
    gendered = [(a, b) for a, b in gendered if a is not None]
    moved = [r for r in records if r.entity_group == "LOC" and r.replacement and r.kind in ("city", "region")]
    return {
        "persons changed": share(len(changed), len(people)),
        "names of the pools": share(sum(is_target_name(r.replacement, code) for r in changed), len(changed)),
        "gender kept": share(sum(a == b for a, b in gendered), len(gendered)),
        "places of the same country": share(sum(_same_country(r.original, r.replacement) for r in moved), len(moved)),
        "places moved": share(len(moved), sum(_kind(r.original) in ("city", "region")
                                              for r in records if r.entity_group == "LOC")),
        "consistency violations": str(sum(violations(result) for result in results)),
    }


def _no_word_left(original: str, replacement: str) -> bool:
    words = {w.lower() for w in original.split() if not INITIAL.match(w)}
    return not words & {w.lower() for w in replacement.split()}


def _kind(text: str) -> str | None:
    found = places._recognize_name(text)
    return found.kind if found is not None else None


def _same_country(original: str, replacement: str) -> bool:
    before = places._recognize_name(original)
    return before is not None and before.place is not None and normalize(plain(replacement)) in _places_of(
        before.place.country
    )


@cache
def _places_of(code: str) -> frozenset[str]:
    """The normalized names of a country's GeoNames cities and ISO 3166-2 regions."""
    found = (*places._cities_by_country().get(code, ()), *places.regions_of(code))
    return frozenset(normalize(plain(place.name)) for place in found)


def main() -> int:
    parser = benchmark_parser(__doc__)
    parser.add_argument("--targets", default="India,Japan,Brazil,Germany")
    parser.add_argument("--pseudonymize", default="USA,India,Germany")
    parser.add_argument("--docs", type=int, default=0, help="first N documents only (0 = all)")
    args = parser.parse_args()
    rendered = [render(document) for document in labelled_documents(args.data, "test")[: args.docs or None]]
    docs = [(doc.text, doc.entities()) for doc in rendered]
    print_header("control_quality")
    print(f"{len(docs)} documents, {sum(len(e) for _, e in docs)} gold entities")
    localizer = Localizer.load()
    print("\n## restore(rewrite(x)) == x, and redact leaks")
    for target in args.targets.split(","):
        for mode in MODES:
            source = "USA" if mode == "localize" else target
            start = time.perf_counter()
            same, leaks = identity(
                lambda t, e, m=mode, s=source, g=target: localizer.rewrite(t, e, g, s, policy=Policy(m)), docs
            )
            leak = f"; originals left in the text {leaks}" if mode == "redact" else ""
            print(f"{target:8s} {mode:12s} restored {same} of {len(docs)}{leak}; "
                  f"{time.perf_counter() - start:.1f} s", flush=True)
    print("\n## keep and force honoured (rows)")
    for mode in MODES:
        honoured, rows = keep_and_force(localizer, docs, mode, "India", "USA" if mode == "localize" else "India")
        print(f"{mode:12s} {honoured} of {rows}", flush=True)
    print("\n## series: the second half of each document rewritten with the first half's mapping")
    documents = labelled_documents(args.data, "test")[: args.docs or None]
    for mode in MODES:
        same, shared, collisions = series(localizer, documents, mode)
        print(f"{mode:12s} same replacement {share(same, shared)}; collisions {collisions}", flush=True)
    print("\n## pseudonymize C -> C")
    for name in args.pseudonymize.split(","):
        country = find_country(name)
        results = [localizer.rewrite(t, e, name, name, policy=Policy("pseudonymize")) for t, e in docs]
        values = pseudonymize_figures(results, country.code)
        print(f"{name:8s} " + "; ".join(f"{k} {v}" for k, v in values.items()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
