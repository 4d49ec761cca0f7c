#!/usr/bin/env bash
# Reproduces the shipped model models/ner-default from ../shared/data/conllpp on a CPU (about an hour on 2 cores).
# Settings and their measured effect: docs/experiments.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
RUN=${RUN:-runs/minilm-case-ctx32}
DATA=${DATA:-../shared/data/conllpp}
"$PY" -m training --model minilm --data "$DATA" --output-dir "$RUN" \
  --case-feature --context-tokens 32 --epochs 3 --learning-rate 1e-4 --batch-size 32 --save-steps 100 ${RESUME:+--resume}
"$PY" -m training.export "$RUN/best" models/ner-default
