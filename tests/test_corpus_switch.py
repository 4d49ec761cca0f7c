"""``python -m corpus conll --switch all``: every PER/LOC/ORG becomes one of the target country, countries included;
tags follow, MISC and outside tokens stay, casing follows the original, and a seed gives the same copy every run."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from seqeval.metrics.sequence_labeling import get_entities

from conll import read_documents
from conll.switch import clean_region, target_places
from corpus.cli import main
from localize.countries import find_country, normalize
from localize.places import cities_of, regions_of

from .conll_fixtures import DOCUMENT_ONE, DOCUMENT_TWO, conll_text

# A sports report as Reuters writes one: an UPPER headline naming two countries, a dateline, a foreign city and a
# club, an organisation with no place in its name, an acronym, and MISC entities.
HEADLINE = [
    [("SOCCER", "O"), ("-", "O"), ("JAPAN", "B-LOC"), ("BEAT", "O"), ("SYRIA", "B-LOC"), ("IN", "O"),
     ("ASIAN", "B-MISC"), ("CUP", "I-MISC"), (".", "O")],
    [("AL-AIN", "B-LOC"), (",", "O"), ("United", "B-LOC"), ("Arab", "I-LOC"), ("Emirates", "I-LOC"),
     ("1996-12-06", "O")],
    [("Japan", "B-LOC"), ("beat", "O"), ("Syria", "B-LOC"), ("in", "O"), ("Paris", "B-LOC"), ("as", "O"),
     ("Barcelona", "B-ORG"), ("and", "O"), ("Reuters", "B-ORG"), ("watched", "O"), ("with", "O"), ("NATO", "B-ORG"),
     ("and", "O"), ("Ford", "B-ORG"), ("Motor", "I-ORG"), ("Co", "I-ORG"), (",", "O"), ("the", "O"),
     ("Japanese", "B-MISC"), ("said", "O"), (".", "O")],
    [("Takuya", "B-PER"), ("Takagi", "I-PER"), ("scored", "O"), ("for", "O"), ("Japan", "B-LOC"), (".", "O")],
]  # fmt: skip
DOCUMENTS = [HEADLINE, DOCUMENT_ONE, DOCUMENT_TWO]


def entities(path: Path) -> list[list[tuple[str, str]]]:
    """Per document, its (type, words) entities in order."""
    out = []
    for document in read_documents(path):
        out.append(
            [
                (group, " ".join(t.word for t in sentence[first : last + 1]))
                for sentence in document.sentences
                for group, first, last in get_entities([t.tag for t in sentence])
            ]
        )
    return out


def switched(tmp_path: Path, target: str, *extra: str, name: str = "out") -> Path:
    data = tmp_path / "in.txt"
    data.write_text(conll_text(DOCUMENTS))
    out = tmp_path / f"{name}.txt"
    assert main(["conll", str(data), "--output", str(out), "--target", target, "--switch", "all", *extra]) == 0
    return out


@pytest.fixture(scope="module")
def india(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("switch")
    return folder / "in.txt", switched(folder, "India", "--pool-part", "held-out")


def test_every_person_place_and_organisation_is_replaced(india: tuple[Path, Path]) -> None:
    data, out = india
    for before, after in zip(entities(data), entities(out), strict=True):
        assert [g for g, _ in before] == [g for g, _ in after]  # tags follow, one entity for one
        for (group, old), (_, new) in zip(before, after, strict=True):
            if group == "MISC":
                assert new == old
            else:
                assert new.lower() != old.lower(), (old, new)


def test_outside_tokens_misc_and_document_markers_are_unchanged(india: tuple[Path, Path]) -> None:
    data, out = india
    assert out.read_text().count("-DOCSTART-") == data.read_text().count("-DOCSTART-")
    for before, after in zip(read_documents(data), read_documents(out), strict=True):
        for old, new in zip(before.sentences, after.sentences, strict=True):
            assert [t.word for t in old if t.tag == "O"] == [t.word for t in new if t.tag == "O"]
            assert [t.word for t in old if t.tag.endswith("MISC")] == [t.word for t in new if t.tag.endswith("MISC")]
            for i, token in enumerate(new):  # valid IOB2
                assert token.tag == "O" or token.tag.startswith("B-") or new[i - 1].tag[2:] == token.tag[2:]
    assert Counter(g for d in entities(data) for g, _ in d) == Counter(g for d in entities(out) for g, _ in d)


def test_countries_become_places_of_the_target_one_each_in_upper_case_where_the_original_was(
    india: tuple[Path, Path],
) -> None:
    _, out = india
    document = entities(out)[0]
    (japan_upper, syria_upper, _, _, _, japan, syria, paris, barcelona, *_rest) = [e for _, e in document]
    assert japan_upper == japan.upper() and japan_upper.isupper() and syria_upper == syria.upper()
    assert japan != syria  # two originals never share a replacement
    india_places = {normalize(c.name) for c in cities_of("IN")} | {
        normalize(clean_region(r.name) or r.name) for r in regions_of("IN")
    }
    for place in (japan, syria, paris, barcelona):
        assert normalize(place) in india_places, place
    assert document[-2:] == [("PER", document[-2][1]), ("LOC", japan)]  # Japan stays one place in its document


def test_organisations_keep_their_generic_words_and_an_acronym_in_text_is_not_capitalised(
    india: tuple[Path, Path],
) -> None:
    _, out = india
    organisations = [e for g, e in entities(out)[0] if g == "ORG"]
    barcelona, reuters, nato, ford = organisations
    assert ford.endswith(" Motor Co") and ford != "Ford Motor Co"
    assert not nato.isupper() and nato[:1].isupper()
    assert reuters[:1].isupper() and reuters != "Reuters"


def test_a_copy_takes_its_names_from_the_asked_part_of_the_pools(india: tuple[Path, Path]) -> None:
    _, out = india
    cities, regions = target_places("IN", "held-out", 0.2)
    held_out = {normalize(c.name) for c in cities} | {normalize(r) for r in regions}
    places = [e for g, e in entities(out)[0][:8] if g == "LOC" and e.lower() != "india"]
    assert places and all(normalize(p) in held_out for p in places), places


def test_the_same_seed_gives_the_same_copy_and_another_seed_another(tmp_path: Path) -> None:
    first = switched(tmp_path, "Vietnam", "--seed", "3", name="a").read_text()
    again = switched(tmp_path, "Vietnam", "--seed", "3", name="b").read_text()
    other = switched(tmp_path, "Vietnam", "--seed", "4", name="c").read_text()
    assert first == again
    assert first != other


def test_switch_localize_is_the_default_and_keeps_foreign_countries(tmp_path: Path) -> None:
    data = tmp_path / "in.txt"
    data.write_text(conll_text(DOCUMENTS))
    default, localize = tmp_path / "default.txt", tmp_path / "localize.txt"
    assert main(["conll", str(data), "--output", str(default), "--target", "India"]) == 0
    assert main(["conll", str(data), "--output", str(localize), "--target", "India", "--switch", "localize"]) == 0
    assert default.read_text() == localize.read_text()
    assert ("LOC", "Japan") in entities(localize)[0] and ("LOC", "JAPAN") in entities(localize)[0]


@pytest.mark.parametrize("target", ["Vietnam", "Indonesia", "Nigeria", "Egypt", "China", "Russia"])
def test_every_target_of_the_audit_replaces_every_entity(tmp_path: Path, target: str) -> None:
    out = switched(tmp_path, target, "--pool-part", "held-out")
    code = find_country(target).code
    assert target_places(code, "held-out", 0.2)[0]
    for before, after in zip(entities(tmp_path / "in.txt"), entities(out), strict=True):
        for (group, old), (_, new) in zip(before, after, strict=True):
            assert (new == old) == (group == "MISC"), (target, old, new)


def test_clean_region_drops_forms_news_text_never_uses() -> None:
    assert clean_region("Adygeya, Respublika") is None
    assert clean_region("Altayskiy kray") is None
    assert clean_region("Guangdong Sheng") == "Guangdong"
    assert clean_region("Uttar Pradesh") == "Uttar Pradesh"
