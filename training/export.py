"""Ship a trained model: fp16 safetensors + tokenizer + config + metrics.json + model card (+ activation ranges).

``python -m training.export RUN/best models/ner-default``. Inference loads it back as float32 on CPU.
An adapter folder (``--adapter lora``) ships as an adapter folder (fp16 adapter weights, a few MB; its base
encoder is installed separately), or with ``--merge`` as a standalone model with the adapter merged in.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from safetensors.torch import load_file, save_file

from ner.config import NerError
from ner.model import ADAPTER_CONFIG, ADAPTER_WEIGHTS, is_adapter_dir
from ner.model_inputs import RANGES_FILE

from .modeling import load_tokenizer, load_trained_model

CARRIED_FILES = ("metrics.json", "README.md", RANGES_FILE)
MERGED_NOTE = (
    "\nExported with `python -m training.export --merge`: the LoRA adapter described above is merged into its "
    "base here, so this folder is a standalone model (no adapter files, no separate base).\n"
)


def export(source: Path, destination: Path, merge: bool = False) -> None:
    temporary = destination.with_name(destination.name + ".tmp")
    shutil.rmtree(temporary, ignore_errors=True)
    adapter = is_adapter_dir(source)
    if adapter and not merge:
        temporary.mkdir(parents=True)
        copy_adapter_in_half(source, temporary)
    else:  # a full model (with its case embedding, if any), or an adapter merged into its base
        load_trained_model(source).half().save_pretrained(temporary)
    load_tokenizer(str(source)).save_pretrained(temporary)
    for name in CARRIED_FILES:
        if (source / name).is_file():
            shutil.copy2(source / name, temporary / name)
    if adapter and merge and (temporary / "README.md").is_file():
        with (temporary / "README.md").open("a") as card:
            card.write(MERGED_NOTE)
    shutil.rmtree(destination, ignore_errors=True)
    temporary.rename(destination)


def copy_adapter_in_half(source: Path, destination: Path) -> None:
    """The adapter weights (LoRA, head, case embedding) in fp16, with the adapter's and the model's configs."""
    weights = load_file(source / ADAPTER_WEIGHTS)
    half = {name: t.half() if t.is_floating_point() else t for name, t in weights.items()}
    save_file(half, destination / ADAPTER_WEIGHTS, metadata={"format": "pt"})
    for name in (ADAPTER_CONFIG, "config.json"):
        shutil.copy2(source / name, destination / name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.export", description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="a saved model or adapter directory (e.g. runs/x/best)")
    parser.add_argument("destination", type=Path)
    parser.add_argument("--merge", action="store_true", help="merge an adapter into its base: one standalone model")
    args = parser.parse_args(argv)
    if not (args.source / "config.json").is_file():
        print(f"error: {args.source}: no saved model there (config.json missing)", file=sys.stderr)
        return 2
    try:
        export(args.source, args.destination, args.merge)
    except (NerError, OSError) as error:  # e.g. an adapter whose base encoder is not installed
        print(f"error: {error}", file=sys.stderr)
        return 2
    size = sum(f.stat().st_size for f in args.destination.iterdir()) / 1e6
    print(f"exported {args.source} -> {args.destination} ({size:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
