"""``--engine ray``: the ``tag`` and ``rewrite`` jobs on Ray Data, one ``corpus.batch.Job`` (so one tagger and one
localizer) per actor of a pool of ``--actors``.

    read (one task, on this machine) -> map_batches(actor pool) -> back to this process, in input order

The read task reads the input as the default engine does (``corpus.shards``, from the resume point on, with the same
checks) and cuts the very batches it tags. Each batch travels as one row holding its Arrow IPC bytes, one row per
block, so that Ray's block shaping can neither split nor merge batches: every actor call processes exactly one of
the default engine's batches. The processed batches come back in input order (``preserve_order``) with each row's
outcome, and ``corpus.run.run`` writes them with its ``ShardWriter``: the same shards, manifest, ``--resume`` and
summary as the default engine, row for row.

Why not ``ray.data.read_json``/``read_csv``/``read_parquet``: pyarrow's JSON reader refuses a column of mixed types
that the default engine reads, Ray Data has no row offset to resume from, and it re-blocks rows freely, so batches
(and with them the padding, the last digits of scores) would differ from the default engine's.

Without ``--address`` a local Ray instance is started for the run and shut down after it; with ``--address`` the run
joins that cluster (its nodes need this repository and the model at the same paths; the input is read on this
machine). A process already connected to Ray (``ray.init`` called before) runs on that instance and keeps it.
This module is imported only for ``--engine ray``: the default engine never needs Ray.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pyarrow as pa
import ray
import ray.data
from ray.data.block import BlockMetadata
from ray.data.datasource import Datasource, ReadTask

from corpus.batch import Job, checked_batches, first_line
from corpus.config import CorpusConfig, CorpusError
from corpus.shards import open_input

# The columns of Ray's rows: a batch as Arrow IPC bytes, its rows' outcomes, and why an actor could not process it.
BATCH, STATUS, FAILURE = "batch", "status", "failure"
# Ray Data warns when the pool gets fewer blocks (here: batches) than it has actors; a small input is no mistake.
warnings.filterwarnings("ignore", "The minimum number of concurrent actors", UserWarning)


def processed_batches(config: CorpusConfig, start: int, last_id: str | None) -> Iterator[tuple[pa.Table, list[str]]]:
    """The input's batches from row ``start`` on, processed by the actor pool, with each row's outcome (done,
    skipped, failed), in input order; ``last_id``: the id the resume point must still have (``--id-column``)."""
    _quiet_ray_data()
    with _ray_session(config):
        for row in _rows(_dataset(config, start, last_id)):
            if row[FAILURE] is not None:
                raise CorpusError(row[FAILURE])
            yield from_ipc(row[BATCH]), row[STATUS]


def _rows(dataset: ray.data.Dataset) -> Iterator[dict[str, Any]]:
    """The dataset's rows, in order; what a task raised comes out as a one-line CorpusError."""
    try:
        for block in dataset.iter_batches(batch_size=None, batch_format="pyarrow"):
            yield from block.to_pylist()
    except Exception as error:  # noqa: BLE001 - Ray wraps what a task raised in its own types
        raise CorpusError(_message(error)) from None


class _Batches(Datasource):
    """The input in the default engine's batches, one batch per row, read by one task on the driver's node."""

    def __init__(self, config: CorpusConfig, start: int, last_id: str | None):
        super().__init__()
        self.config, self.start, self.last_id = config, start, last_id

    def estimate_inmemory_data_size(self) -> int | None:
        return None

    def get_read_tasks(self, parallelism: int, per_task_row_limit: int | None = None, **_: Any) -> list[ReadTask]:
        return [ReadTask(self._read, BlockMetadata(num_rows=None, size_bytes=None, input_files=None, exec_stats=None))]

    @property
    def supports_distributed_reads(self) -> bool:
        return False  # the input may exist on this machine only

    def _read(self) -> Iterator[pa.Table]:
        config = self.config
        source = open_input(config.input, config.split, config.batch_size, config.text_column)
        for table in checked_batches(source, config, self.start, self.last_id):
            yield pa.table({BATCH: pa.array([to_ipc(table)], pa.large_binary())})


class _Actor:
    """One actor of the pool: its own ``Job``, whose models load on its first batch and stay loaded."""

    def __init__(self, config: CorpusConfig):
        self.job = Job(config)

    def __call__(self, rows: pa.Table) -> pa.Table:
        """One row in, one batch; one row out: the batch processed and its rows' outcomes, or why it could not be
        (a model that cannot be loaded; Ray would pass on a generic "UDF failed" error without the message)."""
        (blob,) = rows.column(BATCH).to_pylist()
        try:
            table, status = self.job.process(from_ipc(blob))
        except CorpusError as error:
            return _row(None, None, str(error))
        return _row(to_ipc(table), status, None)


