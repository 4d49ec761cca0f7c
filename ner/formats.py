"""Files in and out: bytes from a file or an upload decoded as text (UTF-8 only, binary refused rather than
guessed), and tagged texts written as JSON lines, CSV or CoNLL."""

from __future__ import annotations

import bisect
import csv
import json
from typing import TextIO

from ner.config import NerError
from ner.merge import Entity
from ner.text import segment

FORMATS = ("jsonl", "csv", "conll")
CSV_FIELDS = ("file", "entity_group", "score", "word", "start", "end")


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


class ResultWriter:
    """Writes one record per tagged input to ``out`` in one of ``FORMATS``."""

    def __init__(self, out: TextIO, fmt: str):
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
        self.out, self.fmt = out, fmt
        self._csv = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
        if self._csv:
            self._csv.writerow(CSV_FIELDS)

    def write(self, name: str, text: str, entities: list[Entity]) -> None:
        if self._csv:
            self._csv.writerows([name, *(e[field] for field in CSV_FIELDS[1:])] for e in entities)
        elif self.fmt == "conll":
            self.out.write(conll(name, text, entities))
        else:
            self.out.write(json.dumps({"file": name, "entities": entities}, ensure_ascii=False) + "\n")
        self.out.flush()


def conll(name: str, text: str, entities: list[Entity]) -> str:
    """``# file = NAME``, then a ``word<TAB>IOB2-tag`` line per word, a blank line after each sentence."""
    doc = segment(text)
    starts = [entity["start"] for entity in entities]
    lines = [f"# file = {name}"]
    for first, end in doc.sentences:
        lines += [f"{text[s:e]}\t{_tag(s, e, entities, starts)}" for s, e in doc.words[first:end]]
        lines.append("")
    return "\n".join(lines) + "\n"


def _tag(start: int, stop: int, entities: list[Entity], starts: list[int]) -> str:
    """IOB2 tag of the word at ``start:stop``; ``entities`` are sorted and never overlap."""
    index = bisect.bisect_right(starts, start) - 1
    if index < 0 or stop > entities[index]["end"]:
        return "O"
    return ("B-" if starts[index] == start else "I-") + entities[index]["entity_group"]
