"""The promise every rewrite keeps: the text outside the replaced entities comes back byte for byte."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from localize.result import RewriteResult


def splice_problems(result: RewriteResult, entities: Sequence[dict[str, Any]] | None = None) -> list[str]:
    """What, if anything, a rewrite changed beyond its records: text outside the replaced spans that differs
    from the source, a record whose spans do not hold its original and replacement, or (given ``entities``)
    a replaced span that is not exactly one of them. An empty list means nothing was lost."""
    source, text = result.source_text, result.text
    spans = {(e["start"], e["end"]) for e in entities} if entities is not None else None
    problems: list[str] = []
    position = new_position = 0
    for record in sorted(result.replacements, key=lambda r: r.start):
        if not record.replaced:
            continue
        if source[position : record.start] != text[new_position : record.new_start]:
            problems.append(f"text before {record.original!r} changed")
        if source[record.start : record.end] != record.original:
            problems.append(f"{record.original!r} is not at {record.start}:{record.end} of the source")
        if text[record.new_start : record.new_end] != record.replacement:
            problems.append(f"{record.replacement!r} is not at {record.new_start}:{record.new_end} of the rewrite")
        if spans is not None and (record.start, record.end) not in spans:
            problems.append(f"{record.original!r} at {record.start}:{record.end} is not an entity")
        position, new_position = record.end, record.new_end
    if source[position:] != text[new_position:]:
        problems.append("the text after the last replacement changed")
    return problems
