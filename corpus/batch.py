"""``tag`` and ``rewrite`` on one batch of rows (``corpus.run`` goes through the dataset, ``corpus.shards`` reads and
writes the rows).

Every input row gives one output row, its columns unchanged, plus:

- ``tag``: ``entities``, the ner dicts (entity_group, score, word, start, end) of the text;
- ``rewrite``: ``entities`` (tagged, or the input's own ``entities`` column, used as it is and kept unchanged),
  ``rewritten``, the text with its entities moved to ``--target`` (or pseudonymized, or redacted: ``--mode``),
  ``replacements``, localize's record of each entity (``localize.Replacement`` as a dict), and with a
  ``--mapping-scope`` ``mapping``, the row's map as JSON (the entries its spans use, and the spans), which
  ``localize.restore(rewritten, json.loads(mapping))`` turns back into the text;
- both: ``error``, null for a row done, else why it was skipped (no text, not a string, empty, longer than
  ``--max-chars``, not UTF-8) or failed (the tagger or the localizer raised on it); its other new columns are null.

A column of the input with one of these names is replaced by the new one (except ``entities`` for rewrite).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa

from corpus.config import CorpusConfig, CorpusError
from corpus.shards import RUN_MAPPING, Source, decode_csv_bytes
from localize import EntityMap, LocalizeError, Localizer, Replacement, RewriteResult

ENTITY = pa.struct(
    [("entity_group", pa.string()), ("score", pa.float64()), ("word", pa.string()), ("start", pa.int64()),
     ("end", pa.int64())]
)
_ARROW_TYPES = {
    "str": pa.string(), "str | None": pa.string(), "int": pa.int64(), "float | None": pa.float64(),
    "list[str]": pa.list_(pa.string()),
}
REPLACEMENT = pa.struct([(f.name, _ARROW_TYPES[f.type]) for f in fields(Replacement)])  # type: ignore[index]


Status = Literal["done", "skipped", "failed"]


@dataclass
class Outcome:
    """One row's fate in a batch: its usable text (None once skipped or failed), and if it was not done, why."""

    text: str | None
    status: Status = "done"
    reason: str | None = None

    @classmethod
    def of(cls, value: Any, problem: str | None) -> Outcome:
        return cls(value) if problem is None else cls(None, "skipped", problem)

    def fail(self, reason: str) -> None:
        self.text, self.status, self.reason = None, "failed", reason

    @property
    def error(self) -> str | None:
        """The row's error column: null when done, else "skipped: ..." or "failed: ..."."""
        return None if self.status == "done" else f"{self.status}: {self.reason}"


