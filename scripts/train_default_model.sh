#!/usr/bin/env bash
# Reproduces the shipped model models/ner-default from ../shared/data/conllpp on a CPU, in two steps
# (about 45 + 30 minutes on 2 idle cores; settings and their measured effect: docs/experiments.md):
#   1. a case-aware MPNet-base teacher (too large to ship: 220 MB in fp16), bf16 autocast where the CPU has it;
#   2. the shipped MiniLM student, learning from the gold labels and from the teacher's word-level logits.
# RESUME=1 continues both runs after an interruption.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
DATA=${DATA:-../shared/data/conllpp}
TEACHER=${TEACHER:-runs/mpnet-case-teacher}
RUN=${RUN:-runs/minilm-case-distil-w05-t2}
"$PY" -m training --model mpnet --data "$DATA" --output-dir "$TEACHER" --case-feature \
  --epochs 3 --learning-rate 5e-5 --batch-size 32 --mixed-precision bf16 --save-steps 100 ${RESUME:+--resume}
"$PY" -m training --model minilm --data "$DATA" --output-dir "$RUN" --case-feature \
  --epochs 8 --learning-rate 1e-4 --batch-size 32 --save-steps 100 ${RESUME:+--resume} \
  --teacher "$TEACHER/best" --distill-weight "${WEIGHT:-0.5}" --distill-temperature "${TEMPERATURE:-2}"
"$PY" -m training.export "$RUN/best" models/ner-default
# Activation ranges for `--precision int8` (SmoothQuant); the weights are not changed.
"$PY" -m training.calibrate models/ner-default --data "$DATA"
