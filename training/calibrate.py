"""Record a saved model's activation ranges on training sentences, for int8 inference in ``ner``.

``python -m training.calibrate MODEL_DIR --data DIR|conllpp [--sentences 512]`` writes
``MODEL_DIR/activation_ranges.safetensors``; the model's weights are not touched.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ner.config import NerError
from ner.model_inputs import save_ranges

from .calibration import activation_ranges
from .data import load_data, require_splits
from .errors import DataError
from .evaluate import evaluation_loader, load_and_encode


def calibrate(model_dir: str, data: str, sentences: int = 512, batch_size: int = 32) -> Path:
    """Ranges over ``sentences`` training sentences spread evenly over the split (documents differ a lot)."""
    loaded = load_data(data)
    require_splits(loaded, data, "train")
    train = loaded["train"]
    step = max(1, len(train) // sentences)
    tokenizer, model, encoded = load_and_encode(model_dir, train.select(range(0, len(train), step)[:sentences]))
    batches = (
        {k: v for k, v in batch.items() if k != "labels"} for batch in evaluation_loader(encoded, tokenizer, batch_size)
    )
    return save_ranges(activation_ranges(model, batches), model_dir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.calibrate", description=__doc__.splitlines()[0])
    parser.add_argument("model_dir")
    parser.add_argument("--data", default="conllpp")
    parser.add_argument("--sentences", type=int, default=512)
    args = parser.parse_args(argv)
    if not (Path(args.model_dir) / "config.json").is_file():
        print(f"error: {args.model_dir}: no saved model there (config.json missing)", file=sys.stderr)
        return 2
    try:
        path = calibrate(args.model_dir, args.data, args.sentences)
    except (DataError, NerError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
