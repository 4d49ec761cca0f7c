"""Which sub-words go into which model input, and which word each input labels.

A sentence that fits is one sequence ``left-context + sentence + right-context`` (context = up to N sub-words
of the neighbouring sentences, as the model was trained). A longer sentence is cut at word boundaries into
overlapping windows; every word is labelled from the window where it has the most sub-words around it, so
each word is labelled exactly once and nothing is truncated.
"""

from __future__ import annotations

from dataclasses import dataclass

from ner.text import Span


@dataclass
class Window:
    """Sub-words of one model input (special tokens not included) and the words it labels.

    ``targets`` holds ``(word index, position of the word's first sub-word)`` pairs.
    """

    doc: int
    ids: list[int]
    types: list[int]
    targets: list[tuple[int, int]]


def plan_windows(
    doc: int,
    pieces: list[list[int]],
    types: list[list[int]],
    sentences: list[Span],
    *,
    budget: int,
    overlap: int,
    context: int,
) -> list[Window]:
    """Windows for one document; ``pieces[w]``/``types[w]`` are word w's sub-word ids and token types.

    ``budget`` is the room for sub-words in one input. A word longer than the budget keeps only its first
    ``budget`` sub-words (its label comes from the first).
    """
    pieces = [p[:budget] for p in pieces]
    types = [t[:budget] for t in types]
    sizes = [sum(len(p) for p in pieces[first:end]) for first, end in sentences]
    windows = []
    for (first, end), size in zip(sentences, sizes, strict=True):
        if size == 0:
            continue
        if size <= budget:
            windows.append(_with_context(doc, pieces, types, first, end, budget - size, context))
        else:
            windows.extend(_split_sentence(doc, pieces, types, first, end, budget, overlap))
    return windows


def _with_context(
    doc: int, pieces: list[list[int]], types: list[list[int]], first: int, end: int, room: int, context: int
) -> Window:
    side = min(context, room // 2)  # as in training: the same room on both sides
    lo, hi = _reach(pieces, first, -1, side), _reach(pieces, end - 1, 1, side) + 1
    left_ids, left_types = _flat(pieces[lo:first]), _flat(types[lo:first])
    cut = max(0, len(left_ids) - side)
    ids, kinds = left_ids[cut:], left_types[cut:]
    targets = []
    for word in range(first, end):
        if pieces[word]:
            targets.append((word, len(ids)))
        ids += pieces[word]
        kinds += types[word]
    return Window(doc, ids + _flat(pieces[end:hi])[:side], kinds + _flat(types[end:hi])[:side], targets)


def _reach(pieces: list[list[int]], start: int, step: int, want: int) -> int:
    """Farthest word index needed for ``want`` sub-words next to word ``start``, going ``step``."""
    index, got = start, 0
    while got < want and 0 <= index + step < len(pieces):
        index += step
        got += len(pieces[index])
    return index


def _split_sentence(
    doc: int, pieces: list[list[int]], types: list[list[int]], first: int, end: int, budget: int, overlap: int
) -> list[Window]:
    spans = _window_spans([len(p) for p in pieces[first:end]], budget, overlap)
    best: dict[int, tuple[int, int]] = {}  # word -> (context around it, window number)
    layouts = []
    for number, (lo, hi) in enumerate(spans):
        positions, size = {}, 0
        for word in range(first + lo, first + hi):
            if pieces[word]:
                positions[word] = size
            size += len(pieces[word])
        for word, pos in positions.items():
            room = min(pos, size - pos - 1)
            if word not in best or room > best[word][0]:
                best[word] = (room, number)
        layouts.append((lo, hi, positions))
    windows = []
    for number, (lo, hi, positions) in enumerate(layouts):
        targets = [(word, pos) for word, pos in positions.items() if best[word][1] == number]
        if targets:
            words = slice(first + lo, first + hi)
            windows.append(Window(doc, _flat(pieces[words]), _flat(types[words]), targets))
    return windows


def _window_spans(lengths: list[int], budget: int, overlap: int) -> list[Span]:
    """Word ranges of at most ``budget`` sub-words; neighbours share about ``overlap`` sub-words."""
    spans: list[Span] = []
    lo = 0
    while True:
        hi, size = lo, 0
        while hi < len(lengths) and size + lengths[hi] <= budget:
            size += lengths[hi]
            hi += 1
        spans.append((lo, hi))
        if hi == len(lengths):
            return spans
        shared, next_lo = 0, hi
        while next_lo - 1 > lo and shared + lengths[next_lo - 1] <= overlap:
            next_lo -= 1
            shared += lengths[next_lo]
        lo = next_lo


def _flat(lists: list[list[int]]) -> list[int]:
    return [x for part in lists for x in part]
