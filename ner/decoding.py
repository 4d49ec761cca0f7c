"""Bytes from a file or an upload -> text: UTF-8 only, binary refused rather than guessed."""

from __future__ import annotations

from ner.errors import NerError


def decode_text(data: bytes) -> str:
    """UTF-8 text without a leading byte-order mark (offsets count from the first real character).

    NerError for binary data (NUL bytes) and for anything that is not UTF-8.
    """
    if b"\x00" in data:
        raise NerError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NerError(f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})") from error
