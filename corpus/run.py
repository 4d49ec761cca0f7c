"""A ``tag`` or ``rewrite`` run over a whole dataset: the input from the resume point on, through an engine, into
one ``ShardWriter``, and the summary. The engines compute the same new columns for the same batches
(``corpus.batch``): "default" one batch after another in this process, "ray" on Ray Data (``corpus.ray_engine``)."""

from __future__ import annotations

import shutil
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pyarrow as pa
from tqdm import tqdm

from corpus.batch import Job, checked_batches
from corpus.config import CorpusConfig
from corpus.shards import RUN_MAPPING, ShardWriter, Source, open_input, prepare_output

Processed = Iterator[tuple[pa.Table, list[str]]]  # each batch with its new columns, and each row's outcome
# (config, the input, its first row to process, the id the row before must still have)
Engine = Callable[[CorpusConfig, Source, int, "str | None"], Processed]


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


def default_engine(config: CorpusConfig, source: Source, start: int, last_id: str | None) -> Processed:
    """The batches one after another in this process, by one ``Job``."""
    job = Job(config)
    return (job.process(table) for table in checked_batches(source, config, start, last_id))


def ray_engine(config: CorpusConfig, source: Source, start: int, last_id: str | None) -> Processed:
    """The batches on Ray Data, a ``Job`` per actor (whose read task opens the input again); Ray is imported only
    here."""
    from corpus.ray_engine import processed_batches

    return processed_batches(config, start, last_id)


ENGINE_RUNNERS: dict[str, Engine] = {"default": default_engine, "ray": ray_engine}  # keys: config.ENGINES


def run(config: CorpusConfig) -> Summary:
    """The job over the whole input, resumed after the manifest's rows with ``config.resume``. The engine computes
    the new columns; either way they are written here, by one ``ShardWriter``."""
    source = open_input(config.input, config.split, config.batch_size, config.text_column)
    manifest = prepare_output(config.output, config.run_settings(), config.output_format or "", config.resume)
    writer = ShardWriter(config.output, manifest, config.shard_rows, config.id_column)
    start = manifest.rows
    if not manifest.complete:
        last_id = manifest.shards[-1]["last_id"] if manifest.shards else None
        processed = ENGINE_RUNNERS[config.engine](config, source, start, last_id)
        with tqdm(total=source.total, initial=start, unit="row", desc=config.job, file=sys.stderr,
                  disable=None, dynamic_ncols=True) as bar:
            for new, status in processed:
                writer.write(new, status)
                bar.update(new.num_rows)
        writer.finish()
    if config.mapping_out is not None and (config.output / RUN_MAPPING).is_file():
        shutil.copyfile(config.output / RUN_MAPPING, config.mapping_out)
    counts = Counter({key: manifest.count(key) for key in ("done", "skipped", "failed")})
    return Summary(manifest.rows, counts["done"], counts["skipped"], counts["failed"], len(manifest.shards))
