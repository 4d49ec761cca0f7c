"""What a rewrite decides and what it hands on: a decision per entity (``Move`` or ``Kept``), and the
``EntityMap`` that the allocator fills, original -> replacement per type, which the splice applies.

The map is plain data (``to_dict``/``from_dict``, versioned) so that a user can edit it, and a later rewrite
can take it as ``fixed``: its entries are reused as they are, and new replacements never collide with them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

# What an entity was taken for; the grounded strategy says it for each replacement, the open-vocabulary
# analogy does not know it (None).
Kind = Literal[
    "country", "region", "city", "venue", "first name", "surname", "full name", "initial", "organisation", "demonym"
]
Strategy = Literal["grounded", "open-vocabulary"]
VERSION = 1


@dataclass(frozen=True)
class Kept:
    """The entity stays as written, and why."""

    reason: str


@dataclass(frozen=True)
class Move:
    """The entity moves; ``request`` says what the allocator must find (a strategy's own type)."""

    kind: Kind | None
    request: Any


Decision = Move | Kept


@dataclass
class Entry:
    """What one original became (``replacement``), or why it stayed (``reason``)."""

    replacement: str | None = None
    reason: str | None = None
    kind: Kind | None = None
    pool: str | None = None  # where the replacement came from: "GeoNames cities of India (3,120)", ...
    score: float | None = None  # analogy cosine of the replacement (None for rule-based ones)
    alternatives: list[str] = field(default_factory=list)
    follows: str | None = None  # the full form a partial mention copied ("John Mitchell" for "Mitchell")

    @property
    def replaced(self) -> bool:
        return self.replacement is not None


@dataclass
class EntityMap:
    """Original -> entry, per entity type, for one target and source."""

    target: str
    source: str
    strategy: Strategy
    notice: str | None = None  # a line for the reader when the rewrite is not what they may expect
    entries: dict[str, dict[str, Entry]] = field(default_factory=dict)
    version: int = VERSION

    def get(self, group: str, original: str) -> Entry | None:
        return self.entries.get(group, {}).get(original)

    def put(self, group: str, original: str, entry: Entry) -> Entry:
        self.entries.setdefault(group, {})[original] = entry
        return entry

    def replacements(self, *groups: str) -> list[str]:
        """Every replacement given to entities of ``groups`` (all types when none is named), in order."""
        chosen = groups or tuple(self.entries)
        return [e.replacement for g in chosen for e in self.entries.get(g, {}).values() if e.replacement]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EntityMap:
        from localize.config import LocalizeError

        if data.get("version") != VERSION:
            raise LocalizeError(f"entity map version {data.get('version')!r} is not {VERSION}")
        entries = {
            group: {original: Entry(**entry) for original, entry in by_original.items()}
            for group, by_original in data.get("entries", {}).items()
        }
        return cls(data["target"], data["source"], data["strategy"], data.get("notice"), entries)
