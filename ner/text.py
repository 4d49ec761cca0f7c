"""Raw text -> CoNLL-style words and sentences, as character spans of the original text.

Words follow CoNLL's tokenization, which the model was trained on: punctuation is split from words ("(Reuters)."
-> "(" "Reuters" ")" "."; "Jones—the" -> "Jones" "—" "the"; "Boston/Cambridge" -> "Boston" "/" "Cambridge"), the
possessive "'s" split off, and what English keeps whole stays whole ("U.S.", "St.", "O'Neill", "Hewlett-Packard",
"don't", "1,000.5", "1996-08-22"). CJK ideographs are one word each, as BERT's own pre-tokenizer treats them.

Pasted text carries more than words. E-mail addresses, URLs, @handles, #hashtags and HTML entities are *atoms*:
one word each, which the tagger sees but which never belong to an entity. HTML tags and comments are *markup*: not
words at all (block-level tags end a sentence, as a line break does), so no entity can reach across one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

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
_BLOCK_TAG = re.compile(
    r"<(?:br|p|div|li|ul|ol|h[1-6]|tr|td|th|table|section|article|header|footer|blockquote|pre|hr|dt|dd)\b",
    re.IGNORECASE,
)
# Markup and atoms, found in the whole text before it is cut into words. Each alternative starts only where the
# previous character cannot continue it, so a long run of letters is scanned once, not once per position.
_MARKUP = r"(?P<markup><!--.*?-->|</?[A-Za-z][\w:.-]{0,30}(?:\s[^<>]{0,2000})?/?>)"
_ATOMS = (
    r"(?P<url>(?<![\w/])(?:(?:https?|ftp)://|www\.)[^" + _SEPARATORS + r"<>\"'`]+)"
    r"|(?P<email>(?<![\w.%+-])[\w.%+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+)"
    r"|(?P<handle>(?<![\w@.])@\w{1,50})"
    r"|(?P<hashtag>(?<![\w&#])#\w{1,100})"
    r"|(?P<entity>&(?:[A-Za-z]{2,10}|#\d{1,7}|#x[0-9A-Fa-f]{1,6});)"
)
_SPECIAL = re.compile(f"{_MARKUP}|{_ATOMS}", re.DOTALL)
CONTACT_GROUPS = {"email": "EMAIL", "url": "URL", "handle": "HANDLE"}  # the atoms that may spell a person's name
_URL_TAIL = ".,;:!?'\")]}"
_CJK = re.compile(
    "([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df\U0002a700-\U0002ebef\U0002f800-\U0002fa1f])"
)
_DOTTED = re.compile(r"(?:[^\W\d_]+\.){2,}")  # U.S., e.g., Ph.D.
_POSSESSIVE = re.compile(r"['\u2019][sS]$")
_SENTENCE_END = frozenset(".!?\u2026\u3002\uff01\uff1f\u203c\u2047\u2048\u2049")
_CLOSERS = frozenset("\"')]}\u2019\u201d\u00bb\u300d\u300f")
# Marks that join two word characters into one word: "O'Neill", "Hewlett-Packard", "AT&T", "U.S", "snake_case";
# between digits also "1,000", "10:30", "1/2".
_JOINERS = frozenset(".'\u2019-\u2010\u2011&_\u00b7")
_NUMBER_JOINERS = frozenset(",:/")
_JOINING_INVISIBLES = frozenset("\xad\u200c\u200d")  # soft hyphen, zero-width (non-)joiner: between letters only
_NUMBER_SIGNS = frozenset("+=")  # as CoNLL keeps them beside a digit ("+44", "10=", "1=80") or inside "Tel+44"
# Words whose final period is part of the word, as in CoNLL ("Corp.", "Mr."); single letters and dotted
# forms ("J.", "U.S.", "e.g.") are recognised by shape.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr inc corp co ltd plc bros gen gov sen rep col lt sgt capt mt ft vs etc "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


@dataclass(frozen=True)
class Segmentation:
    """A text cut into words (character spans) and sentences (ranges of word indices).

    ``atoms`` are the indices of words that are never part of an entity (addresses, URLs, handles, tags).
    """

    text: str
    words: list[Span]
    sentences: list[Span]
    atoms: frozenset[int] = field(default_factory=frozenset)


def segment(text: str) -> Segmentation:
    """Words and sentences of ``text``; no word span starts or ends with whitespace."""
    words, atoms = _words_and_atoms(text)
    return Segmentation(text, words, split_sentences(text, words), frozenset(atoms))


def split_words(text: str) -> list[Span]:
    """CoNLL-style words of ``text`` (atoms included, markup left out) as ``(start, end)`` spans, in order."""
    return _words_and_atoms(text)[0]


def split_sentences(text: str, words: list[Span]) -> list[Span]:
    """Sentences as ``(first_word, end_word)`` ranges: a line break, a block-level HTML tag or sentence-final
    punctuation ends one."""
    sentences: list[Span] = []
    first = 0
    for i in range(1, len(words) + 1):
        if i == len(words) or _breaks_before(text, words, i):
            sentences.append((first, i))
            first = i
    return sentences


def is_punctuation(word: str) -> bool:
    """True for a word with no letter or digit: punctuation, symbols, private-use or unassigned characters
    ("—", "/", "...", "$", "😀")."""
    return not any(unicodedata.category(c)[0] in "LN" for c in word)


def _words_and_atoms(text: str) -> tuple[list[Span], list[int]]:
    spans: list[Span] = []
    atoms: list[int] = []
    position = 0
    for start, end, group in _specials(text):
        spans += _plain_words(text, position, start)
        if group != "markup":
            atoms.append(len(spans))
            spans.append((start, end))
        position = end
    spans += _plain_words(text, position, len(text))
    return spans, atoms


def _specials(text: str) -> Iterator[tuple[int, int, str]]:
    """Markup and atoms of ``text`` as ``(start, end, group)``, in order, none overlapping."""
    position = 0
    for special in _SPECIAL.finditer(text):
        start, end = special.span()
        if special.lastgroup == "url":
            end = _trim_url(text, start, end)
        if start < position:
            continue
        yield start, end, str(special.lastgroup)
        position = end


def with_contacts(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``entities`` of ``text`` and its contacts, in the order of the text: what a rewrite takes. Entities come as
    they are (the rewrite checks them), so one without a start sorts first instead of failing here."""
    return sorted([*entities, *contacts(text)], key=_start)


