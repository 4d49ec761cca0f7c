"""CoNLL-2003 files, the one reader and writer of the project: ``training`` reads its data with it, ``corpus``
rewrites labelled corpora with it, the benchmarks turn test documents into text with gold spans with it.

- ``conll.files``: read (IOB1 converted to IOB2, optionally validated against ``LABELS``) and write documents;
- ``conll.text``: a document as raw text in the benchmarks' layouts, with each gold token's character span;
- ``conll.rewrite``: a labelled document with its gold entities rewritten by ``localize``, tags following.

It imports nothing of the project but ``localize`` (in ``conll.rewrite`` only), so every layer above may use it.
"""

from conll.files import (
    DOCSTART,
    LABELS,
    SPLIT_FILES,
    ConllError,
    Document,
    Token,
    read_documents,
    to_iob2,
    write_documents,
)
from conll.text import LAYOUTS, Rendered, render

__all__ = [
    "DOCSTART", "LABELS", "LAYOUTS", "SPLIT_FILES", "ConllError", "Document", "Rendered", "Token", "read_documents",
    "render", "to_iob2", "write_documents",
]  # fmt: skip
