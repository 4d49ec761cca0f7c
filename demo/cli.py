"""``python -m demo``: load the model and the vectors once, then serve the app (by default offline on
http://127.0.0.1:7860)."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from demo.config import DemoConfig
from demo.engine import Engine, LoadError
from ner import PRECISIONS
from ner.config import MODEL_HELP


def main(argv: list[str] | None = None) -> int:
    """Exit status 2 when the model or the vectors cannot be loaded; otherwise serves until interrupted."""
    config = parse_args(argv)
    _quiet_transformers()
    # One line per refused request (demo.app, demo.http); Gradio's and uvicorn's own loggers keep their levels.
    logging.basicConfig(format="%(asctime)s %(name)s: %(message)s")
    logging.getLogger("demo").setLevel(logging.INFO)
    try:
        engine = Engine.load(config)
    except LoadError as error:
        print(f"demo: {error}", file=sys.stderr)
        return 2
    from demo.app import serve  # gradio is slow to import: not before the arguments and the model are good

    blocks = serve(engine)
    print(f"Running on {blocks.local_url} (HTTP API: POST {blocks.local_url.rstrip('/')}{config.http_route})")
    if blocks.share_url:
        print(f"Public link: {blocks.share_url}")
    elif config.share:
        print("No public link could be made (see above); the app runs locally only.")
    print("Press Ctrl+C to stop.", flush=True)
    blocks.block_thread()
    return 0


def parse_args(argv: list[str] | None = None) -> DemoConfig:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return DemoConfig(
            host=args.host,
            port=args.port,
            share=args.share,
            model=args.model,
            vectors=args.vectors,
            precision=args.precision,
            max_chars=args.max_chars,
            concurrency=args.concurrency,
            torch_threads=args.threads,
            type_check=args.type_check,
        )
    except ValueError as error:
        parser.error(str(error))  # exits with status 2


def _parser() -> argparse.ArgumentParser:
    defaults = DemoConfig()
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__)
    # Hosting platforms (Hugging Face Spaces) say where to listen through Gradio's own variables.
    parser.add_argument("--host", default=os.environ.get("GRADIO_SERVER_NAME", defaults.host))
    parser.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", defaults.port)))
    parser.add_argument("--share", action="store_true", help="also open a public gradio.live link")
    parser.add_argument("--model", metavar="accurate|fast|DIR", help=f"NER model: {MODEL_HELP}")
    parser.add_argument("--vectors", help="vectors file or gensim-downloader name (default: embedded GloVe)")
    parser.add_argument(
        "--precision",
        choices=PRECISIONS,
        default=defaults.precision,
        help="NER model precision; auto (default) picks the fastest on this CPU within 0.3 F1 of float32",
    )
    parser.add_argument(
        "--max-chars", type=int, default=defaults.max_chars, help="characters per request, all texts together"
    )
    parser.add_argument("--concurrency", type=int, default=defaults.concurrency, help="requests computed at once")
    parser.add_argument("--threads", type=int, help="torch threads per request (default: cores / concurrency)")
    parser.add_argument(
        "--type-check",
        action="store_true",
        help="tick 'keep only candidates the NER model tags as the same type' by default (slower)",
    )
    return parser


def _quiet_transformers() -> None:
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