def _start(entity: Any) -> int:
    start = entity.get("start") if isinstance(entity, dict) else None
    return start if isinstance(start, int) else -1


def contacts(text: str) -> list[dict[str, Any]]:
    """The e-mail addresses, web addresses and @handles of ``text`` as pipeline dicts (``entity_group`` EMAIL, URL
    or HANDLE, score 1.0): never part of an entity, but they spell names, so a rewrite must see them too."""
    return [
        {"entity_group": CONTACT_GROUPS[group], "score": 1.0, "word": text[start:end], "start": start, "end": end}
        for start, end, group in _specials(text)
        if group in CONTACT_GROUPS
    ]


def _trim_url(text: str, start: int, end: int) -> int:
    """A URL does not end with the sentence's punctuation, nor with a bracket it did not open."""
    while end > start + 1 and text[end - 1] in _URL_TAIL:
        if text[end - 1] == ")" and text.count("(", start, end) >= text.count(")", start, end):
            break
        end -= 1
    return end


def _plain_words(text: str, start: int, end: int) -> list[Span]:
    spans: list[Span] = []
    for chunk in _CHUNK.finditer(text, start, end):
        for word_start, word_end in _split_chunk(chunk.group(), chunk.start()):
            spans.extend(_split_cjk(text, word_start, word_end))
    return spans


def _breaks_before(text: str, words: list[Span], i: int) -> bool:
    gap = text[words[i - 1][1] : words[i][0]]
    if _LINE_BREAK.search(gap) or ("<" in gap and _BLOCK_TAG.search(gap)):
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
    """Words of one whitespace-free chunk: runs of word characters (with the marks that join them), and the
    punctuation and symbols between them."""
    pieces: list[Span] = []
    i = 0
    while i < len(chunk):
        starts_word = _is_word_char(chunk[i]) or _in_word(chunk, i, i)
        end = _word_end(chunk, i) if starts_word else _other_end(chunk, i)
        pieces.append((i, end))
        i = end
    pieces = _keep_abbreviation_periods(chunk, pieces)
    return [(offset + s, offset + e) for start, end in pieces for s, e in _split_possessive(chunk, start, end)]