class Job:
    """The models, loaded when first needed (a rewrite of rows with entities never loads a tagger)."""

    def __init__(self, config: CorpusConfig):
        self.config = config
        # --mapping: the saved map every row starts from
        self.saved_map: EntityMap | None = load_saved_map(config.mapping) if config.mapping is not None else None
        # --mapping-scope run: the map every row so far added to (the saved one when resuming, else --mapping's)
        self.run_map: EntityMap | None = None
        if config.mapping_scope == "run":
            self.run_map = load_run_map(config) or self.saved_map

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
            return Localizer.load(self.config.vectors, self.config.localize)
        except LocalizeError as error:
            raise CorpusError(str(error)) from error

    def process(self, table: pa.Table) -> tuple[pa.Table, list[Status]]:
        """The batch with its new columns, and each row's outcome: done, skipped or failed."""
        config = self.config
        table, rows = self._rows(table)
        columns: dict[str, pa.Array] = {}
        if config.job == "rewrite" and "entities" in table.column_names:
            entities = [_entity_list(value) for value in _plain_column(table, "entities")]
        else:
            entities = self._tag(rows)
            columns["entities"] = pa.array(entities, pa.list_(ENTITY))
        if config.job == "rewrite":
            results = self._rewrite(rows, entities)
            columns["rewritten"] = pa.array([r and r.text for r in results], pa.string())
            replacements = [None if r is None else [_replacement(x) for x in r.replacements] for r in results]
            columns["replacements"] = pa.array(replacements, pa.list_(REPLACEMENT))
            if config.mapping_scope is not None:
                columns["mapping"] = pa.array([None if r is None else _mapping_json(r) for r in results], pa.string())
            if self.run_map is not None:
                save_run_map(config, self.run_map)
        columns["error"] = pa.array([row.error for row in rows], pa.string())
        for name, values in columns.items():
            if name in table.column_names:
                table = table.drop_columns([name])
            table = table.append_column(name, values)
        return table, [row.status for row in rows]

    def _rows(self, table: pa.Table) -> tuple[pa.Table, list[Outcome]]:
        """The batch with a bytes text column (CSV) decoded, and each row's text, or why it is skipped."""
        column = table.column(self.config.text_column)
        decode_errors: list[str | None] = [None] * table.num_rows
        if pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type) or not _valid_utf8(column):
            decoded, decode_errors = decode_csv_bytes(column.cast(pa.large_binary()))
            table = table.set_column(table.column_names.index(self.config.text_column), self.config.text_column,
                                     decoded)
        values = _plain_column(table, self.config.text_column)
        rows = [
            Outcome.of(value, decode_error or self._text_error(value))
            for value, decode_error in zip(values, decode_errors, strict=True)
        ]
        return table, rows

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

    def _tag(self, rows: list[Outcome]) -> list[list | None]:
        """Entities of the usable texts, tagged together; a batch the tagger refuses is tagged row by row so that
        only the rows at fault fail."""
        usable = [i for i, row in enumerate(rows) if row.text is not None]
        entities: list[list | None] = [None] * len(rows)
        if not usable:
            return entities
        try:
            found = self.tagger([rows[i].text for i in usable])
        except CorpusError:
            raise
        except Exception:  # noqa: BLE001 - any failure of a batch falls back to one row at a time
            found = [self._tag_one(rows[i]) for i in usable]
        for i, row_entities in zip(usable, found, strict=True):
            entities[i] = _entity_dicts(row_entities)
        return entities

    def _tag_one(self, row: Outcome) -> list[dict] | None:
        try:
            return self.tagger([row.text])[0]
        except Exception as error:  # noqa: BLE001 - reported in the row's error column
            row.fail(f"tagger: {first_line(error)}")
            return None

    def _rewrite(self, rows: list[Outcome], entities: list[Any]) -> list[RewriteResult | None]:
        """The rewrite of each usable row with entities, in order (a run map goes from one to the next)."""
        return [None if row.text is None else self._rewrite_one(row, row_entities)
                for row, row_entities in zip(rows, entities, strict=True)]

    @cached_property
    def _with_contacts(self) -> Any:
        """``ner.with_contacts``: the row's e-mail and web addresses and handles follow the names they spell. Imported
        when first needed, like the tagger (``ner`` loads torch)."""
        from ner import with_contacts

        return with_contacts

    def _rewrite_one(self, row: Outcome, entities: Any) -> RewriteResult | None:
        if not isinstance(entities, list):
            row.fail(f"entities: {entities}" if isinstance(entities, str) else "no entities")
            return None
        wanted, policy = self.config.localize, self.config.policy
        try:
            entities = self._with_contacts(row.text or "", entities)
            result = self.localizer.rewrite(row.text or "", entities, wanted.target, wanted.source, wanted.types,
                                            policy=policy, mapping=self.run_map or self.saved_map)
            if self.config.mapping_scope == "run":
                self.run_map = result.mapping.reusable() if result.mapping is not None else None
            return result
        except CorpusError:
            raise
        except Exception as error:  # noqa: BLE001 - malformed entities and the like: reported in the row
            row.fail(f"localize: {first_line(error)}")
            return None


def load_saved_map(path: Path) -> EntityMap:
    """The map of ``--mapping``; a CorpusError in one line when it cannot be read."""
    try:
        return EntityMap.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as error:  # LocalizeError is a ValueError
        raise CorpusError(f"cannot read --mapping {path}: {first_line(error)}") from error


def load_run_map(config: CorpusConfig) -> EntityMap | None:
    """The run's map saved with the shards, when resuming; None to start a new one."""
    path = config.output / RUN_MAPPING
    if not (config.resume and path.is_file()):
        return None
    try:
        return EntityMap.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as error:  # LocalizeError is a ValueError
        raise CorpusError(f"cannot resume: {path} is unreadable ({first_line(error)})") from error


def save_run_map(config: CorpusConfig, mapping: EntityMap) -> None:
    """Written then renamed, after every batch: it holds at least what the rows written so far used, and a
    resumed run that redoes rows gets the same names for them from it."""
    path = config.output / RUN_MAPPING
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(mapping.to_dict(), ensure_ascii=False) + "\n", encoding="utf-8")
    temporary.replace(path)


def _mapping_json(result: RewriteResult) -> str | None:
    return None if result.mapping is None else json.dumps(result.mapping.document().to_dict(), ensure_ascii=False)


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


def _entity_dicts(entities: list[dict] | None) -> list[dict] | None:
    """The tagger's entities with the columns of ``ENTITY`` only."""
    return None if entities is None else [{key: entity[key] for key in ENTITY.names} for entity in entities]


def _valid_utf8(column: pa.ChunkedArray) -> bool:
    """False for a string column holding invalid UTF-8 (Arrow's JSON reader does not check it)."""
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return True
    try:
        column.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


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


def first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
