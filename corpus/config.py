"""Settings of the ``tag`` and ``rewrite`` jobs in one place, and the one error type they raise."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from localize import LocalizeConfig, Policy
from ner import PRECISIONS

Job = Literal["tag", "rewrite"]
JOBS: tuple[str, ...] = get_args(Job)
Engine = Literal["default", "ray"]
ENGINES: tuple[str, ...] = get_args(Engine)
OUTPUT_FORMATS = ("parquet", "jsonl", "csv")  # the extension of --output picks one
MappingScope = Literal["row", "run"]
MAPPING_SCOPES: tuple[str, ...] = get_args(MappingScope)


class CorpusError(ValueError):
    """Bad input, output or settings; the message is one line meant for the user (exit status 2)."""


@dataclass(frozen=True)
class CorpusConfig:
    job: Job
    input: str  # a .jsonl/.json, .csv or .parquet file, a save_to_disk folder, or a Hub dataset name
    output: Path  # a folder named OUT.parquet, OUT.jsonl or OUT.csv: its shards and manifest.json
    text_column: str = "text"
    id_column: str | None = None  # checked on --resume: the last row done must still have the id recorded
    split: str = "train"  # of a Hub dataset or a save_to_disk DatasetDict
    model: str | None = None  # ner: accurate, fast, a directory or a hub id; None: ner's default
    precision: str = "auto"
    batch_size: int = 64  # rows read, tagged and written at a time: what bounds memory
    shard_rows: int = 10_000  # rows per output shard; a resumed run redoes at most one shard's rows
    # Longer texts are reported in the error column and skipped. ner has no length limit of its own (long texts
    # are windowed), so this bounds one row's time and memory; 100k characters is a long book chapter.
    max_chars: int = 100_000
    # rewrite: the target, source, types and seed of localize (its defaults, declared there once)
    localize: LocalizeConfig = field(default_factory=LocalizeConfig)
    vectors: str | None = None  # localize's word vectors (None: the embedded GloVe)
    # rewrite: the mode, keep and force lists and redact format of localize (``localize.Policy``)
    policy: Policy = field(default_factory=Policy)
    # rewrite: None writes no mapping (the rows of runs before modes); "row" a mapping column, each row's own map;
    # "run" the same column with one map for every row, saved with the shards (OUT/mapping.json) after each
    # batch so that --resume goes on with it, and copied to ``mapping_out`` at the end.
    mapping_scope: MappingScope | None = None
    mapping_out: Path | None = None
    # rewrite: a saved mapping (JSON, as ``--mapping-out`` or ``python -m localize --mapping-out`` wrote it) whose
    # names every row keeps: a series of corpora rewritten the same way. With "run" it is the run map's start.
    mapping: Path | None = None
    resume: bool = False
    # default: batches tagged one after another in this process; ray: on Ray Data, one model per actor
    # (corpus.ray_engine), the same output rows.
    engine: Engine = "default"
    actors: int = 2  # ray: actors, each with its own models
    address: str | None = None  # ray: an existing cluster to join (None: a local Ray instance on this machine)

    def __post_init__(self) -> None:
        if self.job not in JOBS:
            raise CorpusError(f"job must be one of {', '.join(JOBS)}, got {self.job!r}")
        if self.precision not in PRECISIONS:
            raise CorpusError(f"--precision must be one of {', '.join(PRECISIONS)}, got {self.precision!r}")
        if self.engine not in ENGINES:
            raise CorpusError(f"--engine must be one of {', '.join(ENGINES)}, got {self.engine!r}")
        for name in ("batch_size", "shard_rows", "max_chars", "actors"):
            if getattr(self, name) < 1:
                raise CorpusError(f"--{name.replace('_', '-')} must be at least 1, got {getattr(self, name)}")
        if self.output_format is None:
            choices = ", ".join(f"OUT.{fmt}" for fmt in OUTPUT_FORMATS)
            raise CorpusError(f"--output {self.output}: name it {choices} (the extension picks the format)")
        if not self.localize.types and self.job == "rewrite":
            raise CorpusError("--types must name at least one entity type")
        if self.mapping_scope is not None and self.mapping_scope not in MAPPING_SCOPES:
            raise CorpusError(f"--mapping-scope must be one of {', '.join(MAPPING_SCOPES)}, got {self.mapping_scope!r}")
        if self.mapping_out is not None and self.mapping_scope != "run":
            raise CorpusError("--mapping-out writes the run's mapping: it needs --mapping-scope run "
                              "(with row, each row's mapping is in its mapping column)")
        if self.mapping_scope == "run" and self.engine != "default":
            raise CorpusError("--mapping-scope run needs --engine default: one map is carried from row to row")
        if self.engine == "ray":
            _check_ray()

    @property
    def output_format(self) -> str | None:
        fmt = self.output.suffix.lstrip(".").lower()
        return fmt if fmt in OUTPUT_FORMATS else None

    def run_settings(self) -> dict[str, Any]:
        """What a resumed run must share with the run it continues: everything that changes the output rows or
        where a shard ends. ``batch_size`` may change (it bounds memory only), and so may ``resume`` and the engine
        settings (both engines tag the same batches)."""
        settings = asdict(self)
        del settings["localize"], settings["policy"], settings["mapping_out"]
        if self.policy != Policy():  # only then: runs started before modes keep resuming
            settings["policy"] = self.policy.settings()
        if self.mapping_scope is None:
            del settings["mapping_scope"]
        # The keys of manifests written before the localize settings were nested, so that those runs still resume
        # (a tag run's manifest has the default types too).
        settings["types"] = list(self.localize.types)
        if self.job == "rewrite":
            settings.update(target=self.localize.target, source=self.localize.source, seed=self.localize.seed)
        if self.mapping is None:
            del settings["mapping"]
        else:
            settings["mapping"] = str(self.mapping.resolve())
        free = ["batch_size", "resume", "output", "engine", "actors", "address"]
        if self.job == "tag":
            free += ["vectors"]
        for name in free:
            del settings[name]
        model = Path(self.model) if self.model else None
        if model is not None and model.exists():  # a directory: the same one, however it was spelled
            settings["model"] = str(model.resolve())
        source = Path(self.input)
        settings["input"] = str(source.resolve()) if source.exists() else self.input
        return settings


def _check_ray() -> None:
    """Ray is an optional extra: its absence is one line that says how to install it."""
    try:
        import ray.data  # noqa: F401
    except ImportError as error:
        raise CorpusError(f"--engine ray needs Ray Data ({error}): pip install -r requirements-ray.txt") from None
