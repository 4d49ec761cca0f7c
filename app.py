"""Hugging Face Spaces entry point (``app_file: app.py``): the demo with its default model and vectors."""

import sys

from demo.cli import main

if __name__ == "__main__":
    sys.exit(main([]))
