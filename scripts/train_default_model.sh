#!/usr/bin/env bash
# Reproduces the shipped model models/ner-default from ../shared/data/conllpp on a CPU (30-40 minutes on 2
# CPU cores; settings and their measured effect: docs/experiments.md, run A2): the MiniLM with a case-shape
# token type per sub-word, trained on the original documents plus entity-switched copies for eleven countries
# (--augment: names from the train part of localize's pools; the audit, benchmarks/entity_switch.py, uses the
# held-out part), with a quarter of the sentence boundaries removed each epoch (--join-sentences: run-on text, as
# a document pasted on one line reaches ner). RESUME=1 continues after an interruption.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
DATA=${DATA:-../shared/data/conllpp}
RUN=${RUN:-runs/minilm-case-augment-join}
COUNTRIES=${COUNTRIES:-India,Japan,Brazil,Germany,Nigeria,Vietnam,Indonesia,Mexico,China,Egypt,Russia}
export OMP_WAIT_POLICY=PASSIVE TOKENIZERS_PARALLELISM=false
"$PY" -m training --model minilm --data "$DATA" --output-dir "$RUN" --case-feature \
  --epochs 6 --learning-rate 1e-4 --batch-size 32 --save-steps 100 ${RESUME:+--resume} \
  --augment "$COUNTRIES" --augment-ratio 0.5 --join-sentences 0.25
"$PY" -m training.export "$RUN/best" models/ner-default
# Activation ranges for `--precision int8` (SmoothQuant); the weights are not changed.
"$PY" -m training.calibrate models/ner-default --data "$DATA"
