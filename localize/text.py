"""Entities as spans of the text: validating entity dicts, splicing replacements in without touching anything
else, the words of an entity, and giving a replacement the original's casing."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from localize.config import LocalizeError

_SPACES = re.compile(r"(\s+)")


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
