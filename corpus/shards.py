"""Rows in and out for ``python -m corpus tag|rewrite``: an input read as Arrow tables of ``batch_size`` rows, and
an output folder of numbered shards with a ``manifest.json``.

Inputs: JSON lines (``.jsonl``/``.json``) and Parquet files and Hub datasets are streamed with
``datasets.load_dataset(..., streaming=True)``, a ``save_to_disk`` folder is memory-mapped with
``datasets.load_from_disk``. CSV is read with ``pyarrow.csv``: every column as text (CSV has no types, so the
values come out as they went in), the text column as bytes decoded row by row, so that one row with invalid
UTF-8 is reported in its ``error`` column instead of stopping the run.

Output: ``OUT.parquet/`` (or ``OUT.jsonl/``, ``OUT.csv/``) holds ``part-00000.parquet``, ``part-00001.parquet``,
... in input order, each written to ``part-NNNNN.parquet.tmp`` and renamed when complete, and ``manifest.json``
(also written then renamed): the run's settings, and per shard its file, rows and how many were done, skipped and
failed. A shard counts only once the manifest lists it; ``--resume`` removes anything else of ours (a
half-written ``.tmp``, a shard renamed just before a kill) and goes on after the listed rows, so no row is lost or
written twice. The shards together are the output, e.g.
``datasets.load_dataset("parquet", data_files=sorted(glob("OUT.parquet/part-*.parquet")), split="train")``.
In JSON lines and CSV shards the JSON-typed values of mixed-type JSON columns are written decoded, and in CSV
lists and dicts (``entities``, ``replacements``) are written as JSON text.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from corpus.config import CorpusError

MANIFEST = "manifest.json"
_SHARD = re.compile(r"part-\d{5}\.\w+(\.tmp)?")
_HUB_ID = re.compile(r"[\w][\w.-]*(/[\w][\w.-]*)?")
_JSON_SUFFIXES = (".jsonl", ".json")


@dataclass
class Source:
    """An input, read by ``batches`` from any row on."""

    name: str
    total: int | None  # rows, where known without reading the input
    tables: Callable[[], Iterator[pa.Table]]  # the whole input, in tables of any size

    def batches(self, start: int, size: int, shard_rows: int, lookback: bool = False) -> Iterator[pa.Table]:
        """Tables of up to ``size`` rows from row ``start`` on, none across a multiple of ``shard_rows``: a resumed
        run tags the very batches an uninterrupted one would. ``lookback``: row ``start - 1`` comes first, alone."""
        position = start - 1 if lookback else start
        pending: list[pa.Table] = []
        rows, to_skip = 0, position
        try:
            for table in self.tables():
                if to_skip:
                    dropped = min(to_skip, table.num_rows)
                    table, to_skip = table.slice(dropped), to_skip - dropped
                if not table.num_rows:
                    continue
                pending.append(table.replace_schema_metadata(None))  # datasets' features: wrong once we add columns
                rows += table.num_rows
                while rows:
                    want = 1 if position < start else min(size, shard_rows - position % shard_rows)
                    if rows < want:
                        break
                    whole = pa.concat_tables(pending, promote_options="permissive")
                    yield whole.slice(0, want)
                    pending, rows, position = [whole.slice(want)], rows - want, position + want
        except (pa.ArrowException, OSError, ValueError) as error:
            raise CorpusError(f"{self.name}: cannot read: {_first_line(error)}") from error
        if rows:
            yield pa.concat_tables(pending, promote_options="permissive")


def open_input(name: str, split: str, batch_size: int, text_column: str) -> Source:
    """The input at ``name``: a file, a ``save_to_disk`` folder, or (online only) a Hub dataset name."""
    import datasets

    datasets.disable_progress_bars()
    datasets.logging.set_verbosity_error()
    path = Path(name)
    try:
        if path.is_dir():
            return _disk_source(path, split, batch_size)
        if path.is_file():
            if not path.stat().st_size:
                raise CorpusError(f"{name}: empty file")
            suffix = path.suffix.lower()
            if suffix == ".csv":
                return _csv_source(path, text_column)
            if suffix in (*_JSON_SUFFIXES, ".parquet"):
                builder = "parquet" if suffix == ".parquet" else "json"
                stream = datasets.load_dataset(builder, data_files=str(path), split="train", streaming=True)
                total = pq.ParquetFile(path).metadata.num_rows if builder == "parquet" else None
                return Source(name, total, lambda: stream.with_format("arrow").iter(batch_size=batch_size))
            raise CorpusError(f"{name}: unknown input format {suffix or '(no extension)'}; expected .jsonl, .csv, "
                              ".parquet or a save_to_disk folder")
        if path.suffix.lower() in (*_JSON_SUFFIXES, ".csv", ".parquet") or not _HUB_ID.fullmatch(name):
            raise CorpusError(f"{name}: no such file or folder")
        from huggingface_hub.utils import logging as hub_logging

        hub_logging.set_verbosity_error()  # its retries offline: one line from us instead, after them
        stream = datasets.load_dataset(name, split=split, streaming=True)
        splits = stream.info.splits or {}
        total = splits[split].num_examples if split in splits and splits[split].num_examples else None
        return Source(name, total, lambda: stream.with_format("arrow").iter(batch_size=batch_size))
    except CorpusError:
        raise
    except Exception as error:  # datasets raises many types: FileNotFoundError, DatasetNotFoundError, ...
        raise CorpusError(f"{name}: cannot open: {_first_line(error)}") from error


def _disk_source(path: Path, split: str, batch_size: int) -> Source:
    import datasets

    if not any((path / marker).is_file() for marker in ("dataset_info.json", "dataset_dict.json", "state.json")):
        raise CorpusError(f"{path}: a folder, but not one written by datasets' save_to_disk")
    loaded = datasets.load_from_disk(str(path))
    if isinstance(loaded, datasets.DatasetDict):
        if split not in loaded:
            raise CorpusError(f"{path}: no split {split!r} (it has {', '.join(loaded)}); pick one with --split")
        loaded = loaded[split]
    return Source(str(path), len(loaded), lambda: loaded.with_format("arrow").iter(batch_size=batch_size))


def _csv_source(path: Path, text_column: str) -> Source:
    parse = pa_csv.ParseOptions(newlines_in_values=True)
    with pa_csv.open_csv(path, parse_options=parse) as probe:  # the header, for the column names
        names = probe.schema.names
    # Every column as text (no type guessed from the first block that a later block could break); the text
    # column as bytes, decoded by the job row by row.
    types = {n: pa.binary() if n == text_column else pa.string() for n in names}
    convert = pa_csv.ConvertOptions(column_types=types, strings_can_be_null=False)

    def tables() -> Iterator[pa.Table]:
        with pa_csv.open_csv(path, parse_options=parse, convert_options=convert) as reader:
            for batch in reader:
                yield pa.Table.from_batches([batch])

    return Source(str(path), None, tables)


def decode_csv_bytes(column: pa.ChunkedArray) -> tuple[pa.Array, list[str | None]]:
    """A bytes column (a CSV's, or JSON text that is not UTF-8) as text (invalid bytes replaced) and, per row, why
    it is not UTF-8 or None."""
    values, errors = [], []
    for raw in column.to_pylist():
        error = None
        if raw is not None:
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError as bad:
                error = f"not UTF-8 (byte 0x{raw[bad.start]:02x} at offset {bad.start})"
                raw = raw.decode("utf-8", errors="replace")
        values.append(raw)
        errors.append(error)
    return pa.array(values, pa.string()), errors


# Output

RUN_MAPPING = "mapping.json"  # --mapping-scope run: the one map of every row, beside the manifest


@dataclass
class Manifest:
    settings: dict[str, Any]
    format: str
    shards: list[dict[str, Any]] = field(default_factory=list)  # file, rows, done, skipped, failed, last_id
    complete: bool = False

    @property
    def rows(self) -> int:
        return sum(shard["rows"] for shard in self.shards)

    def count(self, key: str) -> int:
        return sum(shard[key] for shard in self.shards)

    def save(self, folder: Path) -> None:
        temporary = folder / (MANIFEST + ".tmp")
        temporary.write_text(json.dumps(asdict(self), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        _sync(temporary)
        temporary.replace(folder / MANIFEST)

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        try:
            return cls(**json.loads((folder / MANIFEST).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError) as error:
            raise CorpusError(f"{folder / MANIFEST}: unreadable ({_first_line(error)})") from error


def prepare_output(folder: Path, settings: dict[str, Any], fmt: str, resume: bool) -> Manifest:
    """The manifest to go on from: a new one, or with ``resume`` the one in ``folder`` if its settings match
    (files of ours that it does not list are removed)."""
    if (folder / MANIFEST).is_file():
        if not resume:
            raise CorpusError(f"{folder} holds a run already; --resume continues it, or choose another --output")
        manifest = Manifest.load(folder)
        changed = [key for key in sorted(set(settings) | set(manifest.settings))
                   if settings.get(key) != manifest.settings.get(key)]
        if changed:
            key = changed[0]
            raise CorpusError(f"cannot resume {folder}: it was run with {key}={manifest.settings.get(key)!r}, "
                              f"not {settings.get(key)!r} (and {len(changed) - 1} other settings differ)"
                              if len(changed) > 1 else
                              f"cannot resume {folder}: it was run with {key}={manifest.settings.get(key)!r}, "
                              f"not {settings.get(key)!r}")
        listed = {shard["file"] for shard in manifest.shards}
        for path in folder.iterdir():
            if _SHARD.fullmatch(path.name) and path.name not in listed or path.name == MANIFEST + ".tmp":
                path.unlink()
        return manifest
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise CorpusError(f"{folder} exists and is not an output of python -m corpus; choose another --output")
    folder.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(settings, fmt)
    manifest.save(folder)
    return manifest


class ShardWriter:
    """Appends tables to numbered shards of ``shard_rows`` rows; a full shard is renamed into place and listed in
    the manifest. ``status`` gives each row's outcome: done, skipped or failed."""

    def __init__(self, folder: Path, manifest: Manifest, shard_rows: int, id_column: str | None):
        self.folder, self.manifest, self.shard_rows, self.id_column = folder, manifest, shard_rows, id_column
        self.schema: pa.Schema | None = None
        if manifest.format == "parquet" and manifest.shards:  # later shards keep the first one's column types
            self.schema = pq.read_schema(folder / manifest.shards[0]["file"])
        self._open: _Shard | None = None

    def write(self, table: pa.Table, status: list[str]) -> None:
        while table.num_rows:
            if self._open is None:
                self._open = _Shard(self.folder / f"part-{len(self.manifest.shards):05d}.{self.manifest.format}")
            room = self.shard_rows - self._open.rows
            part, table = table.slice(0, room), table.slice(room)
            part_status, status = status[:room], status[room:]
            self._write(part)
            self._open.rows += part.num_rows
            for outcome in part_status:
                self._open.counts[outcome] += 1
            if self.id_column:
                self._open.last_id = _id(part.column(self.id_column)[-1].as_py())
            if self._open.rows == self.shard_rows:
                self.commit()

    def commit(self) -> None:
        """The open shard renamed into place and listed in the manifest."""
        shard, self._open = self._open, None
        if shard is None:
            return
        shard.close()
        _sync(shard.temporary)
        shard.temporary.replace(shard.path)
        self.manifest.shards.append(
            {"file": shard.path.name, "rows": shard.rows, **shard.counts, "last_id": shard.last_id}
        )
        self.manifest.save(self.folder)

    def finish(self) -> None:
        self.commit()
        self.manifest.complete = True
        self.manifest.save(self.folder)

    def _write(self, table: pa.Table) -> None:
        shard = self._open
        assert shard is not None
        fmt = self.manifest.format
        if fmt == "parquet":
            if self.schema is None:
                self.schema = table.schema
            if table.schema != self.schema:
                try:
                    table = table.select(self.schema.names).cast(self.schema)
                except (pa.ArrowException, KeyError, ValueError) as error:
                    raise CorpusError(f"rows of another shape than the first shard's: {_first_line(error)}") from error
            if shard.parquet is None:
                shard.parquet = pq.ParquetWriter(shard.temporary, self.schema)
            shard.parquet.write_table(table)
            return
        if shard.text is None:
            shard.text = shard.temporary.open("w", encoding="utf-8", newline="")
            if fmt == "csv":
                shard.csv = csv.writer(shard.text, lineterminator="\n")
                shard.csv.writerow(table.column_names)
        for row in _plain_rows(table):
            if shard.csv is not None:
                shard.csv.writerow(_csv_cell(value) for value in row.values())
            else:
                shard.text.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")


@dataclass
class _Shard:
    path: Path
    rows: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {"done": 0, "skipped": 0, "failed": 0})
    last_id: str | None = None
    parquet: pq.ParquetWriter | None = None
    text: Any = None
    csv: Any = None

    @property
    def temporary(self) -> Path:
        return self.path.with_name(self.path.name + ".tmp")

    def close(self) -> None:
        if self.parquet is not None:
            self.parquet.close()
        if self.text is not None:
            self.text.close()
        if self.parquet is None and self.text is None:  # a shard of no rows cannot happen, but never rename nothing
            self.temporary.touch()


def _plain_rows(table: pa.Table) -> list[dict[str, Any]]:
    """Rows as Python values, JSON-typed columns (datasets' type for mixed JSON values) decoded."""
    rows = table.to_pylist()
    for name, column_type in zip(table.column_names, table.schema.types, strict=True):
        if isinstance(column_type, pa.JsonType):
            for row in rows:
                row[name] = None if row[name] is None else json.loads(row[name])
    return rows


def _csv_cell(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return "" if value is None else value


def _id(value: Any) -> str | None:
    return None if value is None else str(value)


def _sync(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
