"""``tag`` and ``rewrite`` over a dataset, a batch of rows at a time (``corpus.shards`` reads and writes them).

Every input row gives one output row, its columns unchanged, plus:

- ``tag``: ``entities``, the ner dicts (entity_group, score, word, start, end) of the text;
- ``rewrite``: ``entities`` (tagged, or the input's own ``entities`` column, used as it is and kept unchanged),
  ``rewritten``, the text with its entities moved to ``--target``, and ``replacements``, localize's record of
  each entity (``localize.Replacement`` as a dict);
- both: ``error``, null for a row done, else why it was skipped (no text, not a string, empty, longer than
  ``--max-chars``, not UTF-8) or failed (the tagger or the localizer raised on it); its other new columns are null.

A column of the input with one of these names is replaced by the new one (except ``entities`` for rewrite).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from functools import cached_property
from typing import Any

import pyarrow as pa
from tqdm import tqdm

from corpus.config import CorpusConfig, CorpusError
from corpus.shards import ShardWriter, Source, decode_csv_bytes, open_input, prepare_output
from localize import LocalizeConfig, LocalizeError, Localizer, Replacement

ENTITY = pa.struct(
    [("entity_group", pa.string()), ("score", pa.float64()), ("word", pa.string()), ("start", pa.int64()),
     ("end", pa.int64())]
)
_ARROW_TYPES = {
    "str": pa.string(), "str | None": pa.string(), "int": pa.int64(), "float | None": pa.float64(),
    "list[str]": pa.list_(pa.string()),
}
REPLACEMENT = pa.struct([(f.name, _ARROW_TYPES[f.type]) for f in fields(Replacement)])  # type: ignore[index]


@dataclass
class Summary:
    rows: int
    done: int
    skipped: int
    failed: int
    shards: int

    def line(self, config: CorpusConfig) -> str:
        return (f"corpus {config.job}: {self.done:,} rows done, {self.skipped:,} skipped, {self.failed:,} failed "
                f"({self.rows:,} rows in {self.shards} shards of {config.output})")


class Job:
    """The models, loaded when first needed (a rewrite of rows with entities never loads a tagger)."""

    def __init__(self, config: CorpusConfig):
        self.config = config

    @cached_property
    def tagger(self) -> Any:
        from ner import EntityTagger, NerConfig, NerError

        try:
            return EntityTagger.load(self.config.model, NerConfig(precision=self.config.precision))
        except NerError as error:
            raise CorpusError(str(error)) from error

    @cached_property
    def localizer(self) -> Localizer:
        try:
            return Localizer.load(self.config.vectors, LocalizeConfig(seed=self.config.seed))
        except LocalizeError as error:
            raise CorpusError(str(error)) from error

    def process(self, table: pa.Table) -> tuple[pa.Table, list[str]]:
        """The batch with its new columns, and each row's outcome: done, skipped or failed."""
        config = self.config
        table, texts, errors = self._texts(table)
        status = ["done" if error is None else "skipped" for error in errors]
        columns: dict[str, pa.Array] = {}
        if config.job == "rewrite" and "entities" in table.column_names:
            entities = [_entity_list(value) for value in _plain_column(table, "entities")]
        else:
            entities = self._tag(texts, errors, status)
            columns["entities"] = pa.array(entities, pa.list_(ENTITY))
        if config.job == "rewrite":
            rewritten, replacements = self._rewrite(texts, entities, errors, status)
            columns["rewritten"] = pa.array(rewritten, pa.string())
            columns["replacements"] = pa.array(replacements, pa.list_(REPLACEMENT))
        columns["error"] = pa.array(errors, pa.string())
        for name, values in columns.items():
            if name in table.column_names:
                table = table.drop_columns([name])
            table = table.append_column(name, values)
        return table, status

    def _texts(self, table: pa.Table) -> tuple[pa.Table, list[str | None], list[str | None]]:
        """The batch with a bytes text column (CSV) decoded, the rows' texts (None where unusable) and why each
        unusable one is skipped."""
        column = table.column(self.config.text_column)
        decode_errors: list[str | None] = [None] * table.num_rows
        if pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type):
            decoded, decode_errors = decode_csv_bytes(column)
            table = table.set_column(table.column_names.index(self.config.text_column), self.config.text_column,
                                     decoded)
        values = _plain_column(table, self.config.text_column)
        texts: list[str | None] = []
        errors: list[str | None] = []
        for value, decode_error in zip(values, decode_errors, strict=True):
            error = decode_error or self._text_error(value)
            texts.append(None if error else value)
            errors.append(None if error is None else f"skipped: {error}")
        return table, texts, errors

    def _text_error(self, value: Any) -> str | None:
        if value is None:
            return "no text (null)"
        if not isinstance(value, str):
            return f"text is {type(value).__name__}, not a string"
        if not value.strip():
            return "empty text"
        if len(value) > self.config.max_chars:
            return f"text of {len(value):,} characters, over --max-chars {self.config.max_chars:,}"
        return None

    def _tag(self, texts: list[str | None], errors: list[str | None], status: list[str]) -> list[list | None]:
        """Entities of the usable texts, tagged together; a batch the tagger refuses is tagged row by row so that
        only the rows at fault fail."""
        rows = [i for i, text in enumerate(texts) if text is not None]
        entities: list[list | None] = [None] * len(texts)
        if not rows:
            return entities
        try:
            found = self.tagger([texts[i] for i in rows])
        except CorpusError:
            raise
        except Exception:  # noqa: BLE001 - any failure of a batch falls back to one row at a time
            found = []
            for i in rows:
                try:
                    found.append(self.tagger([texts[i]])[0])
                except Exception as error:  # noqa: BLE001 - reported in the row's error column
                    found.append(None)
                    _fail(i, f"tagger: {_first_line(error)}", texts, errors, status)
        for i, row_entities in zip(rows, found, strict=True):
            if row_entities is not None:
                entities[i] = [{key: entity[key] for key in ENTITY.names} for entity in row_entities]
        return entities

    def _rewrite(
        self, texts: list[str | None], entities: list[Any], errors: list[str | None], status: list[str]
    ) -> tuple[list[str | None], list[list[dict] | None]]:
        config = self.config
        rewritten: list[str | None] = [None] * len(texts)
        replacements: list[list[dict] | None] = [None] * len(texts)
        for i, text in enumerate(texts):
            if text is None:
                continue
            if not isinstance(entities[i], list):
                _fail(i, f"entities: {entities[i]}" if isinstance(entities[i], str) else "no entities", texts,
                      errors, status)
                continue
            try:
                result = self.localizer.rewrite(text, entities[i], config.target, config.source, config.types)
            except CorpusError:
                raise
            except Exception as error:  # noqa: BLE001 - malformed entities and the like: reported in the row
                _fail(i, f"localize: {_first_line(error)}", texts, errors, status)
                continue
            rewritten[i] = result.text
            replacements[i] = [_replacement(record) for record in result.replacements]
        return rewritten, replacements


