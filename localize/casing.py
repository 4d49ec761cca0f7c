"""Give a replacement the casing of the word it replaces."""

from __future__ import annotations


def match_casing(original: str, replacement: str, lowercase_vocab: bool) -> str:
    """``Paris``/``PARIS``/``paris`` -> ``Delhi``/``DELHI``/``delhi``; phrase underscores become spaces.

    A cased vocabulary already spells names properly (``McDonald``), so only UPPER and lower are forced.
    """
    text = replacement.replace("_", " ")
    letters = [c for c in original if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return text.upper()
    if letters and all(c.islower() for c in letters):
        return text.lower()
    if original[:1].isupper():
        return _title(text) if lowercase_vocab else text[:1].upper() + text[1:]
    return text


def _title(text: str) -> str:
    # str.title() would also capitalise after apostrophes in "o'neill's"; capitalise word starts only.
    return " ".join(
        "-".join(part[:1].upper() + part[1:] for part in word.split("-")) for word in text.split(" ")
    )
