"""A labelled document moved to another country: its gold entities rewritten by ``localize`` (no tagging), the tags
following the replacements.

The document is rendered as text (``conll.text``, spaced layout) with its gold spans and rewritten with one
``Localizer.rewrite`` call, so an entity keeps one replacement within its document. A replaced entity becomes the
words of its replacement, tagged B-/I- with its type and given the middle columns (POS, chunk) of the original's
first token; every other token is copied unchanged.
"""

from __future__ import annotations

from conll.files import Document, Token
from conll.text import render
from localize import Localizer, Policy, Replacement


def rewrite_document(
    document: Document,
    localizer: Localizer,
    target: str,
    source: str,
    types: tuple[str, ...],
    policy: Policy | None = None,
) -> tuple[Document, list[Replacement]]:
    """The document with its selected gold entities replaced, and localize's records. ``policy``: a mode and keep
    list; forced words are refused (they have no gold tokens whose tags could follow them)."""
    if policy is not None and policy.force:
        raise ValueError("a labelled corpus takes its entities from its gold tags: no forced words")
    rendered = render(document)
    result = localizer.rewrite(
        rendered.text, rendered.entities(), target=target, source=source, types=types, policy=policy
    )
    replaced = {(r.start, r.end): r.replacement for r in result.replacements if r.replacement}
    by_first = {(s, first): (group, last) for group, s, first, last in rendered.entity_tokens()}
    out = Document(document.header)
    for s, sentence in enumerate(document.sentences):
        tokens: list[Token] = []
        i = 0
        while i < len(sentence):
            group, last = by_first.get((s, i), ("", i))
            new = replaced.get((rendered.spans[s][i][0], rendered.spans[s][last][1])) if group else None
            tokens.extend(_copied(sentence[i : last + 1]) if new is None else _replacement(new, sentence[i], group))
            i = last + 1
        out.sentences.append(tokens)
    return out, result.replacements


def _copied(tokens: list[Token]) -> list[Token]:
    return [Token(list(token.columns)) for token in tokens]


def _replacement(words: str, first: Token, group: str) -> list[Token]:
    """The replacement's words, B-/I- tagged, with the middle columns of the original's first token."""
    middle = first.columns[1:-1]
    return [Token([word, *middle, ("B-" if n == 0 else "I-") + group]) for n, word in enumerate(words.split())]
