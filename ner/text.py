"""Raw text -> CoNLL-style words and sentences, as character spans of the original text.

Words follow CoNLL's tokenization, which the model was trained on: whitespace-separated tokens with leading
and trailing punctuation split off ("(Reuters)." -> "(" "Reuters" ")" "."), the possessive "'s" split off,
and internal punctuation kept ("U.S.", "AL-AIN", "1996-08-22", "O'Neill"). CJK ideographs are one word each,
as BERT's own pre-tokenizer treats them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

Span = tuple[int, int]

# Anything that is not part of a word: whitespace, control characters, lone surrogates (the tokenizer cannot
# encode those) and invisible format characters, except the soft hyphen and zero-width (non-)joiners, which
# belong inside words.
_SEPARATORS = (
    "\\s\x00-\x1f\x7f-\x9f\ud800-\udfff\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_CHUNK = re.compile(f"[^{_SEPARATORS}]+")
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_CJK = re.compile(
    "([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df\U0002a700-\U0002ebef\U0002f800-\U0002fa1f])"
)
_DOTTED = re.compile(r"(?:[^\W\d_]+\.){2,}")  # U.S., e.g., Ph.D.
_POSSESSIVE = re.compile(r"['\u2019][sS]$")
_SENTENCE_END = frozenset(".!?\u2026\u3002\uff01\uff1f\u203c\u2047\u2048\u2049")
_CLOSERS = frozenset("\"')]}\u2019\u201d\u00bb\u300d\u300f")
# Words whose final period is part of the word, as in CoNLL ("Corp.", "Mr."); single letters and dotted
# forms ("J.", "U.S.", "e.g.") are recognised by shape.
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "jr",
        "sr",
        "inc",
        "corp",
        "co",
        "ltd",
        "plc",
        "bros",
        "gen",
        "gov",
        "sen",
        "rep",
        "col",
        "lt",
        "sgt",
        "capt",
        "mt",
        "ft",
        "vs",
        "etc",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)


@dataclass(frozen=True)
class Segmentation:
    """A text cut into words (character spans) and sentences (ranges of word indices)."""

    text: str
    words: list[Span]
    sentences: list[Span]


def segment(text: str) -> Segmentation:
    """Words and sentences of ``text``; no word span starts or ends with whitespace."""
    words = split_words(text)
    return Segmentation(text, words, split_sentences(text, words))


def split_words(text: str) -> list[Span]:
    """CoNLL-style words of ``text`` as ``(start, end)`` character spans, in order."""
    spans: list[Span] = []
    for chunk in _CHUNK.finditer(text):
        for start, end in _split_chunk(chunk.group(), chunk.start()):
            spans.extend(_split_cjk(text, start, end))
    return spans


def split_sentences(text: str, words: list[Span]) -> list[Span]:
    """Sentences as ``(first_word, end_word)`` ranges: a line break or sentence-final punctuation ends one."""
    sentences: list[Span] = []
    first = 0
    for i in range(1, len(words) + 1):
        if i == len(words) or _breaks_before(text, words, i):
            sentences.append((first, i))
            first = i
    return sentences


def _breaks_before(text: str, words: list[Span], i: int) -> bool:
    if _LINE_BREAK.search(text, words[i - 1][1], words[i][0]):
        return True
    next_word = text[words[i][0] : words[i][1]]
    if next_word[0].islower() or _is_word_of(text, words[i], _CLOSERS):
        return False
    j = i - 1
    while j > 0 and _is_word_of(text, words[j], _CLOSERS):
        j -= 1
    return _is_word_of(text, words[j], _SENTENCE_END)


def _is_word_of(text: str, span: Span, chars: frozenset[str]) -> bool:
    return all(c in chars for c in text[span[0] : span[1]])


def _split_chunk(chunk: str, offset: int) -> list[Span]:
    """Words of one whitespace-free chunk, with punctuation peeled off its edges."""
    if all(_is_punct(c) for c in chunk):
        return [(offset + s, offset + e) for s, e in _runs(chunk, 0, len(chunk))]
    lo, hi = 0, len(chunk)
    while _is_punct(chunk[lo]):
        lo += 1
    while _is_punct(chunk[hi - 1]) and not _is_abbreviation(chunk[lo:hi]):
        hi -= 1
    core = [(lo, hi)]
    possessive = _POSSESSIVE.search(chunk, lo, hi)
    if possessive and possessive.start() > lo:
        core = [(lo, possessive.start()), (possessive.start(), hi)]
    spans = _runs(chunk, 0, lo) + core + _runs(chunk, hi, len(chunk))
    return [(offset + s, offset + e) for s, e in spans]


def _runs(chunk: str, lo: int, hi: int) -> list[Span]:
    """Punctuation between lo and hi as words: runs of one repeated character ("...", "--") stay together."""
    spans: list[Span] = []
    start = lo
    for i in range(lo + 1, hi + 1):
        if i == hi or chunk[i] != chunk[start]:
            spans.append((start, i))
            start = i
    return spans


def _split_cjk(text: str, start: int, end: int) -> list[Span]:
    word = text[start:end]
    if not _CJK.search(word):
        return [(start, end)]
    spans: list[Span] = []
    pos = start
    for part in _CJK.split(word):
        if part:
            spans.append((pos, pos + len(part)))
            pos += len(part)
    return spans


def _is_punct(char: str) -> bool:
    return unicodedata.category(char).startswith("P")


def _is_abbreviation(word: str) -> bool:
    if _DOTTED.fullmatch(word):
        return True
    stem = word[:-1]
    return word.endswith(".") and ((len(stem) == 1 and stem.isalpha()) or stem.lower() in _ABBREVIATIONS)
