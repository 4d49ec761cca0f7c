"""``python -m corpus conll``: a labelled CoNLL corpus moved to another country, a file or a train/dev/test folder
at a time. Each document's gold PER/LOC/ORG entities are rewritten by ``localize`` (``conll.rewrite``, no tagging);
tokens outside entities, MISC entities, entities localize keeps and document markers are copied unchanged, so the
output is a ``--data`` folder for ``python -m training`` and ``python -m training.evaluate``.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from tqdm import tqdm

from conll import SPLIT_FILES, read_documents, write_documents
from conll.rewrite import rewrite_document
from localize import Localizer, Policy


def conll_files(source: Path, output: Path) -> Iterator[tuple[Path, Path]]:
    """(input file, output file) pairs: a file to a file, a folder's train/dev/test.txt to the same names."""
    if source.is_dir():
        names = SPLIT_FILES.values()
        found = [source / name for name in names if (source / name).is_file()]
        if not found:
            raise FileNotFoundError(f"{source}: no {', '.join(names)} in this folder")
        output.mkdir(parents=True, exist_ok=True)
        yield from ((path, output / path.name) for path in found)
    elif source.is_file():
        if output.is_dir():
            output = output / source.name
        output.parent.mkdir(parents=True, exist_ok=True)
        yield source, output
    else:
        raise FileNotFoundError(f"{source}: no such file or folder")


def rewrite_file(
    localizer: Localizer,
    source: Path,
    destination: Path,
    target: str,
    origin: str,
    types: tuple[str, ...],
    policy: Policy | None = None,
) -> Counter:
    """``source`` rewritten for ``target`` into ``destination`` (``policy``: pseudonymize, a keep list); counts of
    the selected entities replaced and kept."""
    counts: Counter = Counter()
    rewritten = []
    for document in tqdm(read_documents(source), desc=source.name, unit="doc", file=sys.stderr, disable=None):
        new, records = rewrite_document(document, localizer, target, origin, types, policy)
        rewritten.append(new)
        counts.update("replaced" if r.replacement else "kept" for r in records if r.entity_group in types)
    write_documents(rewritten, destination)
    return counts
