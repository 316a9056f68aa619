# The two commands a fresh machine needs (Python 3.10+ and make): `make demo` and `make test`.
# Another Python, in a venv of its own beside .venv: make PYTHON=python3.13 VENV=.venv313 test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
# A stamp per set of extras: reinstall only when pyproject.toml changes.
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
STAMP_DOCS := $(VENV)/.installed-docs
STAMP_NOTEBOOKS := $(VENV)/.installed-notebooks
# What a run writes besides its venv: site/ and .mypy_cache/ for .venv; another venv keeps its own inside
# it, so runs on several Pythons, side by side or one after another, neither clean each other's site nor
# invalidate each other's cache (mypy's holds the stubs of that venv's NumPy).
ifeq ($(VENV),.venv)
SITE       ?= site
MYPY_CACHE ?= .mypy_cache
else
SITE       ?= $(VENV)/site
MYPY_CACHE ?= $(VENV)/.mypy_cache
endif

.PHONY: demo notebooks notebooks-install test lint typecheck pytest docs bench instructions fuzz clean

$(PY):
	$(PYTHON) -c 'import sys; sys.exit("glassgrad needs Python 3.10 or newer") if sys.version_info < (3, 10) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[plot,progress,render]'
	touch $@

$(STAMP_DEV): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev,plot,progress,render]'
	touch $@ $(STAMP_RUN) $(STAMP_DOCS)

$(STAMP_DOCS): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[docs]'
	touch $@

demo: $(STAMP_RUN)
	$(PY) -m nn train

# The notebooks' needs: the notebooks extra (JupyterLab, ipykernel, and the extras they draw with).
$(STAMP_NOTEBOOKS): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[notebooks]'
	touch $@ $(STAMP_RUN)

# Installs only (no browser): what `make notebooks` needs, for a first run or a test.
notebooks-install: $(STAMP_NOTEBOOKS)

# Opens JupyterLab on notebooks/ in the browser; Ctrl+C in this terminal stops it. LAB_ARGS go to JupyterLab:
# make notebooks LAB_ARGS="--no-browser --port 8890" (and --allow-root where you are root, in a container).
notebooks: notebooks-install
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks $(LAB_ARGS)

lint: $(STAMP_DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP_DEV)
	$(BIN)/mypy --cache-dir $(MYPY_CACHE)

pytest: $(STAMP_DEV)
	$(PY) -m pytest

# The site, into $(SITE) (site/ for .venv): every page, the API reference and the notebooks, executed.
# --strict fails on any warning (a broken link, a docstring Griffe cannot read, a notebook cell that raises).
docs: $(STAMP_DOCS)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir $(SITE)

# The site is built first: the browser tests read it (GLASSGRAD_SITE) instead of building their own.
test: lint typecheck docs
	GLASSGRAD_SITE=$(SITE) $(PY) -m pytest

bench: $(STAMP_DEV)
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) benchmarks/run.py $(BENCH_ARGS)

# Instructions per W2 step under valgrind: exact, for comparing two versions on a noisy machine.
instructions: $(STAMP_DEV)
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) benchmarks/instructions.py --systems glassgrad compiled floats micrograd --parts

# Fifty thousand random graphs over every op, edge inputs included, against PyTorch (float64): the same
# values and gradients (make test runs five thousand). Needs torch, installed here if missing.
fuzz: $(STAMP_DEV)
	$(PY) -c 'import torch' 2>/dev/null || $(PY) -m pip install --quiet torch==2.13.0
	$(PY) tests/fuzz_graphs.py --graphs $${GRAPHS:-50000}

clean:
	rm -rf $(VENV) .pytest_cache $(MYPY_CACHE) .ruff_cache build dist *.egg-info $(SITE)
