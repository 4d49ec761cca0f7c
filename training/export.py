"""Ship a trained model: fp16 safetensors + tokenizer + config + metrics.json + model card.

``python -m training.export RUN/best models/ner-default``. Inference loads it back as float32 on CPU.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import torch
from transformers import AutoModelForTokenClassification

from ner.model_inputs import RANGES_FILE

from .modeling import load_tokenizer

CARRIED_FILES = ("metrics.json", "README.md", RANGES_FILE)


def export(source: Path, destination: Path) -> None:
    model = AutoModelForTokenClassification.from_pretrained(source, dtype=torch.float32)
    temporary = destination.with_name(destination.name + ".tmp")
    shutil.rmtree(temporary, ignore_errors=True)
    model.half().save_pretrained(temporary)
    load_tokenizer(str(source)).save_pretrained(temporary)
    for name in CARRIED_FILES:
        if (source / name).is_file():
            shutil.copy2(source / name, temporary / name)
    shutil.rmtree(destination, ignore_errors=True)
    temporary.rename(destination)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.export", description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="a saved model directory (e.g. runs/x/best)")
    parser.add_argument("destination", type=Path)
    args = parser.parse_args(argv)
    if not (args.source / "config.json").is_file():
        print(f"error: {args.source}: no saved model there (config.json missing)", file=sys.stderr)
        return 2
    export(args.source, args.destination)
    size = sum(f.stat().st_size for f in args.destination.iterdir()) / 1e6
    print(f"exported {args.source} -> {args.destination} ({size:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
