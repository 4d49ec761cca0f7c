"""Editing a rewrite without tagging again: the replacements table as the user edits it -> an edited
``EntityMap`` -> the same text re-spliced with it (``Localizer.rewrite(..., mapping=map)``: every original is in
the map, so nothing is chosen anew and the tagger is not called). Here: the table read as edits, and the draft
held between a rewrite and its edits; the edit itself (every mention, the family, the addresses) is
``localize.edits.edit``, which code can call as the app does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from localize import LocalizeError, Localizer, Policy, RewriteResult
from localize.edits import edit
from localize.mapping import EntityMap

# "note" (why an entity stayed) beside the replacement: at the end it was off-screen at 1400 px.
COLUMNS = ["replace", "original", "replacement", "note", "type", "kind", "from", "score", "alternatives"]
DATATYPES = ["bool", "str", "str", "str", "str", "str", "str", "str", "str"]  # a score of none reads "", not "null"
EDITABLE = (0, 2)  # the "replace" tick and the replacement; the other columns say what the row is
STATIC = [i for i in range(len(COLUMNS)) if i not in EDITABLE]


class EditError(ValueError):
    """An edit that cannot apply to this text; the message is one line meant for the user."""


@dataclass(frozen=True)
class Draft:
    """What it takes to splice the text again with other replacements: the text, its entities, the settings
    and the current map. Held in the app's ``gr.State`` between a rewrite and the user's edits."""

    text: str
    entities: list[dict[str, Any]]
    target: str | None  # None: the mode's default (pseudonymize and redact stay in the source country)
    source: str
    types: tuple[str, ...]
    mapping: EntityMap
    policy: Policy = Policy()


@cache
def countries() -> tuple[str, ...]:
    """Every country the grounded pools cover (people's names and places), by everyday English name."""
    from localize.countries import country
    from localize.names import load_pools

    return tuple(sorted(country(code).name for code in load_pools()))


def table(result: RewriteResult) -> pd.DataFrame:
    """One row per original (per type), in the order of the text: what it became and what else it could be."""
    rows, seen = [], set()
    for r in result.replacements:
        if (r.entity_group, r.original) in seen:
            continue
        seen.add((r.entity_group, r.original))
        note = r.reason or (f"follows {r.follows}" if r.follows else "")
        alternatives = ", ".join(r.alternatives)
        rows.append([r.replaced, r.original, r.replacement or "", note, r.entity_group, r.kind or "", r.pool or "",
                     "" if r.score is None else f"{r.score:.4f}", alternatives])  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS)


def changes(mapping: EntityMap, edited: Any) -> dict[tuple[str, str], str | None]:
    """(type, original) -> the replacement the user wants (None: keep the original), for each row of ``edited``
    (the table as the widget or an API caller sends it) that differs from ``mapping``."""
    wanted: dict[tuple[str, str], str | None] = {}
    for row in _rows(edited):
        key = (str(row["type"]), str(row["original"]))
        entry = mapping.get(*key)
        if entry is None:
            raise EditError(f"{key[1]!r} ({key[0]}) is not an entity of this text: rewrite it first")
        tick, typed = _truth(row["replace"]), _cell(row["replacement"])
        if typed and typed != (entry.replacement or ""):
            wanted[key] = typed  # a new replacement typed (or picked): it replaces, ticked or not
        elif tick != entry.replaced:
            wanted[key] = (typed or next(iter(entry.alternatives), None)) if tick else None
        elif entry.replaced and not typed:
            wanted[key] = None  # the replacement cleared: the original stays, as if unticked
    return wanted


def resplice(localizer: Localizer, draft: Draft, mapping: EntityMap) -> RewriteResult:
    """The draft's text rewritten with ``mapping`` as it is: no tagging, no candidate chosen anew."""
    return localizer.rewrite(
        draft.text, draft.entities, draft.target, draft.source, draft.types, policy=draft.policy, mapping=mapping
    )


def apply_table(localizer: Localizer, draft: Draft, edited: Any) -> tuple[Draft, RewriteResult]:
    """The user's table applied: the new draft (its map edited) and the re-spliced result."""
    result = resplice(localizer, draft, edit(draft.mapping, changes(draft.mapping, edited)))
    return replace(draft, mapping=result.mapping), result


def labels(mapping: EntityMap | None) -> list[str]:
    """The picker's entries: each original of ``mapping`` as "Paris (LOC)"."""
    if mapping is None:
        return []
    return [f"{original} ({group})" for group, by_original in mapping.entries.items() for original in by_original]


def key_of(label: str) -> tuple[str, str]:
    """(type, original) of a picker entry: "Paris (LOC)" -> ("LOC", "Paris")."""
    original, _, group = label.rpartition(" (")
    return group.removesuffix(")"), original


def options(mapping: EntityMap | None, label: str | None) -> tuple[list[str], str | None]:
    """What the picker offers for one original: its replacement, then its alternatives; and the replacement."""
    entry = mapping.get(*key_of(label)) if mapping is not None and label else None
    if entry is None:
        return [], None
    return list(dict.fromkeys([r for r in [entry.replacement, *entry.alternatives] if r])), entry.replacement


# --- the pieces ---------------------------------------------------------------------------------------------


def _rows(edited: Any) -> list[dict[str, Any]]:
    """The table's rows as dicts by column name, from a DataFrame, Gradio's ``{"headers", "data"}`` or a list
    of rows in ``COLUMNS`` order."""
    if isinstance(edited, pd.DataFrame):
        frame = edited
    elif isinstance(edited, Mapping) and "data" in edited:
        frame = pd.DataFrame(edited["data"], columns=edited.get("headers") or COLUMNS)
    elif isinstance(edited, Sequence) and not isinstance(edited, str):
        frame = pd.DataFrame(list(edited), columns=COLUMNS)
    else:
        raise EditError("the replacements table is not a table")
    missing = [c for c in ("replace", "original", "replacement", "type") if c not in frame.columns]
    if missing:
        raise EditError(f"the replacements table lacks the column(s) {', '.join(missing)}")
    return [row for row in frame.to_dict("records") if _cell(row["original"])]


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):  # None or NaN: an empty cell
        return ""
    return str(value).strip()


def _truth(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "x", "✓")
    return bool(value) and _cell(value) != ""


def read_mapping(path: str | Path) -> EntityMap:
    """A mapping file the app (or ``python -m localize --mapping-out``) wrote: ``EntityMap.to_dict()`` as JSON;
    anything else (not JSON, malformed, another version) is a one-line EditError."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise EditError(f"the mapping file is not JSON: {error}") from error
    try:
        return EntityMap.from_dict(data)
    except LocalizeError as error:
        raise EditError(f"the mapping file: {error}") from error


def mapping_json(mapping: EntityMap) -> str:
    return json.dumps(mapping.to_dict(), ensure_ascii=False, indent=1) + "\n"
