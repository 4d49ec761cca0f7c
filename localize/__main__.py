"""``python -m localize``. Without ``--entities`` the text is tagged by ``ner``, imported lazily here and
only here: the ``localize`` package itself never imports ``ner`` (data flows ner -> localize)."""

from __future__ import annotations

import sys

from localize.cli import Tagger, main
from localize.config import LocalizeError


def ner_tagger(model: str | None = None) -> Tagger:
    """``ner``'s tagger for ``--model`` (a name such as accurate or fast, a directory; None: ner's default)."""
    try:
        from ner import EntityTagger, with_contacts  # noqa: PLC0415 - deliberate lazy import, see module docstring
    except ImportError as exc:
        raise LocalizeError(f"the ner package is not available ({exc}); pass --entities FILE.jsonl") from exc
    try:
        tagger = EntityTagger.load(model)
    except Exception as exc:  # the ner package's own errors, e.g. no trained model yet
        raise LocalizeError(f"could not load the ner tagger: {exc}; pass --entities FILE.jsonl") from exc
    return lambda text: with_contacts(text, tagger(text))  # addresses follow the names they spell


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], auto_tagger=ner_tagger))
