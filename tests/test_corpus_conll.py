"""``python -m corpus conll``: a labelled CoNLL corpus moved to another country keeps token/tag alignment, outside
tokens, MISC entities, entity counts per type and document markers, and training reads it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from seqeval.metrics.sequence_labeling import get_entities

from conll import read_documents
from corpus.cli import main
from localize import names as name_data
from localize import places
from training.evaluate import evaluate_model_dirs

from .conll_fixtures import conll_text, write_conll_dir
from .helpers import CONLLPP, one_thread, tiny_model_dir

# One document naming a city twice and a two-word person, another with the fixtures' mix of types.
CITY_TWICE = [
    [("Michelle", "B-PER"), ("Obama", "I-PER"), ("flew", "O"), ("to", "O"), ("Chicago", "B-LOC"), (".", "O")],
    [("Chicago", "B-LOC"), ("welcomed", "O"), ("Obama", "B-PER"), ("and", "O"), ("the", "O"), ("NBA", "B-ORG")],
    [("The", "O"), ("American", "B-MISC"), ("team", "O"), ("won", "O"), (".", "O")],
]


@pytest.fixture(scope="module")
def rewritten(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    data = write_conll_dir(tmp_path_factory.mktemp("data"))
    (data / "test.txt").write_text(conll_text([CITY_TWICE]) + (data / "test.txt").read_text())
    out = tmp_path_factory.mktemp("out") / "india"
    assert main(["conll", str(data), "--output", str(out), "--target", "India"]) == 0
    return data, out


def words_and_tags(path: Path) -> list[tuple[list[list[str]], list[list[str]]]]:
    return [
        ([[t.word for t in s] for s in d.sentences], [[t.tag for t in s] for s in d.sentences])
        for d in read_documents(path)
    ]


@pytest.mark.parametrize("split", ["train.txt", "dev.txt", "test.txt"])
def test_alignment_outside_tokens_misc_and_counts_survive(rewritten: tuple[Path, Path], split: str) -> None:
    data, out = rewritten
    before, after = words_and_tags(data / split), words_and_tags(out / split)
    assert len(before) == len(after)  # document markers kept
    assert (out / split).read_text().count("-DOCSTART-") == (data / split).read_text().count("-DOCSTART-")
    for (old_words, old_tags), (new_words, new_tags) in zip(before, after, strict=True):
        for ow, ot, nw, nt in zip(old_words, old_tags, new_words, new_tags, strict=True):
            assert len(nw) == len(nt)
            assert all(
                tag == "O" or tag.startswith("B-") or (i and nt[i - 1][2:] == tag[2:]) for i, tag in enumerate(nt)
            ), nt  # valid IOB2
            assert [w for w, t in zip(ow, ot, strict=True) if t == "O"] == [
                w for w, t in zip(nw, nt, strict=True) if t == "O"
            ]
            misc = lambda words, tags: [words[a : b + 1] for g, a, b in get_entities(tags) if g == "MISC"]  # noqa: E731
            assert misc(ow, ot) == misc(nw, nt)
            assert Counter(g for g, _, _ in get_entities(ot)) == Counter(g for g, _, _ in get_entities(nt))


def test_an_entity_keeps_one_replacement_in_its_document(rewritten: tuple[Path, Path]) -> None:
    _, out = rewritten
    words, tags = words_and_tags(out / "test.txt")[0]
    entities = [(g, " ".join(w[a : b + 1])) for w, t in zip(words, tags, strict=True) for g, a, b in get_entities(t)]
    cities = [text for group, text in entities if group == "LOC"]
    assert len(cities) == 2 and cities[0] == cities[1] != "Chicago"
    assert any(normalize_city(cities[0]) == normalize_city(c.name) for c in places.cities_of("IN"))
    michelle, obama = [text for group, text in entities if group == "PER"]
    assert michelle.split()[0] in name_data.load_pools()["IN"].female
    assert michelle.split()[-1] == obama  # the later "Obama" follows the full name
    assert ("MISC", "American") in entities


def normalize_city(name: str) -> str:
    return name.lower()


def test_training_evaluate_reads_the_output(rewritten: tuple[Path, Path], tmp_path: Path) -> None:
    _, out = rewritten
    with one_thread():
        report = evaluate_model_dirs([str(tiny_model_dir(tmp_path / "model"))], str(out), "test")
    assert report["sentences"] == sum(len(d.sentences) for d in read_documents(out / "test.txt"))


def test_a_seed_gives_another_valid_copy(tmp_path: Path) -> None:
    data = tmp_path / "one.txt"
    data.write_text(conll_text([CITY_TWICE] * 3))
    copies = []
    for seed in (0, 1):
        out = tmp_path / f"seed{seed}.txt"
        assert main(["conll", str(data), "--output", str(out), "--target", "Japan", "--seed", str(seed)]) == 0
        copies.append(out.read_text())
    assert copies[0] != copies[1]
    assert copies[0].count("B-PER") == copies[1].count("B-PER") == conll_text([CITY_TWICE] * 3).count("B-PER")


def test_a_held_out_copy_names_only_held_out_people(
    tmp_path: Path, part_words: Callable[[str, str], set[str]]
) -> None:
    data = tmp_path / "one.txt"
    data.write_text(conll_text([CITY_TWICE] * 3))
    out = tmp_path / "held-out.txt"
    assert main(["conll", str(data), "--output", str(out), "--target", "Nigeria", "--pool-part", "held-out"]) == 0
    (document,) = read_documents(out)[:1]
    people = [t.word for sentence in document.sentences for t in sentence if t.tag.endswith("-PER")]
    assert people and set(people) <= part_words("Nigeria", "held-out")


def test_bad_input_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["conll", str(tmp_path / "missing.txt"), "--output", str(tmp_path / "o.txt"), "--target", "India"]) == 2
    assert capsys.readouterr().err.strip().count("\n") == 0
    assert main(["conll", str(tmp_path), "--output", str(tmp_path / "o"), "--target", "Qwxzv"]) == 2


@pytest.mark.slow
def test_conllpp_test_rewritten_for_india_keeps_every_entity() -> None:
    if not CONLLPP.is_dir():
        pytest.skip("../shared/data/conllpp not present")
    documents = read_documents(CONLLPP / "test.txt")
    assert len(documents) == 231 and documents[0].header.startswith("-DOCSTART-")
