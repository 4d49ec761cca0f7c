"""Checks on what users send: text size, uploaded files' encoding, the keep and force lists. Every failure is an
``InputError`` (or, from ``Policy``, a ``LocalizeError``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from localize import Policy
from ner import NerError
from ner.formats import decode_text


class InputError(ValueError):
    """Unusable user input; the message is one line meant for the user."""


class TooLarge(InputError):
    """Input over a size limit."""


def check_text(text: object, max_chars: int) -> str:
    """The text itself when it is a string no longer than ``max_chars``."""
    if not isinstance(text, str):
        raise InputError(f"text must be a string, not {type(text).__name__}")
    if len(text) > max_chars:
        raise TooLarge(f"text is {len(text):,} characters; the limit is {max_chars:,}")
    return text


def check_total(texts: Sequence[str], max_chars: int) -> None:
    total = sum(len(text) for text in texts)
    if total > max_chars:
        raise TooLarge(f"{total:,} characters in all; the limit is {max_chars:,}")


def decode(data: bytes, name: str) -> str:
    """UTF-8 text of an upload; binary or other encodings are refused rather than guessed."""
    try:
        return decode_text(data)
    except NerError as error:
        raise InputError(f"{name}: {error}") from error


def read_uploads(paths: Sequence[str | Path], max_chars: int, max_files: int) -> list[tuple[str, str]]:
    """(file name, text) of each uploaded file, refusing the lot if any is unreadable or they are too big."""
    if len(paths) > max_files:
        raise TooLarge(f"{len(paths)} files; the limit is {max_files}")
    named, budget = [], max_chars
    for path in map(Path, paths):
        size = path.stat().st_size
        if size > 4 * budget:  # cheaper than decoding: UTF-8 takes at most 4 bytes per character
            raise TooLarge(f"{path.name} is too big ({size:,} bytes); the limit is {max_chars:,} characters")
        text = decode(path.read_bytes(), path.name)
        budget -= len(text)
        if budget < 0:
            raise TooLarge(f"the files are over the limit of {max_chars:,} characters in all")
        named.append((path.name, text))
    return named


def policy(mode: str | None, keep: str | None, force: str | None) -> Policy:
    """The rewrite's policy from the app's fields: a mode, a keep list (one entry a line, ``/regex/`` for a
    pattern) and a force list (``word TYPE`` a line). A pattern that does not compile or an unknown type is a
    one-line LocalizeError; a force line without a type an InputError."""
    entries: dict[str, str] = {}
    for number, line in enumerate(_lines(force), 1):
        word, _, group = line.rpartition(" ")
        if not word.strip():
            raise InputError(f"force line {number}: {line!r} is not 'word TYPE' (New Delhi LOC)")
        entries[word.strip()] = group
    return Policy(mode or "localize", tuple(_lines(keep)), entries)


def _lines(text: str | None) -> list[str]:
    if text is not None and not isinstance(text, str):
        raise InputError(f"keep and force lists must be text, not {type(text).__name__}")
    return [line.strip() for line in (text or "").splitlines() if line.strip() and not line.strip().startswith("#")]
