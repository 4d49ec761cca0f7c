"""Optional "same kind" check: keep choices an injected tagger labels with the original type."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

TypeChecker = Callable[[list[str]], Sequence[Sequence[Mapping[str, Any]]]]

_WINDOW = 200  # characters of context either side; taggers see the entity in a real sentence


def context(text: str, start: int, end: int) -> tuple[int, int]:
    """The line around ``[start, end)``, clipped to a window."""
    lo = max(text.rfind("\n", 0, start) + 1, start - _WINDOW)
    hi = text.find("\n", end)
    hi = min(len(text) if hi < 0 else hi, end + _WINDOW)
    return lo, hi


def accepted(
    checker: TypeChecker, text: str, requests: list[tuple[int, int, str, list[str]]]
) -> list[list[bool]]:
    """For each ``(start, end, group, candidates)``: whether the checker tags each candidate as ``group``
    when spliced into the entity's own sentence. One batched checker call for the whole text."""
    probes, spans = [], []
    for start, end, _, candidates in requests:
        lo, hi = context(text, start, end)
        for candidate in candidates:
            probes.append(text[lo:start] + candidate + text[end:hi])
            spans.append((start - lo, start - lo + len(candidate)))
    tagged = list(checker(probes)) if probes else []
    verdicts = iter(_matches(ents, span) for ents, span in zip(tagged, spans, strict=True))
    groups = (group for _, _, group, _ in requests)
    out = []
    for (_, _, _, candidates), group in zip(requests, groups, strict=True):
        out.append([group in next(verdicts) for _ in candidates])
    return out


def _matches(entities: Sequence[Mapping[str, Any]], span: tuple[int, int]) -> set[str]:
    """Types the tagger gave to anything overlapping the candidate's span."""
    found = set()
    for entity in entities:
        if int(entity["start"]) < span[1] and int(entity["end"]) > span[0]:
            group = str(entity.get("entity_group") or entity.get("entity", ""))
            found.add(group.split("-", 1)[1] if group[:2] in ("B-", "I-") else group)
    return found
