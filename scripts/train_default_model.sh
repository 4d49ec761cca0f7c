#!/usr/bin/env bash
# Reproduces the shipped model models/ner-default from ../shared/data/conllpp on a CPU (about 30 minutes on 2 idle cores).
# Settings and their measured effect: docs/experiments.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
RUN=${RUN:-runs/minilm-case-ctx0-e8}
DATA=${DATA:-../shared/data/conllpp}
"$PY" -m training --model minilm --data "$DATA" --output-dir "$RUN" \
  --case-feature --context-tokens 0 --epochs 8 --learning-rate 1e-4 --batch-size 32 --save-steps 100 ${RESUME:+--resume}
"$PY" -m training.export "$RUN/best" models/ner-default
# Activation ranges for `--precision int8` (SmoothQuant); the weights are not changed.
"$PY" -m training.calibrate models/ner-default --data "$DATA"
