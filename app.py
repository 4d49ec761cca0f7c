"""``python app.py``: the demo with its default model and vectors, set up by the environment alone (GRADIO_SERVER_*,
GRADIO_ROOT_PATH, REWRITER_*: ``python -m demo --help``). The Space is a Docker Space: it runs the Dockerfile's
``python -m demo``, the same."""

import sys

from demo.cli import main

if __name__ == "__main__":
    sys.exit(main([]))
