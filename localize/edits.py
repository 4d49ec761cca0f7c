"""The writer's edits of a map: (type, original) -> the replacement they want, or None to keep the original.
``rewrite(text, entities, mapping=edit(result.mapping, wanted))`` then splices the text again with nothing
chosen anew (the app's replacements table does this on every edit).

An edit is keyed by (type, original), so it applies to every mention of that original. A person's edit also
carries to the family: every other name that shares a word with the edited one ("Obama" after "Barack Obama",
"Michelle Obama") takes the new word at that place, unless the user edited that name too (not in redact mode,
whose tags have no words to share); an e-mail address that spelled the old names spells the new ones.
"""

from __future__ import annotations

from collections.abc import Mapping

from localize.config import LocalizeError
from localize.contacts import CONTACT_TYPES, FOLLOWS_NAMES
from localize.mapping import EntityMap, Entry

CHOSEN = "chosen by the user"
FOLLOWS_EDIT = "follows the user's edit of {name!r}"
KEPT = "kept by the user"


def edit(mapping: EntityMap, wanted: Mapping[tuple[str, str], str | None]) -> EntityMap:
    """A copy of ``mapping`` with each (type, original) given its wanted replacement (None: kept), the families
    of edited people following, and the addresses that followed names set to follow them again."""
    new = EntityMap.from_dict(mapping.to_dict())
    words: dict[str, str] = {}
    for (group, original), replacement in wanted.items():
        entry = new.get(group, original)
        if entry is None:
            raise LocalizeError(f"{original!r} ({group}) is not an entity of this map")
        new.put(group, original, _edited(entry, original, replacement))
        if group == "PER" and new.mode != "redact":  # a tag ("[PERSON 2]") has no words to share
            words |= {w: n for w, n in _word_map(original, replacement or original).items() if w not in words}
    for group in CONTACT_TYPES:  # an address that followed the names follows them again when re-spliced
        for original, entry in list(new.entries.get(group, {}).items()):
            if (group, original) not in wanted and entry.pool == FOLLOWS_NAMES:
                del new.entries[group][original]
    if words:
        edited_names = {original for group, original in wanted if group == "PER"}
        for original, entry in list(new.entries.get("PER", {}).items()):
            if original not in edited_names and entry.pool != CHOSEN:
                carried = _carried(original, entry, words, edited_names)
                if carried is not None:
                    new.put("PER", original, carried)
    return new


# --- the pieces ---------------------------------------------------------------------------------------------


def _edited(entry: Entry, original: str, replacement: str | None) -> Entry:
    """``entry`` with the user's choice; the replacement it had goes first among the alternatives."""
    before = [entry.replacement] if entry.replacement else []
    alternatives = [a for a in dict.fromkeys(before + entry.alternatives) if a != replacement]
    if replacement is None or replacement == original:
        return Entry(reason=KEPT, kind=entry.kind, alternatives=alternatives)
    return Entry(replacement, None, entry.kind, CHOSEN, None, alternatives)


def _word_map(original: str, replacement: str) -> dict[str, str]:
    """Each word of an edited name -> its new word: word by word when both have as many, else the first and
    the last ("Barack Hussein Obama" -> "Rahul Gandhi": Barack -> Rahul, Obama -> Gandhi)."""
    old, new = original.split(), replacement.split()
    if len(old) == len(new):
        return dict(zip(old, new, strict=True))
    pairs = {old[0]: new[0]}
    if len(old) > 1 and len(new) > 1:
        pairs[old[-1]] = new[-1]
    return pairs


def _carried(original: str, entry: Entry, words: Mapping[str, str], edited: set[str]) -> Entry | None:
    """``entry`` of a name that shares words with an edited one, with those words' new forms; None if none."""
    old = original.split()
    if not any(word in words for word in old):
        return None
    current = (entry.replacement or original).split()
    if len(old) == 1:
        current = [" ".join(current)]
    elif len(current) != len(old):  # align the ends only: a first word stays first, a last word last
        current = [current[0], *old[1:-1], current[-1]]
    new = [words.get(word, now) for word, now in zip(old, current, strict=False)]
    name = next(iter(sorted(edited)), "")
    if new == old:
        return Entry(reason=FOLLOWS_EDIT.format(name=name), kind=entry.kind, follows=entry.follows)
    alternatives = [a for a in [entry.replacement, *entry.alternatives] if a and a != " ".join(new)]
    return Entry(" ".join(new), None, entry.kind, FOLLOWS_EDIT.format(name=name), None, alternatives, entry.follows)
