"""Results shaped for the widgets: highlighted spans and the entities table (the replacements table, which the user
edits, is ``demo.editing``'s). No computation beyond re-formatting."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from localize import RewriteResult

COLORS = {"PER": "#f59e0b", "LOC": "#10b981", "ORG": "#3b82f6", "MISC": "#a855f7"}
ENTITY_COLUMNS = ["source", "entity_group", "word", "score", "start", "end"]


def highlighted(text: str, spans: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """``gr.HighlightedText``'s dict value: the text and its spans as ``{entity_group, start, end}``."""
    return {
        "text": text,
        "entities": [{"entity_group": s["entity_group"], "start": s["start"], "end": s["end"]} for s in spans],
    }


def input_spans(result: RewriteResult) -> list[dict[str, Any]]:
    """Where each entity the rewrite saw sits in the input (the tagger's, and any the force list added)."""
    return [{"entity_group": r.entity_group, "start": r.start, "end": r.end} for r in result.replacements]


def output_spans(result: RewriteResult) -> list[dict[str, Any]]:
    """Where each entity sits in the rewritten text (replaced or kept)."""
    return [{"entity_group": r.entity_group, "start": r.new_start, "end": r.new_end} for r in result.replacements]


def entities_table(named: Sequence[tuple[str, Sequence[Mapping[str, Any]]]]) -> pd.DataFrame:
    """One row per entity of each (source name, entities) pair, scores rounded for reading."""
    rows = [
        [name, e["entity_group"], e["word"], round(float(e["score"]), 4), e["start"], e["end"]]
        for name, entities in named
        for e in entities
    ]
    return pd.DataFrame(rows, columns=ENTITY_COLUMNS)