def _row(batch: bytes | None, status: list[str] | None, failure: str | None) -> pa.Table:
    return pa.table(
        {
            BATCH: pa.array([batch], pa.large_binary()),
            STATUS: pa.array([status], pa.list_(pa.string())),
            FAILURE: pa.array([failure], pa.string()),
        }
    )


def _dataset(config: CorpusConfig, start: int, last_id: str | None) -> ray.data.Dataset:
    """read -> one batch per block -> the actor pool. Half of the cluster's CPUs go to the actors, the rest stay
    for the read task: with every CPU reserved by actors, the read waits forever (on 2 CPUs, 2 actors of 1 CPU
    each hang with no error; of 0.5 each they run)."""
    cpus = ray.cluster_resources().get("CPU", 1.0)
    context = ray.data.DataContext.get_current()
    options = context.execution_options
    saved = options.preserve_order, context.enable_progress_bars, context.target_max_block_size
    # In input order; every row (one batch) a block of its own, so that the pool is handed one batch at a time.
    options.preserve_order, context.enable_progress_bars, context.target_max_block_size = True, False, 1
    try:  # a dataset keeps the settings it was made with; other datasets of this process keep theirs
        read = ray.data.read_datasource(
            _Batches(config, start, last_id), override_num_blocks=1, num_cpus=min(1.0, cpus / 2)
        )
        with warnings.catch_warnings():  # 2.60 warns of any remote argument without a parameter of its own
            warnings.filterwarnings("ignore", "`ray_remote_args` is deprecated")
            return read.map_batches(
                _Actor,
                fn_constructor_args=(config,),
                batch_size=1,
                batch_format="pyarrow",
                compute=ray.data.ActorPoolStrategy(size=config.actors),
                num_cpus=min(1.0, cpus / 2 / config.actors),
                # Ray Data's default, actors restarted and batches retried without end, would loop on a batch that
                # kills its actor (out of memory); instead the run ends, and --resume goes on after the last shard.
                max_restarts=0,
            )
    finally:
        options.preserve_order, context.enable_progress_bars, context.target_max_block_size = saved


def _quiet_ray_data() -> None:
    """Ray Data's lines on the console off (every execution's plan, progress, each error with its stack): the run
    has its own progress bar and says what went wrong in one line. Its log files in the Ray session keep them."""
    for handler in logging.getLogger("ray.data").handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setLevel(logging.CRITICAL)


@contextmanager
def _ray_session(config: CorpusConfig) -> Iterator[None]:
    """Ray for one run: the instance this process is connected to already, else the ``--address`` cluster joined
    or a local instance started; whatever was started here is shut down after."""
    if ray.is_initialized():
        yield
        return
    # Quiet, as the default engine is: Ray logs its start and the actors' own output; what goes wrong comes back
    # as an error.
    quiet: dict[str, Any] = {"logging_level": logging.ERROR, "log_to_driver": False}
    try:
        if config.address:
            ray.init(address=config.address, **quiet)
        else:
            ray.init(num_cpus=os.cpu_count(), include_dashboard=False, **quiet)
    except Exception as error:  # noqa: BLE001 - ConnectionError, RuntimeError, ValueError...: one line
        if not config.address:
            raise CorpusError(f"cannot start a local Ray instance: {first_line(error)}") from None
        raise CorpusError(
            f"cannot join the Ray cluster at {config.address}: {first_line(error)} (with token authentication, "
            "Ray's default, set RAY_AUTH_MODE=token and the cluster's token in ~/.ray/auth_token or RAY_AUTH_TOKEN)"
        ) from None
    try:
        yield
    finally:
        ray.shutdown()


def to_ipc(table: pa.Table) -> bytes:
    """A table as Arrow IPC stream bytes: its schema (extension types and all) travels with it."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def from_ipc(blob: bytes) -> pa.Table:
    return pa.ipc.open_stream(blob).read_all()


def _message(error: BaseException) -> str:
    """The CorpusError that the read task raised (a missing column, a changed input), else the first line of the
    innermost error Ray passes on."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, CorpusError) and not isinstance(cause, ray.exceptions.RayError):
            return first_line(cause)  # Ray appends lines of advice on retries
        error, cause = cause, getattr(cause, "cause", None) or cause.__cause__
    return f"ray: {type(error).__name__}: {first_line(error)} (Ray's logs: /tmp/ray/session_latest/logs)"

