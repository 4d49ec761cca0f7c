"""The redact mode: every selected entity becomes a numbered tag of its kind (``[PERSON 1]``, ``[CITY 2]``), the
same tag for the same entity, numbered per tag in order of first appearance; a partial mention takes its full
form's tag ("Obama" after "Barack Obama"). Tags already in a saved mapping are reused and never given again.
A redacted entity's text is hidden wherever else it is written as a whole word (``sweep``): a tagger that tags
"Radiometer" once and misses it in the next sentence would otherwise give it away."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from localize import places
from localize.config import LocalizeConfig
from localize.contacts import CONTACT_KINDS
from localize.mapping import Decision, EntityMap, Entry, Kept, Kind, Move
from localize.text import Mention, words_of

# The tag of an entity, from its type and, for a location, what it names.
TAGS: dict[str, str] = {"PER": "PERSON", "ORG": "ORGANISATION", "MISC": "MISC", "LOC": "LOCATION"}
PLACE_TAGS: dict[str, str] = {"country": "COUNTRY", "region": "REGION", "city": "CITY", "venue": "VENUE"}


def sweep(text: str, mentions: Sequence[Mention], redacted: Callable[[Mention], bool]) -> list[Mention]:
    """The mentions, with every other whole-word occurrence (as written) of a ``redacted`` one's text added as a
    mention of its type, where it overlaps no mention."""
    taken = [(m.start, m.end) for m in mentions]
    added: list[Mention] = []
    for surface, group in dict.fromkeys((m.text, m.entity_group) for m in mentions if redacted(m)):
        for found in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", text):
            if not any(found.start() < end and start < found.end() for start, end in taken):
                taken.append(found.span())
                added.append(Mention(found.start(), found.end(), surface, group, None))
    return sorted([*mentions, *added], key=lambda m: m.start)


class Redactor:
    """``survey``, ``decide`` and ``allocate`` of the redact mode, for one text."""

    def __init__(self, config: LocalizeConfig, common: Callable[[str], bool], mapping: EntityMap, form: str) -> None:
        self.config = config
        self.common = common
        self.map = mapping
        self.form = form
        self.full_forms: dict[str, str] = {}  # lower-case word of a full name -> the full name
        self.fixed: EntityMap | None = None  # the saved map, given to allocate

    def survey(self, text: str, mentions: Sequence[Mention], selected: set[str]) -> None:
        for mention in mentions:
            words = words_of(mention.text)
            if mention.entity_group == "PER" and len(words) > 1 and mention.entity_group in selected:
                for word in words:
                    self.full_forms.setdefault(word.lower(), mention.text)

    def decide(self, mention: Mention) -> Decision:
        words = words_of(mention.text)
        group = mention.entity_group
        if group == "LOC":
            found = places.recognize(words, self.common, self.config.places)
            kind: Kind | None = found.kind if found.kind in PLACE_TAGS else None  # type: ignore[assignment]
            return Move(kind, PLACE_TAGS.get(found.kind, TAGS["LOC"]))
        if group == "PER":
            full = self.full_forms.get(mention.text.lower()) if len(words) == 1 else None
            return Move("full name" if full is None else "surname", ("PERSON", full))
        kind = "organisation" if group == "ORG" else CONTACT_KINDS.get(group)
        return Move(kind, TAGS.get(group, group.upper()))

    def allocate(self, decisions: Sequence[tuple[Mention, Decision]], fixed: EntityMap | None = None) -> EntityMap:
        """Full forms first (so that a partial mention finds its full form's tag wherever it is written), each
        original once, in the order of the text."""
        used = set(fixed.replacements()) if fixed is not None else set()
        self.fixed = fixed
        if fixed is not None:  # "Obama" alone in a later document takes the tag "Barack Obama" got in an earlier one
            for original in fixed.entries.get("PER", {}):
                for word in words_of(original)[1:]:
                    self.full_forms.setdefault(word.lower(), original)
        partial = [(m, d) for m, d in decisions if isinstance(d, Move) and _follows(d)]
        for mention, decision in [*(x for x in decisions if x not in partial), *partial]:
            group, surface = mention.entity_group, mention.text
            if self.map.get(group, surface) is None:
                given = fixed.get(group, surface) if fixed is not None else None
                self.map.put(group, surface, given or self._entry(group, self._follow(mention, decision), used))
            used.update(self.map.replacements(group))
        return self.map

    def _follow(self, mention: Mention, decision: Decision) -> Decision:
        """A lone surname the survey did not link, linked to a full name of the saved map."""
        if isinstance(decision, Move) and decision.request == ("PERSON", None):
            full = self.full_forms.get(mention.text.lower())
            return Move("surname", ("PERSON", full)) if full else decision
        return decision

    def _entry(self, group: str, decision: Decision, used: set[str]) -> Entry:
        if isinstance(decision, Kept):
            return Entry(reason=decision.reason)
        tag, follows = decision.request if isinstance(decision.request, tuple) else (decision.request, None)
        saved = self.fixed.get(group, follows) if self.fixed is not None and follows else None
        full = (self.map.get(group, follows) or saved) if follows else None
        if full is not None and full.replacement:
            return Entry(full.replacement, None, decision.kind, f"redacted as {tag}", follows=follows)
        n = 1
        while self.form.format(tag=tag, n=n) in used:
            n += 1
        return Entry(self.form.format(tag=tag, n=n), None, decision.kind, f"redacted as {tag}")


def _follows(move: Move) -> str | None:
    """The full form a partial person mention takes its tag from."""
    return move.request[1] if isinstance(move.request, tuple) else None
