"""The shipped default model must keep the conllpp test F1 that README and metrics.json report, and its faster
precisions must keep agreeing with it."""

import json
import sys

import pytest

from training.evaluate import evaluate_model_dirs

from .helpers import CONLLPP, REPO, one_thread

MODEL = REPO / "models" / "ner-default"
MARGIN = 0.003  # fp16 weights evaluated in fp32 move F1 by a few hundredths of a point at most

pytestmark = pytest.mark.slow


def test_shipped_model_keeps_its_reported_test_f1():
    if not CONLLPP.is_dir():
        pytest.skip("../shared/data/conllpp not present")
    reported = json.loads((MODEL / "metrics.json").read_text())["test"]
    measured = evaluate_model_dirs([str(MODEL)], str(CONLLPP), "test")
    assert measured["sentences"] == reported["sentences"] == 3453
    assert measured["f1"] >= reported["f1"] - MARGIN, (measured["f1"], reported["f1"])
    for entity_type in ("PER", "LOC", "ORG", "MISC"):
        assert measured["per_type"][entity_type]["f1-score"] >= reported["per_type"][entity_type]["f1-score"] - 0.01


# Measured on the shipped model (run 6): int8 0.990, bfloat16 0.999.
@pytest.mark.parametrize(("precision", "least_agreement"), [("int8", 0.985), ("bfloat16", 0.995)])
def test_faster_precisions_find_the_same_entities_as_float32(precision, least_agreement):
    """Entity agreement with float32 on the first 60 test documents as raw text (int8 uses the shipped
    activation ranges). The full-test-set F1 of each precision is in benchmarks/ner_rawtext.py."""
    if not CONLLPP.is_dir():
        pytest.skip("../shared/data/conllpp not present")
    sys.path.insert(0, str(REPO / "benchmarks"))
    from ner_rawtext import read_documents, render

    from ner import EntityTagger, NerConfig

    texts = [render(doc, "prose").text for doc in read_documents(CONLLPP / "test.txt")[:60]]
    with one_thread():
        found = {
            name: {(n, e["start"], e["end"], e["entity_group"]) for n, ents in enumerate(tagger(texts)) for e in ents}
            for name, tagger in (
                ("float32", EntityTagger.load()),
                (precision, EntityTagger.load(None, NerConfig(precision=precision))),
            )
        }
    shared = len(found["float32"] & found[precision])
    agreement = 2 * shared / (len(found["float32"]) + len(found[precision]))
    assert len(found["float32"]) > 900
    assert agreement >= least_agreement, agreement
