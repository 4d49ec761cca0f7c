"""Checks on what users send: text size, uploaded files' encoding. Every failure is an ``InputError``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

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
