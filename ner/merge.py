"""Per-word IOB2 labels -> entities in the Hugging Face pipeline format."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

from ner.text import Span


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
    text: str, words: Sequence[Span], labels: Sequence[str], scores: Sequence[float]
) -> list[Entity]:
    """Entities of one sentence from its words' labels and label probabilities.

    B-X starts an entity; I-X continues an entity of type X and otherwise (after O or another type) starts
    one, so a stray I- is not lost. An entity's score is the mean probability of its words.
    """
    entities: list[Entity] = []
    group: list[int] = []
    kind: str | None = None
    for i, label in enumerate(labels):
        prefix, label_kind = split_label(label)
        if group and (label_kind != kind or prefix == "B"):
            entities.append(_entity(text, words, scores, group, kind))
            group = []
        kind = label_kind
        if label_kind is not None:
            group.append(i)
    if group:
        entities.append(_entity(text, words, scores, group, kind))
    return entities


def _entity(
    text: str, words: Sequence[Span], scores: Sequence[float], group: list[int], kind: str | None
) -> Entity:
    start, end = words[group[0]][0], words[group[-1]][1]
    score = sum(scores[i] for i in group) / len(group)
    return {
        "entity_group": str(kind),
        "score": float(score),
        "word": text[start:end],
        "start": int(start),
        "end": int(end),
    }
