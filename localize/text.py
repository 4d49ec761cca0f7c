"""Entities as spans of the text: validating entity dicts, splicing replacements in without touching anything
else, giving a replacement the original's casing, and grouping mentions of one entity."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from localize.config import LocalizeError

_SPACES = re.compile(r"(\s+)")
# "Harvard University in Cambridge", "Acme Corp, Denver"; not "at", which in a fixture list is the home team's city
_LOCATED_BY = re.compile(r"\s+in\s+|\s*,\s*", re.IGNORECASE)


def words_of(surface: str) -> list[str]:
    """The words of an entity, split on any run of whitespace."""
    return [word for word in _SPACES.split(surface)[::2] if word]


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    entity_group: str
    score: float | None


def mentions_from_entities(text: str, entities: Iterable[Mapping[str, Any]]) -> list[Mention]:
    """Hugging Face pipeline dicts -> sorted mentions; spans are trusted over ``word`` (which some
    tokenizers normalise), surrounding whitespace is trimmed, and overlapping spans keep the first."""
    mentions = sorted((_mention(text, e) for e in entities), key=lambda m: (m.start, -m.end))
    kept: list[Mention] = []
    for mention in mentions:
        if mention.end > mention.start and (not kept or mention.start >= kept[-1].end):
            kept.append(mention)
    return kept


def located_mentions(text: str, mentions: Sequence[Mention]) -> list[tuple[Mention, Mention]]:
    """(organisation or place, place) pairs where the second is written right after the first, as where it is:
    "Harvard University in Cambridge", "Acme Corp, Boston", "Central Park in New York"."""
    return [
        (first, second)
        for first, second in itertools.pairwise(mentions)
        if first.entity_group in ("ORG", "LOC")
        and second.entity_group == "LOC"
        and _LOCATED_BY.fullmatch(text, first.end, second.start)
    ]


def _mention(text: str, entity: Mapping[str, Any]) -> Mention:
    try:
        start, end = int(entity["start"]), int(entity["end"])
        group = str(entity.get("entity_group") or entity["entity"])
    except (KeyError, TypeError, ValueError) as exc:
        raise LocalizeError(f"malformed entity {dict(entity)!r}: needs entity_group, start and end") from exc
    if not 0 <= start <= end <= len(text):
        raise LocalizeError(f"entity span {start}:{end} is outside the text (length {len(text)})")
    span = text[start:end]
    start += len(span) - len(span.lstrip())
    end -= len(span) - len(span.rstrip())
    end = max(start, end)
    score = entity.get("score")
    group = group.split("-", 1)[1] if group[:2] in ("B-", "I-") else group
    return Mention(start, end, text[start:end], group, None if score is None else float(score))


def splice(text: str, edits: Sequence[tuple[int, int, str]]) -> tuple[str, list[tuple[int, int]]]:
    """Apply sorted, non-overlapping ``(start, end, new)`` edits; returns the new text and new spans."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    cursor = shift = 0
    for start, end, new in edits:
        parts += [text[cursor:start], new]
        spans.append((start + shift, start + shift + len(new)))
        shift += len(new) - (end - start)
        cursor = end
    parts.append(text[cursor:])
    return "".join(parts), spans


def match_casing(original: str, replacement: str, lowercase_vocab: bool) -> str:
    """``Paris``/``PARIS``/``paris`` -> ``Delhi``/``DELHI``/``delhi``; phrase underscores become spaces.

    A cased vocabulary already spells names properly (``McDonald``), so only UPPER and lower are forced.
    """
    text = replacement.replace("_", " ")
    letters = [c for c in original if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return text.upper()
    if letters and all(c.islower() for c in letters):
        return text.lower()
    if original[:1].isupper():
        return _title(text) if lowercase_vocab else text[:1].upper() + text[1:]
    return text


def abbreviation(surface: str) -> bool:
    """ "USA", "U.K.", "UAE", "ST. LOUIS": upper case by spelling, not for emphasis; a place in its stead keeps
    its own casing ("USA" -> "India", not "INDIA")."""
    letters = [c for c in surface if c.isalpha()]
    return surface.isupper() and (len(letters) <= 3 or "." in surface)


def _title(text: str) -> str:
    # str.title() would also capitalise after apostrophes in "o'neill's"; capitalise word starts only.
    return " ".join(
        "-".join(part[:1].upper() + part[1:] for part in word.split("-")) for word in text.split(" ")
    )


Key = tuple[str, tuple[str, ...]]  # (entity_group, lower-case words)


def key_of(mention: Mention) -> Key:
    return mention.entity_group, tuple(w.lower() for w in words_of(mention.text))


def full_forms(keys: list[Key]) -> dict[Key, Key]:
    """Partial key -> the longest key of the same type containing its words in order ("Mitchell" ->
    "John Mitchell"). Keys that are not partial are absent."""
    links = {}
    for key in set(keys):
        longer = [
            k for k in set(keys) if k[0] == key[0] and len(k[1]) > len(key[1]) and _inside(key[1], k[1])
        ]
        if longer:
            links[key] = max(longer, key=lambda k: (len(k[1]), keys.index(k) * -1))
    return links


def _inside(part: tuple[str, ...], whole: tuple[str, ...]) -> bool:
    n = len(part)
    return any(whole[i : i + n] == part for i in range(len(whole) - n + 1))
