"""Case-shape feature: gives an uncased encoder back the capitalisation its tokenizer threw away.

Each sub-word gets a shape id computed from the original (cased) characters it covers, and the id is fed
through BERT's token-type embeddings, resized to ``len(CASE_SHAPES)`` rows. The model stays a standard
``BertForTokenClassification``; ``config.case_feature == CASE_FEATURE`` tells inference to do the same.
"""

from __future__ import annotations

CASE_FEATURE = "token_type_case_shape"
# Encoders without token types (MPNet) add a case embedding of their own; only training reads those models.
CASE_EMBEDDING = "inputs_embeds_case_shape"
CASE_SHAPES = ("lower", "title", "upper", "mixed")  # pieces with no cased letter count as "lower"


def case_shape(piece: str) -> int:
    """Shape id of one piece of original text: 0 lower/none, 1 Title, 2 UPPER, 3 mixed."""
    letters = [c for c in piece if c.lower() != c.upper()]
    if not letters or all(c.islower() for c in letters):
        return 0
    if all(c.isupper() for c in letters):
        return 1 if len(letters) == 1 else 2
    if letters[0].isupper() and all(c.islower() for c in letters[1:]):
        return 1
    return 3


def case_shape_ids(text: str, offsets: list[tuple[int, int]]) -> list[int]:
    """Shape ids for pieces given as character spans of ``text``; (0, 0) spans (special tokens) get 0."""
    return [case_shape(text[start:end]) if end > start else 0 for start, end in offsets]


def uses_case_feature(config) -> bool:
    """True when a model config was trained with case-shape ids (as token types or a case embedding)."""
    return getattr(config, "case_feature", None) in (CASE_FEATURE, CASE_EMBEDDING)
