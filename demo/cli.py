"""``python -m demo``: load the model and the vectors once, then serve the app (by default offline on
http://127.0.0.1:7860).

Every option but --share also reads an environment variable (the option wins), for containers and Spaces:
GRADIO_SERVER_NAME, GRADIO_SERVER_PORT, GRADIO_ROOT_PATH (Gradio's own), REWRITER_MODEL, REWRITER_PRECISION,
REWRITER_VECTORS, REWRITER_MAX_CHARS, REWRITER_CONCURRENCY, REWRITER_THREADS, REWRITER_AUTH (user:password) and
REWRITER_AUTH_FILE."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import sys
from pathlib import Path

from demo.config import DemoConfig
from demo.engine import Engine, LoadError
from ner import PRECISIONS, NerError
from ner.config import DEFAULT_MODEL, MODEL_HELP, MODELS

FALLBACK_MODEL = "fast"  # what the app starts on when the default model cannot be loaded


def main(argv: list[str] | None = None) -> int:
    """Exit status 2 when the model or the vectors cannot be loaded; otherwise serves until interrupted.

    When the default model (no --model, or --model accurate) cannot be loaded, the app says why in one line and
    starts on ``fast`` with a note above the app, rather than not starting at all."""
    config = parse_args(argv)
    _quiet_transformers()
    # One line per refused request (demo.app, demo.http); Gradio's and uvicorn's own loggers keep their levels.
    logging.basicConfig(format="%(asctime)s %(name)s: %(message)s")
    logging.getLogger("demo").setLevel(logging.INFO)
    try:
        engine, config = load(config)
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


def load(config: DemoConfig) -> tuple[Engine, DemoConfig]:
    """The engine of ``config``, or of ``fast`` with a note saying why when the default model fails to load
    (its base is not installed, say) and no model was asked for by name: one named on purpose that cannot load
    is an error to report, not to hide. The config returned is the one the engine runs on."""
    try:
        return Engine.load(config), config
    except LoadError as error:
        name = config.model or DEFAULT_MODEL
        model_failed = isinstance(error.__cause__, NerError)  # not the vectors: another model would not help
        if not model_failed or config.model is not None or name == FALLBACK_MODEL:
            raise
        reason = str(error)
    print(f"demo: the {name} model cannot be loaded ({reason}); starting on {FALLBACK_MODEL}", file=sys.stderr)
    note = (
        f"**Running on the `{FALLBACK_MODEL}` model** ({MODELS[FALLBACK_MODEL].about}): the default `{name}` "
        f"model could not be loaded here: {reason}"
    )
    fallback = dataclasses.replace(config, model=FALLBACK_MODEL, note=note)
    return Engine.load(fallback), fallback


def parse_args(argv: list[str] | None = None) -> DemoConfig:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.precision not in PRECISIONS:  # REWRITER_PRECISION: argparse checks the command line only
            raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, got {args.precision!r}")
        return DemoConfig(
            host=args.host,
            port=args.port,
            share=args.share,
            model=args.model or None,
            vectors=args.vectors or None,
            precision=args.precision,
            max_chars=args.max_chars,
            concurrency=args.concurrency,
            torch_threads=args.threads,
            type_check=args.type_check,
            root_path=args.root_path.rstrip("/"),
            auth=read_auth(args.auth or _env_list("REWRITER_AUTH"), args.auth_file),
        )
    except ValueError as error:
        parser.error(str(error))  # exits with status 2


def read_auth(pairs: list[str], file: str | None = None) -> tuple[tuple[str, str], ...]:
    """(user, password) pairs from ``user:password`` strings and from a file of such lines (# comments and
    blank lines skipped); the password is everything after the first colon."""
    lines = list(pairs)
    if file:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except OSError as error:
            raise ValueError(f"cannot read the auth file {file}: {error.strerror}") from error
        lines += [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    found = []
    for line in lines:
        user, colon, password = line.partition(":")
        if not colon or not user or not password:
            raise ValueError("auth takes user:password (a user name, a colon, a password)")
        found.append((user, password))
    return tuple(found)


def _env_list(name: str) -> list[str]:
    value = os.environ.get(name, "").strip()
    return [value] if value else []


def _parser() -> argparse.ArgumentParser:
    defaults = DemoConfig()
    env = os.environ.get  # a string default goes through the option's type, so bad values exit 2 as options do
    parser = argparse.ArgumentParser(
        prog="python -m demo", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    # Hosting platforms (Hugging Face Spaces) say where to listen through Gradio's own variables.
    parser.add_argument("--host", default=env("GRADIO_SERVER_NAME", defaults.host))
    parser.add_argument("--port", type=int, default=env("GRADIO_SERVER_PORT") or defaults.port)
    parser.add_argument("--share", action="store_true", help="also open a public gradio.live link")
    parser.add_argument(
        "--model", metavar="accurate|fast|DIR", default=env("REWRITER_MODEL"), help=f"NER model: {MODEL_HELP}"
    )
    parser.add_argument(
        "--vectors",
        default=env("REWRITER_VECTORS"),
        help="vectors file or gensim-downloader name (default: embedded GloVe)",
    )
    parser.add_argument(
        "--precision",
        choices=PRECISIONS,
        default=env("REWRITER_PRECISION") or defaults.precision,
        help="NER model precision; auto (default) picks the fastest on this CPU within 0.3 F1 of float32",
    )
    parser.add_argument(
        "--max-chars",
        type=int,
        default=env("REWRITER_MAX_CHARS") or defaults.max_chars,
        help="characters per request, all texts together",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=env("REWRITER_CONCURRENCY") or defaults.concurrency,
        help="requests computed at once",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=env("REWRITER_THREADS"),
        help="torch threads per request (default: cores / concurrency)",
    )
    parser.add_argument(
        "--root-path",
        default=env("GRADIO_ROOT_PATH", defaults.root_path),
        help="path prefix (or full URL) the app is served under behind a reverse proxy, such as /rewriter",
    )
    parser.add_argument(
        "--auth",
        action="append",
        metavar="USER:PASSWORD",
        help="require a login (repeat for more users); the HTTP route takes the same as Basic auth. "
        "Prefer --auth-file or REWRITER_AUTH: command lines are visible to other users of the machine",
    )
    parser.add_argument(
        "--auth-file", default=env("REWRITER_AUTH_FILE"), help="a file of user:password lines, added to --auth"
    )
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
