"""Raw text -> CoNLL-style words and sentences, with exact character spans."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ner.text import contacts, segment, split_words, with_contacts

SPECIAL = list(
    "\ud800\xad\U000e0041\n\r\t\x00\x07\x1b\x7f\u200b\u200d\u200e\u202e\ufeff\xa0\u3000.,;:!?()[]\"'-\u2019\u2026<>/@#&—–|*_`"
)
PIECES = ["a", "Z", " ", "<b>", "</i>", "<!--", "-->", "x@y.org", "http://a.b/c", "@h", "#t"]
TEXTS = st.lists(
    st.one_of(st.characters(codec="utf-8"), st.sampled_from(SPECIAL), st.sampled_from(PIECES)), max_size=60
).map("".join)


def words(text: str) -> list[str]:
    return [text[s:e] for s, e in split_words(text)]


def sentences(text: str) -> list[str]:
    doc = segment(text)
    return [" ".join(text[s:e] for s, e in doc.words[a:b]) for a, b in doc.sentences]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(Reuters).", ["(", "Reuters", ")", "."]),
        ("Paris, France; Berlin:", ["Paris", ",", "France", ";", "Berlin", ":"]),
        ("U.S. AL-AIN 1996-08-22 O'Neill 3.5", ["U.S.", "AL-AIN", "1996-08-22", "O'Neill", "3.5"]),
        ("Hanson Corp. and Mr. J. Smith", ["Hanson", "Corp.", "and", "Mr.", "J.", "Smith"]),
        ("Germany's players' \"best\"", ["Germany", "'s", "players", "'", '"', "best", '"']),
        ("Wait... what?!", ["Wait", "...", "what", "?", "!"]),
        ("北京欢迎你 in 東京", ["北", "京", "欢", "迎", "你", "in", "東", "京"]),
        ("😀+1 10=", ["😀", "+1", "10="]),
        ("Jones0/0 A1,2 10:30/1", ["Jones0", "/", "0", "A1", ",", "2", "10:30/1"]),
        ("Texas&北京 Gates’東 京’New", ["Texas", "&", "北", "京", "Gates", "’", "東", "京", "’", "New"]),
        ("café😀 naïve\tשלום, עולם", ["café", "😀", "naïve", "שלום", ",", "עולם"]),
        ("Mary Jones—the mayor–Chicago", ["Mary", "Jones", "—", "the", "mayor", "–", "Chicago"]),
        ("Jones--the Boston/Cambridge 1/2 10:30", ["Jones", "--", "the", "Boston", "/", "Cambridge", "1/2", "10:30"]),
        ("Hewlett-Packard don't 1,000.5 U.S.-based", ["Hewlett-Packard", "don't", "1,000.5", "U.S.-based"]),
        ("👋Paris $1,000 👨\u200d👩\u200d👧!", ["👋", "Paris", "$", "1,000", "👨\u200d👩\u200d👧", "!"]),
        (
            "[Mary](x) **Bold** _it_ a|b",
            ["[", "Mary", "]", "(", "x", ")", "**", "Bold", "**", "_", "it", "_", "a", "|", "b"],
        ),
        ("<b>Mary Jones</b> <!-- x --> in <a href='#'>Paris</a>", ["Mary", "Jones", "in", "Paris"]),
        (
            "mary.jones@chicago.gov (https://x.org/a_(b)). @Obama #MeToo &amp;",
            ["mary.jones@chicago.gov", "(", "https://x.org/a_(b)", ")", ".", "@Obama", "#MeToo", "&amp;"],
        ),
        ("a\x00b\u200bc d\u200de", ["a", "b", "c", "d\u200de"]),
        ("Mary Jones+ AA+ Tel+44 +0.05 1=80", ["Mary", "Jones", "+", "AA", "+", "Tel+44", "+0.05", "1=80"]),
        ("Jones10= 10= Jones0+ 0+", ["Jones10", "=", "10=", "Jones0", "+", "0+"]),
        ("US$5 HK$ JonesA¢ NZ$", ["US$", "5", "HK$", "JonesA", "¢", "NZ$"]),
        ("Jones+\U00020000 Jones\xad京", ["Jones", "+", "\U00020000", "Jones", "\xad", "京"]),
        ("Jones\xad \xadJones Ex\xadample x\u200d", ["Jones", "\xad", "\xad", "Jones", "Ex\xadample", "x", "\u200d"]),
        ("", []),
        (" \n\t\r ", []),
    ],
)
def test_words_follow_conll_tokenization(text: str, expected: list[str]) -> None:
    assert words(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He left. She came.\nNew line", ["He left .", "She came .", "New line"]),
        ("Mr. Smith went to Washington. Then home", ["Mr. Smith went to Washington .", "Then home"]),
        ('He said "Go." Then he left', ['He said " Go . "', "Then he left"]),
        ("Prices fell 3 p.m. yesterday. ok? fine", ["Prices fell 3 p.m. yesterday . ok ? fine"]),
        ("title\r\n\r\nbody", ["title", "body"]),
        ("<p>One</p><p>Two</p> <b>three</b>", ["One", "Two three"]),
        ("", []),
    ],
)
def test_sentences_end_at_line_breaks_and_final_punctuation(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_atoms_are_addresses_urls_handles_tags_and_entities() -> None:
    text = "Mail mary@x.org or see www.x.org, @bob #tag &amp; Paris"
    doc = segment(text)
    atoms = [text[s:e] for i, (s, e) in enumerate(doc.words) if i in doc.atoms]
    assert atoms == ["mary@x.org", "www.x.org", "@bob", "#tag", "&amp;"]


def test_contacts_are_the_addresses_and_handles_with_their_spans() -> None:
    text = "Mail mary@x.org (see https://x.org/a), ping @bob, not #tag &amp; <a href='www.y.org'>Paris</a>"
    found = contacts(text)
    assert [(c["entity_group"], c["word"]) for c in found] == [
        ("EMAIL", "mary@x.org"), ("URL", "https://x.org/a"), ("HANDLE", "@bob")
    ]  # fmt: skip
    assert all(text[c["start"] : c["end"]] == c["word"] and c["score"] == 1.0 for c in found)
    start = text.index("Paris")
    tagged = [{"entity_group": "LOC", "start": start, "end": start + 5, "word": "Paris", "score": 0.9}]
    assert [e["word"] for e in with_contacts(text, tagged)] == ["mary@x.org", "https://x.org/a", "@bob", "Paris"]


def test_long_runs_without_separators_are_cut_in_linear_time() -> None:
    text = "a" * 200_000 + "@" + "<a " * 30_000 + "www." * 20_000
    doc = segment(text)  # a quadratic scan would take minutes
    assert doc.words[0] == (0, 200_000)


def is_separator(char: str) -> bool:
    """Whitespace and invisible characters; the soft hyphen and zero-width (non-)joiners are word-internal."""
    category = unicodedata.category(char)
    return char.isspace() or category in ("Cc", "Cs") or (category == "Cf" and char not in "\xad\u200c\u200d")


def in_markup(text: str, i: int) -> bool:
    """Inside an HTML tag or comment."""
    return any(m.start() <= i < m.end() for m in re.finditer("<!--.*?-->|<[^<>]*>", text, re.DOTALL))


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_word_spans_are_exact_ordered_and_cover_every_visible_character(text: str) -> None:
    doc = segment(text)
    covered = set()
    previous_end = 0
    for start, end in doc.words:
        word = text[start:end]
        assert previous_end <= start < end <= len(text)
        assert word == word.strip() and not is_separator(word[0]) and not is_separator(word[-1])
        covered.update(range(start, end))
        previous_end = end
    hidden = [i for i, c in enumerate(text) if i not in covered and not is_separator(c)]
    assert all(in_markup(text, i) for i in hidden)
    assert [i for a, b in doc.sentences for i in range(a, b)] == list(range(len(doc.words)))
    assert all(a < b for a, b in doc.sentences)
