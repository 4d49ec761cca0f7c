#!/usr/bin/env bash
# Reproduces models/ner-accurate from ../shared/data/conllpp on a CPU: the case-aware MPNet-base (from the
# requirements-mpnet.txt wheels) with LoRA adapters (rank 16) on every encoder Linear and a fully trained head
# and case embedding, 4 epochs at lr 2e-4 (5e-4 diverged in epoch 2: docs/experiments.md, runs L and L2),
# about 12 minutes per epoch on 2 idle cores. RESUME=1 continues after an interruption.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
DATA=${DATA:-../shared/data/conllpp}
RUN=${RUN:-runs/mpnet-case-lora-lr2e-4}
# Passive OpenMP threads: busy-waiting threads collapse a long run whenever anything else uses the cores.
export OMP_WAIT_POLICY=PASSIVE TOKENIZERS_PARALLELISM=false
"$PY" -m training --model mpnet --data "$DATA" --output-dir "$RUN" --case-feature --adapter lora \
  --lora-rank 16 --lora-alpha 32 --epochs 4 --learning-rate 2e-4 --batch-size 32 --mixed-precision bf16 \
  --save-steps 100 ${RESUME:+--resume}
"$PY" -m training.export "$RUN/best" models/ner-accurate   # the adapter folder: fp16 LoRA weights, head, card
# Activation ranges for `--precision int8` (SmoothQuant), measured on the merged model.
"$PY" -m training.calibrate models/ner-accurate --data "$DATA"
