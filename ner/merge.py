"""Per-word IOB2 labels -> entities in the Hugging Face pipeline format."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

from ner.text import Span, is_punctuation

# Punctuation a name may hold between its words ("Johnson & Johnson", "Dr . Smith" in spaced text); any other mark
# between two words labelled as one entity ends it there ("Mary Jones / Bill Gates" are two people).
INNER_PUNCTUATION = frozenset(["&", "'", "\u2019", "."])
# White space no name crosses: a tab separates a pasted table's columns ("Mary Jones<TAB>Mary Jones" is two cells),
# a line break ends a line.
SEPARATING_SPACE = frozenset("\t\n\r\x0b\x0c")


class Entity(TypedDict):
    entity_group: str
    score: float
    word: str
    start: int
    end: int


def split_label(label: str) -> tuple[str, str | None]:
    """("B"|"I", type) for an entity label, ("O", None) outside; a label without prefix counts as I-."""
    if label == "O":
        return "O", None
    prefix, sep, kind = label.partition("-")
    if sep and prefix in ("B", "I"):
        return prefix, kind
    return "I", label


def merge_entities(
    text: str,
    words: Sequence[Span],
    labels: Sequence[str],
    scores: Sequence[float],
    atoms: frozenset[int] = frozenset(),
) -> list[Entity]:
    """Entities of one sentence from its words' labels and label probabilities.

    B-X starts an entity; I-X continues an entity of type X and otherwise (after O or another type) starts
    one, so a stray I- is not lost. An entity's score is the mean probability of its words. Whatever the
    labels say, an entity never holds an atom (``atoms``: word indices of addresses, URLs, handles), never
    reaches across markup, never holds punctuation other than ``INNER_PUNCTUATION``, and never starts or ends
    with punctuation.
    """
    entities: list[Entity] = []
    for kind, group in _labelled_groups(labels):
        for part in _clean_parts(text, words, group, atoms):
            entities.append(_entity(text, words, scores, part, kind))
    return entities


def _labelled_groups(labels: Sequence[str]) -> list[tuple[str, list[int]]]:
    groups: list[tuple[str, list[int]]] = []
    group: list[int] = []
    kind: str | None = None
    for i, label in enumerate(labels):
        prefix, label_kind = split_label(label)
        if group and (label_kind != kind or prefix == "B"):
            groups.append((str(kind), group))
            group = []
        kind = label_kind
        if label_kind is not None:
            group.append(i)
    if group:
        groups.append((str(kind), group))
    return groups


def _clean_parts(text: str, words: Sequence[Span], group: list[int], atoms: frozenset[int]) -> list[list[int]]:
    """A labelled run of words cut at atoms, foreign punctuation and markup, each part trimmed of edge
    punctuation."""
    parts: list[list[int]] = [[]]
    for i in group:
        word = text[words[i][0] : words[i][1]]
        if i in atoms or (is_punctuation(word) and word not in INNER_PUNCTUATION):
            parts.append([])
            continue
        gap = text[words[parts[-1][-1]][1] : words[i][0]] if parts[-1] else ""
        if gap and (not gap.isspace() or SEPARATING_SPACE & set(gap)):  # markup, a separator, a tab
            parts.append([])
        parts[-1].append(i)
    return [trimmed for part in parts if (trimmed := _trim_punctuation(text, words, part))]


def _trim_punctuation(text: str, words: Sequence[Span], part: list[int]) -> list[int]:
    first, last = 0, len(part)
    while first < last and is_punctuation(text[words[part[first]][0] : words[part[first]][1]]):
        first += 1
    while last > first and is_punctuation(text[words[part[last - 1]][0] : words[part[last - 1]][1]]):
        last -= 1
    return part[first:last]


def _entity(text: str, words: Sequence[Span], scores: Sequence[float], group: list[int], kind: str) -> Entity:
    start, end = words[group[0]][0], words[group[-1]][1]
    score = sum(scores[i] for i in group) / len(group)
    return {
        "entity_group": kind,
        "score": float(score),
        "word": text[start:end],
        "start": int(start),
        "end": int(end),
    }
