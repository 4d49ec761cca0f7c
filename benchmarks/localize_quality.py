"""Quality of localize on the CoNLL++ test documents (gold PER/LOC/ORG spans, raw text).

    python benchmarks/localize_quality.py [--conll PATH] [--docs N] [--ner-model PATH]

Prints: share of entities replaced, share of replacements closer to the target than to the source,
consistency violations, type agreement with the CoNLL++ train lexicon, and - when the ``ner`` package
and a trained model are available - type preservation (ner re-run on the rewritten text), for the
vector-only type filter, no filter, and the ner-based type checker. Exits 2 when ner is unavailable,
after printing everything else.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from localize import LocalizeConfig, Localizer, RewriteResult  # noqa: E402

CONLL = Path("/work/shared/data/conllpp")
TYPES = ("PER", "LOC", "ORG")


def read_documents(path: Path) -> list[tuple[str, list[dict]]]:
    """Raw text per document (tokens joined by spaces, sentences by newlines) and gold entity dicts."""
    docs, sentences = [], []
    for line in [*path.read_text(encoding="utf-8").splitlines(), "-DOCSTART-"]:
        if line.startswith("-DOCSTART-"):
            if sentences:
                docs.append(_document([s for s in sentences if s]))
            sentences = [[]]
        elif not line.strip():
            sentences.append([])
        else:
            parts = line.split()
            sentences[-1].append((parts[0], parts[-1]))
    return docs


def _document(sentences: list[list[tuple[str, str]]]) -> tuple[str, list[dict]]:
    text, entities, open_entity = "", [], None
    for number, sentence in enumerate(sentences):
        text += "\n" if number else ""
        for i, (word, tag) in enumerate(sentence):
            text += " " if i else ""
            if tag.startswith("B-") or tag == "O" or (open_entity and open_entity["entity_group"] != tag[2:]):
                open_entity = None
            if tag != "O":
                if open_entity is None:
                    open_entity = {"entity_group": tag[2:], "start": len(text), "score": 1.0}
                    entities.append(open_entity)
                open_entity["end"] = len(text) + len(word)
            text += word
        open_entity = None
    for entity in entities:
        entity["word"] = text[entity["start"] : entity["end"]]
    return text, entities


def train_lexicon(path: Path) -> dict[str, str]:
    """Lower-case single words that CoNLL++ train tags with exactly one entity type."""
    seen: dict[str, Counter] = defaultdict(Counter)
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[-1] != "O":
            seen[parts[0].lower()][parts[-1][2:]] += 1
    return {w: c.most_common(1)[0][0] for w, c in seen.items() if len(c) == 1}


def changed_words(original: str, replacement: str) -> list[str]:
    old, new = original.lower().split(), replacement.lower().split()
    return [w for w in new if w not in old]


def figures(loc: Localizer, results: list[RewriteResult], lexicon: dict[str, str]) -> dict[str, float]:
    records = [r for res in results for r in res.replacements if r.entity_group in TYPES]
    done = [r for r in records if r.replacement]
    kv, target, source = loc.index.kv, results[0].target, results[0].source
    closer = agree = known = 0
    for r in done:
        words = [w for w in changed_words(r.original, r.replacement) if loc.index.lookup(w)]
        keys = [loc.index.lookup(w) for w in words]
        closer += all(kv.similarity(k, target) > kv.similarity(k, source) for k in keys)
        types = {lexicon[w] for w in words if w in lexicon}
        known += bool(types)
        agree += types == {r.entity_group}
    return {
        "entities": len(records),
        "replaced": len(done) / max(len(records), 1),
        "closer_to_target": closer / max(len(done), 1),
        "consistency_violations": sum(violations(res) for res in results),
        "lexicon_type_agreement": agree / max(known, 1),
        "lexicon_covered": known / max(len(done), 1),
    }


def violations(result: RewriteResult) -> int:
    """Same (type, surface) with different replacements, plus partial mentions whose replacement words
    are not taken from their full form's replacement."""
    by_key: dict[tuple[str, str], set[str]] = defaultdict(set)
    full: dict[tuple[str, str], str] = {}
    for r in result.replacements:
        by_key[(r.entity_group, r.original.lower())].add((r.replacement or r.original).lower())
        full[(r.entity_group, r.original.lower())] = (r.replacement or r.original).lower()
    count = sum(len(v) - 1 for v in by_key.values())
    for r in result.replacements:
        if r.follows and r.replacement:
            source = full.get((r.entity_group, r.follows.lower()), "")
            count += not set(r.replacement.lower().split()) <= set(source.split())
    return count


def type_preservation(tagger, results: list[RewriteResult]) -> float:
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
    return hits / max(total, 1)


def load_tagger(model: str | None):
    try:
        from ner import EntityTagger  # benchmarks are scripts: the only place localize meets ner

        return EntityTagger.load(model)
    except Exception as exc:
        print(f"\nner unavailable ({type(exc).__name__}: {exc})", file=sys.stderr)
        print("type preservation (ner re-run on rewritten text) NOT measured: train/ship the ner model, "
              "then re-run this benchmark", file=sys.stderr)
        return None


def report(name: str, values: dict[str, float], seconds: float) -> None:
    shown = ", ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in values.items())
    print(f"{name:<22} {shown}, seconds={seconds:.1f}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conll", type=Path, default=CONLL)
    parser.add_argument("--docs", type=int, default=0, help="first N documents only (0 = all)")
    parser.add_argument("--ner-model", default=None)
    args = parser.parse_args()
    docs = read_documents(args.conll / "test.txt")[: args.docs or None]
    lexicon = train_lexicon(args.conll / "train.txt")
    print(f"{len(docs)} documents, {sum(len(e) for _, e in docs)} gold entities")
    tagger = load_tagger(args.ner_model)
    setups = {"vector type filter": (LocalizeConfig(), None), "no type filter": (
        LocalizeConfig(vector_type_filter=False), None)}
    if tagger is not None:
        setups["vector filter + ner"] = (LocalizeConfig(), tagger)
    for name, (config, checker) in setups.items():
        loc = Localizer.load(config=config)
        start = time.perf_counter()
        results = [loc.rewrite(text, entities, type_checker=checker) for text, entities in docs]
        values = figures(loc, results, lexicon)
        if tagger is not None:
            values["ner_type_preservation"] = type_preservation(tagger, results)
        report(name, values, time.perf_counter() - start)
    return 0 if tagger is not None else 2


if __name__ == "__main__":
    sys.exit(main())
