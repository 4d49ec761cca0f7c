"""E-mail addresses, web addresses and @handles (``ner.contacts`` finds them; entity groups EMAIL, URL, HANDLE).
They are no entities of their own, but they spell the names of the text: "Kevin and Laura Miller ...
(kevin@millerbakes.com)" rewritten to "Rajib and Radha Narayan" must not keep the address that names the
Millers. In localize and pseudonymize mode an address follows the replaced names written inside it
("rajib@narayanbakes.com"); in redact mode it is redacted like any entity ("[EMAIL 1]").

Only the words of replaced entities change, as letters inside the address (lower-case in, lower-case out).
Accents are dropped on both sides, since an address is ASCII ("Müller" is found as "muller"). A name shorter
than ``LocalizeConfig.contact_min_letters`` changes only where no letter touches it ("al" is in many words)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

from localize.mapping import EntityMap, Entry, Kind
from localize.text import Mention, match_casing, words_of

CONTACT_KINDS: dict[str, Kind] = {"EMAIL": "e-mail address", "URL": "web address", "HANDLE": "handle"}
CONTACT_TYPES = tuple(CONTACT_KINDS)
FOLLOWS_NAMES = "the names written in it"
NO_NAME = "no replaced name written in it"


def follow_contacts(
    entity_map: EntityMap, contacts: Sequence[Mention], saved: EntityMap | None, min_letters: int
) -> None:
    """Give each contact of the text an entry that follows the replaced names of ``entity_map``; one a saved
    map already holds (the writer's own choice, or an earlier document's) stays as it is."""
    words = name_words(entity_map)
    for mention in contacts:
        group, surface = mention.entity_group, mention.text
        if saved is not None and saved.get(group, surface) is not None:
            continue
        new, kind = follow(surface, words, min_letters), CONTACT_KINDS[group]
        entry = Entry(new, None, kind, FOLLOWS_NAMES) if new else Entry(reason=NO_NAME, kind=kind)
        entity_map.put(group, surface, entry)


def name_words(entity_map: EntityMap) -> dict[str, str]:
    """Lower-case word (and whole name, spaces left out) of every replaced entity -> its ASCII counterpart."""
    words: dict[str, str] = {}
    fallback: dict[str, str] = {}
    for group, by_original in entity_map.entries.items():
        if group in CONTACT_KINDS:
            continue
        for original, entry in by_original.items():
            if not entry.replacement:
                continue
            old, new = words_of(original), words_of(entry.replacement)
            if len(old) == len(new):  # after a writer's edit too: the words as they are now
                words.update((o.lower(), n) for o, n in zip(old, new, strict=True))
            words.setdefault("".join(old).lower(), "".join(new))
            for by_word in entry.parts.values():  # "Obama" alone: the surname "Barack Obama" got
                fallback.update(by_word)
    for word, new in fallback.items():
        words.setdefault(word.lower(), new)
    ascii_words = {_ascii(word).lower(): _ascii(new) for word, new in words.items() if word.isalpha()}
    return {word: new for word, new in ascii_words.items() if word and new and new.lower() != word}


def follow(contact: str, words: Mapping[str, str], min_letters: int = 4) -> str | None:
    """``contact`` with every name of ``words`` in it replaced, or None when it holds none. A name shorter than
    ``min_letters`` is replaced only where no letter touches it."""
    if not words:
        return None
    short = [re.escape(w) for w in words if len(w) < min_letters]
    long = [re.escape(w) for w in sorted(words, key=len, reverse=True) if len(w) >= min_letters]
    alternatives = long + ([rf"(?<![^\W\d_])(?:{'|'.join(short)})(?![^\W\d_])"] if short else [])
    pattern = re.compile("|".join(alternatives), re.IGNORECASE)
    new = pattern.sub(lambda m: match_casing(m.group(), words[m.group().lower()], lowercase_vocab=False), contact)
    return new if new != contact else None


def _ascii(name: str) -> str:
    """"José" -> "Jose", "O'Neil" -> "ONeil"; "" when letters outside ASCII remain (a name in another script)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    plain = "".join(c for c in plain if c.isalnum())
    return plain if plain.isascii() else ""
