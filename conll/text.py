"""A labelled document as raw text, with every gold token's character span, so that gold entities can be compared
with what a tagger finds in the text or handed to ``localize`` as exact spans.

Layouts: "spaced" (tokens joined by spaces, a line per sentence), "prose" (punctuation glued as in running text: no
space before , . ) 's etc., none after ( $) and "paragraph" (prose with the sentences of a document on one line).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from seqeval.metrics.sequence_labeling import get_entities

from conll.files import Document, Token

LAYOUTS = ("spaced", "prose", "paragraph")
NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "n't", "'"}
NO_SPACE_AFTER = {"(", "[", "{", "$"}
Span = tuple[int, int]


@dataclass
class Rendered:
    """A document rendered as text, with every gold token's character span."""

    text: str
    sentences: list[list[Token]]
    spans: list[list[Span]]  # per sentence, per token

    def entity_tokens(self) -> list[tuple[str, int, int, int]]:
        """Gold entities in text order as (type, sentence, first token, last token)."""
        return [
            (group, s, first, last)
            for s, sentence in enumerate(self.sentences)
            for group, first, last in get_entities([token.tag for token in sentence])
        ]

    def entities(self) -> list[dict[str, Any]]:
        """Gold entities as the pipeline's dicts (entity_group, start, end, score 1.0, word), in text order."""
        found = []
        for group, s, first, last in self.entity_tokens():
            start, end = self.spans[s][first][0], self.spans[s][last][1]
            word = self.text[start:end]
            found.append({"entity_group": group, "start": start, "end": end, "score": 1.0, "word": word})
        return found

    def gold(self) -> set[tuple[int, int, str]]:
        """(start, end, type) of every gold entity: what exact-span F1 compares."""
        return {(e["start"], e["end"], e["entity_group"]) for e in self.entities()}


def render(document: Document, layout: str = "spaced") -> Rendered:
    """The document as raw text in one of ``LAYOUTS``."""
    text, spans = "", []
    for number, sentence in enumerate(document.sentences):
        if number:
            text += " " if layout == "paragraph" else "\n"
        sentence_spans = []
        quotes = 0
        for index, token in enumerate(sentence):
            if index and (layout == "spaced" or not _glued(sentence, index, quotes)):
                text += " "
            quotes += token.word == '"'
            sentence_spans.append((len(text), len(text) + len(token.word)))
            text += token.word
        spans.append(sentence_spans)
    return Rendered(text, document.sentences, spans)


def _glued(sentence: list[Token], index: int, quotes: int) -> bool:
    """No space between tokens index-1 and index in prose (``quotes``: '"' seen before index)."""
    token, previous = sentence[index].word, sentence[index - 1].word
    if token == '"':
        return quotes % 2 == 1  # a closing quote
    if previous == '"':
        return quotes % 2 == 1  # after an opening quote
    return token in NO_SPACE_BEFORE or (token.startswith("'") and len(token) <= 3) or previous in NO_SPACE_AFTER
