#!/usr/bin/env bash
# Reproduces the shipped model models/ner-default from ../shared/data/conllpp on a CPU (about an hour on 2 idle
# CPU cores; settings and their measured effect: docs/experiments.md, runs A2, B1 and B1avg). Two stages:
# 1. run A2: the MiniLM with a case-shape token type per sub-word, trained on the original documents plus
#    entity-switched copies for eleven countries (--augment: names from the train part of localize's pools; the
#    audit, benchmarks/entity_switch.py, uses the held-out part), with a quarter of the sentence boundaries removed
#    each epoch (--join-sentences: run-on text, as a document pasted on one line reaches ner); exported in fp16.
# 2. run B1: A2's fp16 export continued for two epochs with as many fully switched copies as original documents
#    (--augment-switch all: every PER/LOC/ORG replaced, foreign countries too) for every country localize has pools
#    for (--augment all); the shipped weights are the mean of B1 and A2 (training.export --average-with), measured
#    again on dev and test.
# RESUME=1 continues after an interruption (a finished stage is only evaluated again).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
DATA=${DATA:-../shared/data/conllpp}
RUN=${RUN:-runs/minilm-case-augment-join}
A2=${A2:-runs/ner-default-A2}
RUN2=${RUN2:-runs/minilm-B1-all-countries}
COUNTRIES=${COUNTRIES:-India,Japan,Brazil,Germany,Nigeria,Vietnam,Indonesia,Mexico,China,Egypt,Russia}
export OMP_WAIT_POLICY=PASSIVE TOKENIZERS_PARALLELISM=false
"$PY" -m training --model minilm --data "$DATA" --output-dir "$RUN" --case-feature \
  --epochs 6 --learning-rate 1e-4 --batch-size 32 --save-steps 100 ${RESUME:+--resume} \
  --augment "$COUNTRIES" --augment-ratio 0.5 --join-sentences 0.25
"$PY" -m training.export "$RUN/best" "$A2"
"$PY" -m training --model "$A2" --data "$DATA" --output-dir "$RUN2" --case-feature \
  --epochs 2 --learning-rate 1e-4 --warmup-ratio 0.06 --seed 23 --batch-size 32 --save-steps 100 ${RESUME:+--resume} \
  --augment all --augment-ratio 1.0 --augment-switch all --join-sentences 0.25
"$PY" -m training.export "$RUN2/best" models/ner-default --average-with "$A2" --data "$DATA"
# Activation ranges for `--precision int8` (SmoothQuant); the weights are not changed.
"$PY" -m training.calibrate models/ner-default --data "$DATA"