def run(config: CorpusConfig) -> Summary:
    """The job over the whole input, resumed after the manifest's rows with ``config.resume``. The engine computes
    the new columns; either way they are written here, by one ``ShardWriter``."""
    source = open_input(config.input, config.split, config.batch_size, config.text_column)
    manifest = prepare_output(config.output, config.run_settings(), config.output_format or "", config.resume)
    writer = ShardWriter(config.output, manifest, config.shard_rows, config.id_column)
    start = manifest.rows
    if not manifest.complete:
        last_id = manifest.shards[-1]["last_id"] if manifest.shards else None
        if config.engine == "ray":
            from corpus.ray_engine import processed_batches

            processed = processed_batches(config, start, last_id)
        else:
            job = Job(config)
            processed = (job.process(table) for table in checked_batches(source, config, start, last_id))
        with tqdm(total=source.total, initial=start, unit="row", desc=config.job, file=sys.stderr,
                  disable=None, dynamic_ncols=True) as bar:
            for new, status in processed:
                writer.write(new, status)
                bar.update(new.num_rows)
        writer.finish()
    counts = Counter({key: manifest.count(key) for key in ("done", "skipped", "failed")})
    return Summary(manifest.rows, counts["done"], counts["skipped"], counts["failed"], len(manifest.shards))


def checked_batches(source: Source, config: CorpusConfig, start: int, last_id: str | None) -> Iterator[pa.Table]:
    """The input's batches from row ``start`` on, as every engine tags them; first checked: the columns named by
    the options exist, and (resuming with ``--id-column``) row ``start - 1`` still has ``last_id``."""
    lookback = bool(config.id_column and start)  # the last row done comes first, to check its id
    for n, table in enumerate(source.batches(start, config.batch_size, config.shard_rows, lookback)):
        if n == 0:
            _check_columns(table, config)
            if lookback:
                _check_resume_point(table, last_id, config.id_column or "")
                continue
        yield table


def _check_columns(table: pa.Table, config: CorpusConfig) -> None:
    for option, column in (("--text-column", config.text_column), ("--id-column", config.id_column)):
        if column and column not in table.column_names:
            raise CorpusError(f"{config.input}: no column {column!r} for {option} (columns: "
                              f"{', '.join(table.column_names)})")


def _check_resume_point(row: pa.Table, last_id: str | None, id_column: str) -> None:
    """The last row done must still have the id the manifest recorded for it."""
    value = row.column(id_column)[0].as_py()
    found = None if value is None else str(value)
    if found != last_id:
        raise CorpusError(f"cannot resume: the last row done had {id_column} {last_id!r}, the input has {found!r} "
                          "there now (has the input changed?)")


def _fail(i: int, message: str, texts: list[str | None], errors: list[str | None], status: list[str]) -> None:
    texts[i] = None
    errors[i] = f"failed: {message}"
    status[i] = "failed"


def _plain_column(table: pa.Table, name: str) -> list[Any]:
    """A column as Python values; JSON-typed values (datasets' type for a JSON column of mixed types) decoded."""
    column = table.column(name)
    values = column.to_pylist()
    if isinstance(column.type, pa.JsonType):
        values = [None if value is None else json.loads(value) for value in values]
    return values


def _entity_list(value: Any) -> Any:
    """An input's entities: a list of dicts, or its JSON text (from a CSV); a message string when unreadable."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as error:
            return f"not JSON ({error})"
    return value


def _replacement(record: Replacement) -> dict[str, Any]:
    """localize's record as plain JSON values (its score may be a numpy float)."""
    plain = asdict(record)
    if plain["score"] is not None:
        plain["score"] = float(plain["score"])
    return plain


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
