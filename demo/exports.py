"""Download files (an entities table as CSV and JSON, a rewritten text and its mapping), in a folder that lives as
long as the app."""

from __future__ import annotations

import contextlib
import tempfile
import time
import uuid
from pathlib import Path

import pandas as pd

_MAX_AGE_S = 600  # Gradio copies returned files into its own cache at once; ours are only stepping stones


class Exports:
    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="demo-exports-")
        self.root = Path(self._folder.name)

    def write(self, table: pd.DataFrame) -> tuple[str, str]:
        """Paths of a fresh CSV and JSON (records) file holding ``table``."""
        self._prune()
        stem = self.root / f"entities-{uuid.uuid4().hex[:8]}"
        csv, json = stem.with_suffix(".csv"), stem.with_suffix(".json")
        table.to_csv(csv, index=False)
        table.to_json(json, orient="records", indent=1, force_ascii=False)
        return str(csv), str(json)

    def write_files(self, stem: str, contents: dict[str, str]) -> list[str]:
        """Paths of fresh files ``stem-XXXXXXXX.SUFFIX`` holding each of ``contents`` (suffix -> text)."""
        self._prune()
        base = self.root / f"{stem}-{uuid.uuid4().hex[:8]}"
        paths = []
        for suffix, text in contents.items():
            path = base.with_suffix(suffix)
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        return paths

    def _prune(self) -> None:
        cutoff = time.time() - _MAX_AGE_S
        for path in self.root.iterdir():
            with contextlib.suppress(FileNotFoundError):  # a concurrent request pruned it first
                if path.stat().st_mtime < cutoff:
                    path.unlink()
