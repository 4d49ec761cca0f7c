"""What a rewrite returns: the new text, one record per entity, and the map the records were spliced from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from localize.mapping import EntityMap


@dataclass
class Replacement:
    original: str
    entity_group: str
    start: int
    end: int
    replacement: str | None = None
    reason: str | None = None  # why the entity was kept, when replacement is None
    new_start: int = 0
    new_end: int = 0
    score: float | None = None  # cosine between the replacement and the analogy point
    alternatives: list[str] = field(default_factory=list)
    follows: str | None = None  # the full form a partial mention copied ("John Mitchell" for "Mitchell")
    kind: str | None = None  # what the entity was taken for: city, region, country, venue, full name, surname ...
    pool: str | None = None  # where the replacement came from: "GeoNames cities of India (3,120)", ...

    @property
    def replaced(self) -> bool:
        return self.replacement is not None


@dataclass
class RewriteResult:
    text: str
    source_text: str
    target: str
    source: str
    replacements: list[Replacement]
    mapping: EntityMap | None = None  # original -> replacement per type; ``rewrite(..., fixed=)`` takes it back

    @property
    def strategy(self) -> str | None:
        """ "grounded" (real things of the target country), "open-vocabulary" (words of the vectors) or "redact"."""
        return self.mapping.strategy if self.mapping else None

    @property
    def mode(self) -> str:
        """localize, pseudonymize or redact."""
        return self.mapping.mode if self.mapping else "localize"

    @property
    def notice(self) -> str | None:
        """A line for the reader when the rewrite is not what they may expect (a target that is no country)."""
        return self.mapping.notice if self.mapping else None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
