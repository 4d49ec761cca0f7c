"""What each part of ``ner``'s int8 quantization buys: token-level F1 of the shipped model, step by step.

    python benchmarks/ner_int8.py [--model accurate|fast|DIR] [--splits dev,test] [--alphas 0.5,0.65,0.8] [--threads N]

Rows: float32; torch's dynamic int8 defaults (one scale per weight tensor, 7-bit activations); with a scale
per weight row; with 8-bit activations (CPUs with VNNI only); then SmoothQuant at each alpha, which needs the
model's ``activation_ranges.safetensors`` (``python -m training.calibrate``). Scores are seqeval F1 (strict
IOB2) on gold CoNLL words and sentences, through ``ner``, as in ``benchmarks/ner_rawtext.py``. Pick alpha on
dev; test only confirms.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import torch
from torch.ao.quantization import default_dynamic_qconfig, per_channel_dynamic_qconfig, quantize_dynamic

from common import (  # benchmarks/ is on sys.path
    add_model_argument,
    benchmark_parser,
    labelled_documents,
    print_header,
    token_level,
)

from conll import render
from ner import EntityTagger, NerConfig
from ner.model import load_model, resolve_location
from ner.model_inputs import load_ranges
from ner.precision import FullRangeInt8Linear, cpu_info, quantize

Variant = Callable[[torch.nn.Module], torch.nn.Module]


def torch_dynamic(qconfig, mapping=None) -> Variant:
    def convert(model: torch.nn.Module) -> torch.nn.Module:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return quantize_dynamic(model, {torch.nn.Linear: qconfig}, mapping=mapping, inplace=True)

    return convert


def variants(ranges: dict | None, alphas: list[float]) -> dict[str, Variant | None]:
    rows: dict[str, Variant | None] = {
        "float32": None,
        "int8, torch defaults": torch_dynamic(default_dynamic_qconfig),
        "+ scale per weight row": torch_dynamic(per_channel_dynamic_qconfig),
    }
    if cpu_info().int8_full_range:
        rows["+ 8-bit activations"] = torch_dynamic(per_channel_dynamic_qconfig, {torch.nn.Linear: FullRangeInt8Linear})
    for alpha in alphas if ranges else []:
        rows[f"+ SmoothQuant alpha {alpha}"] = lambda model, alpha=alpha: quantize(model, ranges, alpha)
    return rows


def main() -> None:
    parser = benchmark_parser(__doc__)
    add_model_argument(parser)
    parser.add_argument("--splits", default="dev,test")
    parser.add_argument("--alphas", default="0.5,0.65,0.8")
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's choice)")
    args = parser.parse_args()

    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    if args.threads:
        torch.set_num_threads(args.threads)
    location = resolve_location(args.model)
    ranges = load_ranges(location)
    rows = variants(ranges, [float(a) for a in args.alphas.split(",") if a])
    splits = args.splits.split(",")
    documents = {split: [render(d, "spaced") for d in labelled_documents(args.data, split)] for split in splits}
    print_header("ner_int8")
    print(f"model: {location}  activation ranges: {'yes' if ranges else 'no'}")
    print(f"{'':28s}" + "".join(f"{split + ' F1':>10s}" for split in splits))
    for name, convert in rows.items():
        model, tokenizer = load_model(location, NerConfig())
        tagger = EntityTagger(model if convert is None else convert(model), tokenizer)
        scores = [100 * token_level(tagger, documents[split])["strict"] for split in splits]
        print(f"{name:28s}" + "".join(f"{score:10.2f}" for score in scores), flush=True)


if __name__ == "__main__":
    main()
