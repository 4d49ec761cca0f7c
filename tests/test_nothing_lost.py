"""Nothing lost, whatever the text: the shipped fast model and the localizer on generated and real-world pasted
text. Outside the replaced spans the rewrite is byte-identical, each replaced span is exactly one entity, and no
entity starts or ends with punctuation or holds an address, a URL, a handle or markup."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from localize import Localizer
from localize.integrity import splice_problems
from ner import EntityTagger

from .helpers import REPO

FIXTURES = Path(__file__).parent / "fixtures" / "pasted"
NAMES = ["Mary Jones", "Bill Gates", "Chicago", "Boston", "Paris", "Microsoft", "Angela Merkel", "New York", "Jack"]
GLUE = (
    "— – / \\ ( ) [ ] \" “ ” ' ’ <b> </b> <a\thref='x.html'> </a> <!--c--> ** _ ` | @ # & &amp; &mdash; "
    "mary@x.org https://x.org/p?q=1 www.x.org @handle #tag 😀 👨\u200d👩\u200d👧 🗽 北京 东京 שלום مرحبا "
    "U.S. St. O'Neil Hewlett-Packard 1,000.5 , . ; : ! ? … + = +1 10="
).split() + ["\t", "\r\n", "\n", "\x00", " ", "  ", "\u200b", "\ufeff", "\xad", "\u200c", "\u200d"]
TEXTS = st.lists(
    st.one_of(st.sampled_from(NAMES), st.sampled_from(GLUE), st.text(max_size=4)), min_size=1, max_size=24
).map("".join)
FORBIDDEN_INSIDE = set('<>/\\|—–"“”()[]{}@\t\r\n\x00')


@pytest.fixture(scope="module")
def parts() -> tuple[EntityTagger, Localizer]:
    return EntityTagger.load(REPO / "models" / "ner-default"), Localizer.load()


def entity_problems(text: str, entities: list[dict]) -> list[str]:
    problems = []
    for entity in entities:
        word = entity["word"]
        if text[entity["start"] : entity["end"]] != word:
            problems.append(f"{word!r} is not at its offsets")
        elif is_edge_punctuation(word[0]) or (is_edge_punctuation(word[-1]) and not word.endswith(".")):
            problems.append(f"{word!r} starts or ends with punctuation or space")
        elif FORBIDDEN_INSIDE & set(word) or "://" in word or "&amp;" in word:
            problems.append(f"{word!r} holds punctuation, an address or markup")
    return problems


def is_edge_punctuation(char: str) -> bool:
    return char.isspace() or unicodedata.category(char)[0] in "PSCZ"


def check(parts: tuple[EntityTagger, Localizer], text: str, target: str = "India") -> None:
    tagger, localizer = parts
    entities = tagger(text)
    assert entity_problems(text, entities) == []
    result = localizer.rewrite(text, entities, target, "USA")
    assert splice_problems(result, entities) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(TEXTS)
def test_generated_text_loses_nothing(parts: tuple[EntityTagger, Localizer], text: str) -> None:
    check(parts, text)


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
@pytest.mark.parametrize("target", ["India", "Japan"])
def test_pasted_real_world_text_loses_nothing(parts: tuple[EntityTagger, Localizer], name: str, target: str) -> None:
    text = (FIXTURES / name).read_bytes().decode("utf-8")
    check(parts, text, target)


def test_the_issues_examples_keep_every_word(parts: tuple[EntityTagger, Localizer]) -> None:
    tagger, localizer = parts
    text = "Mary Jones—the mayor of Chicago—spoke. I met Mary Jones/Bill Gates. Email mary.jones@chicago.gov today."
    result = localizer.rewrite(text, tagger(text), "India", "USA")
    assert "—the mayor of " in result.text and "—spoke. I met " in result.text
    assert "mary.jones@chicago.gov" in result.text
    assert {r.original for r in result.replacements} >= {"Mary Jones", "Bill Gates", "Chicago"}


@pytest.mark.parametrize(
    "text", ["Mary Jones+ met Bill Gates\xad in Paris=.", "Mary Jones\u200d and Chicago+1 won 10=3.", "Mary Jones10="]
)
def test_a_name_never_takes_a_number_sign_or_an_invisible_joiner(
    parts: tuple[EntityTagger, Localizer], text: str
) -> None:
    check(parts, text)
    assert any(e["word"].startswith("Mary Jones") for e in parts[0](text))  # "Mary Jones10" is one name: a word


def test_a_changed_outside_byte_is_caught(parts: tuple[EntityTagger, Localizer]) -> None:
    tagger, localizer = parts
    text = "Mary Jones flew to Chicago."
    result = localizer.rewrite(text, tagger(text), "India", "USA")
    result.text = result.text.replace("flew", "flw")
    assert splice_problems(result)[0] == "text before 'Chicago' changed"
