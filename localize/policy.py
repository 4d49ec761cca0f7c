"""What the writer asks of a rewrite besides the target: the mode, what to keep, what to force, how to redact.

A ``Policy`` is data, like spaCy's SpanRuler patterns: built once, checked once (``Policy.checked`` raises a
one-line ``LocalizeError``), applied to every text.

- ``keep``: entities never replaced. A string matches an entity's whole text case-insensitively; a compiled
  ``re.Pattern``, or a string written ``/.../`` (a keep file's line), must match the whole entity text.
- ``force``: word -> type (PER, LOC, ORG, MISC). Every occurrence of the word, as written (case-sensitive: "May"
  the name, not "may"), between word boundaries, is an entity of that type even where the tagger missed it. A
  forced span wins over any tagged entity it overlaps; of two overlapping forced spans the longer wins.
- ``redact_format``: what a redacted entity becomes, from its ``tag`` (PERSON, CITY, ...) and number ``n``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from localize.config import LocalizeError
from localize.mapping import Mode

MODES: tuple[Mode, ...] = get_args(Mode)
ENTITY_TYPES = ("PER", "LOC", "ORG", "MISC")  # what a word may be forced to; what redact hides by default
REDACT_FORMAT = "[{tag} {n}]"
KEEP_REASON = "on the keep list"


@dataclass(frozen=True)
class Policy:
    mode: Mode = "localize"
    keep: tuple[str | re.Pattern[str], ...] = ()
    force: Mapping[str, str] = field(default_factory=dict)
    redact_format: str = REDACT_FORMAT

    def __post_init__(self) -> None:
        keep = (self.keep,) if isinstance(self.keep, str | re.Pattern) else tuple(self.keep)  # "Seattle" is one
        object.__setattr__(self, "keep", keep)
        object.__setattr__(self, "force", dict(self.force))
        if self.mode not in MODES:
            raise LocalizeError(f"unknown mode {self.mode!r}: one of {', '.join(MODES)}")
        for word, group in self.force.items():
            if group not in ENTITY_TYPES:
                known = ", ".join(ENTITY_TYPES)
                raise LocalizeError(f"force entry {word!r} has unknown type {group!r}: one of {known}")
            if not word.strip():
                raise LocalizeError("a force entry has an empty word")
        try:
            self.redact_format.format(tag="PERSON", n=1)
        except (KeyError, IndexError, ValueError) as exc:
            raise LocalizeError(f"redact format {self.redact_format!r} is not valid: use {{tag}} and {{n}}") from exc
        object.__setattr__(self, "_patterns", tuple(_compile(item) for item in self.keep))

    def __hash__(self) -> int:  # force is a dict: hashed by its items, so that a policy can key a cache
        return hash((self.mode, self.keep, tuple(sorted(self.force.items())), self.redact_format))

    def settings(self) -> dict[str, Any]:
        """As plain JSON values (a run's manifest records them)."""
        keep = [item.pattern if isinstance(item, re.Pattern) else item for item in self.keep]
        return {"mode": self.mode, "keep": keep, "force": dict(self.force), "redact_format": self.redact_format}

    def types(self, default: tuple[str, ...]) -> tuple[str, ...]:
        """The entity types a rewrite replaces when the caller names none."""
        return ENTITY_TYPES if self.mode == "redact" else default  # "Syrian" would tell "Syria"

    def kept(self, surface: str) -> bool:
        """Whether an entity written ``surface`` is on the keep list."""
        return any(pattern.fullmatch(surface) for pattern in self._patterns)  # type: ignore[attr-defined]

    def forced(self, text: str) -> list[dict[str, Any]]:
        """Every occurrence of every forced word, as entity dicts (``source: "force"``), longest first where
        two overlap."""
        found = [
            (m.start(), m.end(), group)
            for word, group in self.force.items()
            for m in re.finditer(rf"(?<!\w){re.escape(word.strip())}(?!\w)", text)
        ]
        chosen: list[tuple[int, int, str]] = []
        for start, end, group in sorted(found, key=lambda s: (-(s[1] - s[0]), s[0])):
            if all(end <= s or start >= e for s, e, _ in chosen):
                chosen.append((start, end, group))
        return [
            {"entity_group": g, "start": s, "end": e, "word": text[s:e], "score": 1.0, "source": "force"}
            for s, e, g in sorted(chosen)
        ]

    def entities(self, text: str, tagged: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        """The tagger's entities with every forced span added; a tagged entity that overlaps a forced span goes."""
        forced = self.forced(text)
        spans = [(f["start"], f["end"]) for f in forced]
        kept = [e for e in tagged if not any(_overlaps(e, s, t) for s, t in spans)]
        return [*kept, *forced]


def _overlaps(entity: Mapping[str, Any], start: int, end: int) -> bool:
    """Whether a tagged entity overlaps ``start:end``; a malformed one is left for the entity check to report."""
    try:
        return int(entity["start"]) < end and start < int(entity["end"])
    except (KeyError, TypeError, ValueError):
        return False


def _compile(item: str | re.Pattern[str]) -> re.Pattern[str]:
    if isinstance(item, re.Pattern):
        return item
    if len(item) > 2 and item.startswith("/") and item.endswith("/"):
        try:
            return re.compile(item[1:-1])
        except re.error as exc:
            raise LocalizeError(f"keep pattern {item!r} does not compile: {exc}") from exc
    return re.compile(re.escape(item), re.IGNORECASE)


def read_keep(path: str | Path) -> tuple[str, ...]:
    """A keep file: one entry a line, ``/regex/`` for a regular expression; blank lines and ``#`` lines skipped."""
    lines = _lines(path, "keep")
    for line in lines:
        _compile(line)
    return tuple(lines)


def read_force(path: str | Path) -> dict[str, str]:
    """A force file: ``word TYPE`` a line (the last field is the type: ``New Delhi LOC``)."""
    force: dict[str, str] = {}
    for number, line in enumerate(_lines(path, "force"), 1):
        parts = line.rsplit(None, 1)
        if len(parts) != 2:
            raise LocalizeError(f"force file {path} line {number}: {line!r} is not 'word TYPE'")
        word, group = parts
        if group not in ENTITY_TYPES:
            raise LocalizeError(f"force file {path} line {number}: unknown type {group!r} ({', '.join(ENTITY_TYPES)})")
        force[word] = group
    return force


def _lines(path: str | Path, what: str) -> list[str]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise LocalizeError(f"could not read {what} file {path}: {exc}") from exc
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
