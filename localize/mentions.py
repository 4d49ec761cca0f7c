"""Grouping mentions so one entity gets one replacement, and partial mentions follow their full form."""

from __future__ import annotations

from localize.resolver import words_of
from localize.spans import Mention

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