def _word_end(chunk: str, i: int) -> int:
    n, start = len(chunk), i
    while i < n:
        if _is_word_char(chunk[i]) or _in_word(chunk, start, i) or _joins(chunk, start, i):
            i += 1
        elif unicodedata.category(chunk[i]) == "Sc" and _currency_letters(chunk[start:i]):
            return i + 1  # a currency written after its country's letters: "US$", "C$", "HK$"
        elif chunk[i] == "." and i + 2 < n and chunk[i + 1] in "-\u2010\u2011" and _is_word_char(chunk[i + 2]):
            i += 2  # "U.S.-based"
        else:
            break
    return i


def _currency_letters(word: str) -> bool:
    """ "US", "C", "HK", "NZ": up to three capitals, the whole word (not the end of a name: "JonesA¢")."""
    return 0 < len(word) <= 3 and word.isalpha() and word.isupper()


def _joins(chunk: str, start: int, i: int) -> bool:
    # A CJK ideograph is a word of its own (``_split_cjk``), so a mark beside one joins nothing.
    if i == 0 or i + 1 >= len(chunk) or not _is_word_char(chunk[i + 1]):
        return False
    if _CJK.match(chunk[i + 1]) or _CJK.match(chunk[i - 1]):
        return False
    if chunk[i] in _JOINERS:
        return True
    # "1,000", "10:30", "1/2", but not "Jones0/0": a number's marks join numbers only.
    number = chunk[i] in _NUMBER_JOINERS and chunk[i - 1].isdigit() and chunk[i + 1].isdigit()
    return number and not any(c.isalpha() for c in chunk[start:i])


def _in_word(chunk: str, start: int, i: int) -> bool:
    """An invisible joiner or a number sign inside the word that starts at ``start``. Never at a name's edge,
    where it would make the name's end fall inside a word ("Mary Jones+", "Mary Jones\xad", "Jones10="): a number
    sign stays only beside a digit, and at a word's end only after a number ("10=", not "Jones10=")."""
    char = chunk[i]
    if char not in _JOINING_INVISIBLES and char not in _NUMBER_SIGNS:
        return False
    before = chunk[i - 1] if i > 0 else ""
    after = chunk[i + 1] if i + 1 < len(chunk) else ""
    between = bool(before and after) and _is_word_char(before) and _is_word_char(after)
    between = between and not (_CJK.match(before) or _CJK.match(after))  # an ideograph is a word of its own
    if char in _JOINING_INVISIBLES:
        return between
    after_a_number = before.isdigit() and not any(c.isalpha() for c in chunk[start:i])
    return between or after.isdigit() or after_a_number


def _other_end(chunk: str, i: int) -> int:
    """Punctuation: a run of one repeated character ("...", "--"). A symbol: with the marks, joiners and
    modifiers that make one emoji or sign of it."""
    first = chunk[i]
    i += 1
    if unicodedata.category(first)[0] == "S":
        while i < len(chunk) and (_is_mark(chunk[i]) or (chunk[i - 1] == "\u200d" and not _is_word_char(chunk[i]))):
            i += 1
        return i
    while i < len(chunk) and chunk[i] == first:
        i += 1
    return i


def _keep_abbreviation_periods(chunk: str, pieces: list[Span]) -> list[Span]:
    """A period right after an abbreviation is part of it: "Mr." "Corp." "J." "U.S." "e.g."."""
    kept: list[Span] = []
    for start, end in pieces:
        if kept and chunk[start:end] == "." and _is_abbreviation(chunk[kept[-1][0] : end]):
            kept[-1] = (kept[-1][0], end)
        else:
            kept.append((start, end))
    return kept


def _split_possessive(chunk: str, start: int, end: int) -> list[Span]:
    possessive = _POSSESSIVE.search(chunk, start, end)
    if possessive and possessive.start() > start and _is_word_char(chunk[start]):
        return [(start, possessive.start()), (possessive.start(), end)]
    return [(start, end)]


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


def _is_word_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LNM"


def _is_mark(char: str) -> bool:
    variation_selector = "\ufe00" <= char <= "\ufe0f"
    return unicodedata.category(char) in ("Mn", "Mc", "Me", "Sk") or char in _JOINING_INVISIBLES or variation_selector


def _is_abbreviation(word: str) -> bool:
    if _DOTTED.fullmatch(word):
        return True
    stem = word[:-1]
    return word.endswith(".") and ((len(stem) == 1 and stem.isalpha()) or stem.lower() in _ABBREVIATIONS)
