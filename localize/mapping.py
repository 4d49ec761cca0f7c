"""What a rewrite decides and what it hands on: a decision per entity (``Move`` or ``Kept``), and the
``EntityMap`` that the allocator fills, original -> replacement per type, which the splice applies.

The map is plain data (``to_dict``/``from_dict``, versioned) so that a user can edit it, and a later rewrite
can take it back (``rewrite(..., mapping=saved)``): its entries are reused as they are, and new replacements never
collide with them. The splice also records where each replacement sits in the new text (``spans``), so that
``restore(rewritten, mapping)`` gives the original back byte for byte, even where the text already held the
replacement word elsewhere; spans are of one document, entries are what a series of documents shares.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args

# The kinds of organisation the grounded strategy tells apart (localize.organisations).
OrganisationKind = Literal[
    "central bank", "parliament", "lower house", "upper house", "supreme court", "federal police", "stock exchange",
    "commodity exchange", "space agency", "national broadcaster", "finance ministry", "agriculture ministry",
    "weather service", "environment agency", "news agency", "party", "university", "newspaper", "club", "league",
    "company", "global brand", "international",
]  # fmt: skip
# What an entity was taken for; the grounded strategy says it for each replacement, the open-vocabulary
# analogy does not know it (None).
Kind = Literal[
    "country", "region", "city", "venue", "first name", "surname", "full name", "initial", "organisation", "demonym",
    "e-mail address", "web address", "handle", OrganisationKind,
]  # fmt: skip
Strategy = Literal["grounded", "open-vocabulary", "redact"]
VERSION = 2
Mode = Literal["localize", "pseudonymize", "redact"]


@dataclass(frozen=True)
class Kept:
    """The entity stays as written, and why (and what it was taken for, where that is known)."""

    reason: str
    kind: Kind | None = None


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
    # A person's names one by one, {"first name": {"barack": "John"}, "surname": {"obama": "Chavez"}}: a later
    # document that writes "Obama" alone, with this map, gets "Chavez".
    parts: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def replaced(self) -> bool:
        return self.replacement is not None


@dataclass(frozen=True)
class Span:
    """Where one replacement sits: ``original`` at ``start:end`` of the source text, ``replacement`` at
    ``new_start:new_end`` of the rewritten one."""

    type: str
    original: str
    replacement: str
    start: int
    end: int
    new_start: int
    new_end: int


@dataclass
class EntityMap:
    """Original -> entry, per entity type, for one target and source."""

    target: str
    source: str
    strategy: Strategy
    notice: str | None = None  # a line for the reader when the rewrite is not what they may expect
    entries: dict[str, dict[str, Entry]] = field(default_factory=dict)
    mode: Mode = "localize"
    spans: list[Span] = field(default_factory=list)  # of the last text spliced from this map
    version: int = VERSION

    def get(self, group: str, original: str) -> Entry | None:
        return self.entries.get(group, {}).get(original)

    def put(self, group: str, original: str, entry: Entry) -> Entry:
        self.entries.setdefault(group, {})[original] = entry
        return entry

    def carry(self, saved: EntityMap) -> None:
        """Add the entries of ``saved`` this map lacks: a series' map keeps every name it ever gave, not only the
        ones of its last document (else a name two documents back would get a second replacement)."""
        for group, by_original in saved.entries.items():
            for original, entry in by_original.items():
                if self.get(group, original) is None:
                    self.put(group, original, entry)

    def replacements(self, *groups: str) -> list[str]:
        """Every replacement given to entities of ``groups`` (all types when none is named), in order."""
        chosen = groups or tuple(self.entries)
        return [e.replacement for g in chosen for e in self.entries.get(g, {}).values() if e.replacement]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> EntityMap:
        """The map of ``to_dict``; a LocalizeError in one line for another version or a malformed map."""
        from localize.config import LocalizeError

        if not isinstance(data, dict):
            raise LocalizeError(f"malformed mapping: a JSON object expected, not {type(data).__name__}")
        if data.get("version") != VERSION:
            raise LocalizeError(f"mapping version {data.get('version')!r} is not supported: expected version {VERSION}")
        try:
            entries = {
                str(group): {str(original): Entry(**entry) for original, entry in by_original.items()}
                for group, by_original in data.get("entries", {}).items()
            }
            spans = [Span(**span) for span in data.get("spans", [])]
            mapping = cls(data["target"], data["source"], data["strategy"], data.get("notice"), entries,
                          data.get("mode", "localize"), spans)
        except (KeyError, TypeError, AttributeError) as exc:
            raise LocalizeError(f"malformed mapping: {exc}") from exc
        if mapping.mode not in get_args(Mode):
            raise LocalizeError(f"malformed mapping: unknown mode {mapping.mode!r}")
        return mapping

    def document(self) -> EntityMap:
        """The map with only the entries its spans use: what one document needs to be read and restored."""
        used = {(span.type, span.original) for span in self.spans}
        entries = {
            group: {original: entry for original, entry in by_original.items() if (group, original) in used}
            for group, by_original in self.entries.items()
        }
        entries = {group: by_original for group, by_original in entries.items() if by_original}
        return EntityMap(self.target, self.source, self.strategy, self.notice, entries, self.mode, list(self.spans))

    def reusable(self) -> EntityMap:
        """The map without its spans: what a next document of a series takes."""
        return EntityMap(self.target, self.source, self.strategy, self.notice, self.entries, self.mode)


def restore(rewritten: str, mapping: EntityMap | dict[str, Any]) -> str:
    """The original text of ``rewritten``, byte for byte, from the spans of its mapping; a LocalizeError when a
    span does not hold its replacement (the mapping does not fit the text)."""
    from localize.config import LocalizeError

    spans = mapping.spans if isinstance(mapping, EntityMap) else EntityMap.from_dict(mapping).spans
    parts: list[str] = []
    cursor = 0
    for span in sorted(spans, key=lambda s: s.new_start):
        if span.new_start < cursor or rewritten[span.new_start : span.new_end] != span.replacement:
            found = rewritten[span.new_start : span.new_end]
            raise LocalizeError(
                f"the mapping does not fit the text: {span.replacement!r} expected at "
                f"{span.new_start}:{span.new_end}, found {found!r}"
            )
        parts += [rewritten[cursor : span.new_start], span.original]
        cursor = span.new_end
    parts.append(rewritten[cursor:])
    return "".join(parts)
