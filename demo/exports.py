"""CSV and JSON download files of an entities table, in a folder that lives as long as the app."""

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

    def _prune(self) -> None:
        cutoff = time.time() - _MAX_AGE_S
        for path in self.root.iterdir():
            with contextlib.suppress(FileNotFoundError):  # a concurrent request pruned it first
                if path.stat().st_mtime < cutoff:
                    path.unlink()
