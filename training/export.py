"""Ship a trained model: fp16 safetensors + tokenizer + config + metrics.json + model card (+ activation ranges).

``python -m training.export RUN/best models/ner-default``. Inference loads it back as float32 on CPU.
An adapter folder (``--adapter lora``) ships as an adapter folder (fp16 adapter weights, a few MB; its base
encoder is installed separately), or with ``--merge`` as a standalone model with the adapter merged in.
``--average-with OTHER --data DIR`` ships the mean of two adapters, or of two full models, of one lineage (a run and
the run continued from it): weight averaging keeps most of what each schedule gained (Wortsman et al. 2022, "Robust
fine-tuning of zero-shot models"; "Model soups"); dev and test are measured again on the averaged export.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from safetensors.torch import load_file, save_file

from ner.config import NerError
from ner.model import ADAPTER_CONFIG, ADAPTER_WEIGHTS, is_adapter_dir
from ner.model_inputs import RANGES_FILE

from .errors import DataError
from .evaluate import evaluate_model_dirs
from .model_card import averaged_card
from .modeling import load_tokenizer, load_trained_model

CARRIED_FILES = ("metrics.json", "README.md", RANGES_FILE)
MERGED_NOTE = (
    "\nExported with `python -m training.export --merge`: the LoRA adapter described above is merged into its "
    "base here, so this folder is a standalone model (no adapter files, no separate base).\n"
)
# Settings two adapters must share to be averaged tensor by tensor.
SHARED_SETTINGS = ("base_model_name_or_path", "r", "lora_alpha", "target_modules", "modules_to_save")


def export(
    source: Path, destination: Path, merge: bool = False, average_with: Path | None = None, data: str | None = None
) -> None:
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
    if average_with is not None:  # before the rename: a refused or failed average leaves the destination as it was
        try:
            if adapter:
                average_adapters(source, average_with, temporary, data)
            else:
                average_models(source, average_with, temporary, data)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
    shutil.rmtree(destination, ignore_errors=True)
    temporary.rename(destination)


def average_adapters(source: Path, other: Path, destination: Path, data: str) -> None:
    """``destination`` (an export of ``source``) gets the mean of both adapters' weights, its dev and test
    measured again, and a card that says so; activation ranges of either no longer apply (calibrate again)."""
    if not (is_adapter_dir(source) and is_adapter_dir(other)):
        raise DataError("--average-with: both folders must be LoRA adapter folders")
    settings = [json.loads((folder / ADAPTER_CONFIG).read_text()) for folder in (source, other)]
    differing = [key for key in SHARED_SETTINGS if comparable(settings[0].get(key)) != comparable(settings[1].get(key))]
    if differing:
        raise DataError(f"--average-with {other}: its adapter differs from {source} in {', '.join(differing)}")
    first, second = load_file(source / ADAPTER_WEIGHTS), load_file(other / ADAPTER_WEIGHTS)
    if {n: t.shape for n, t in first.items()} != {n: t.shape for n, t in second.items()}:
        raise DataError(f"--average-with {other}: its adapter weights have other names or shapes than {source}'s")
    # The mean of the LoRA factors, not of their products B·A: for a run continued from the other the two
    # differ by under 1% of the update (measured on the accurate model's two schedules).
    mean = {name: ((first[name].float() + second[name].float()) / 2).half() for name in first}
    save_file(mean, destination / ADAPTER_WEIGHTS, metadata={"format": "pt"})
    _measure_average(source, other, destination, data)


def average_models(source: Path, other: Path, destination: Path, data: str) -> None:
    """``destination`` (an fp16 export of a full model) gets the mean of its weights and ``other``'s (a full model
    of the same architecture, e.g. the model it was continued from), measured again like an averaged adapter."""
    weights, theirs = destination / "model.safetensors", other / "model.safetensors"
    if not theirs.is_file() or is_adapter_dir(other):
        raise DataError(f"--average-with {other}: not a full model folder (no model.safetensors)")
    first, second = load_file(weights), load_file(theirs)
    if {n: t.shape for n, t in first.items()} != {n: t.shape for n, t in second.items()}:
        raise DataError(f"--average-with {other}: its weights have other names or shapes than the source's")
    mean = {
        name: ((first[name].float() + second[name].float()) / 2).to(first[name].dtype)
        if first[name].is_floating_point()
        else first[name]
        for name in first
    }
    save_file(mean, weights, metadata={"format": "pt"})
    _measure_average(source, other, destination, data, weights="model")


def _measure_average(source: Path, other: Path, destination: Path, data: str, weights: str = "adapter") -> None:
    """After averaging: the activation ranges of either no longer apply, dev and test are measured again, and
    the card says it is a mean of the two."""
    (destination / RANGES_FILE).unlink(missing_ok=True)
    metrics = {"averaged": [str(source), str(other)]}
    for name, split in (("dev", "validation"), ("test", "test")):
        metrics[name] = evaluate_model_dirs([str(destination)], data, split)
    (destination / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    card = destination / "README.md"
    card.write_text(averaged_card(card.read_text() if card.is_file() else "", metrics, source, other, weights))


def comparable(setting):
    """peft saves a set of target modules as a list in no fixed order."""
    return sorted(setting) if isinstance(setting, list) else setting


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
    parser.add_argument(
        "--average-with",
        type=Path,
        help="another adapter (or full model) folder of the same lineage: ship the mean",
    )
    parser.add_argument("--data", help="with --average-with: CoNLL data to measure the averaged adapter on")
    args = parser.parse_args(argv)
    if args.average_with and (args.merge or not args.data):
        print(
            "error: --average-with needs --data (to measure the average) and cannot be combined with --merge",
            file=sys.stderr,
        )
        return 2
    if not (args.source / "config.json").is_file():
        print(f"error: {args.source}: no saved model there (config.json missing)", file=sys.stderr)
        return 2
    try:
        export(args.source, args.destination, args.merge, args.average_with, args.data)
    except (NerError, DataError, OSError) as error:  # e.g. an adapter whose base encoder is not installed
        print(f"error: {error}", file=sys.stderr)
        return 2
    size = sum(f.stat().st_size for f in args.destination.iterdir()) / 1e6
    print(f"exported {args.source} -> {args.destination} ({size:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
