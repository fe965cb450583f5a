# Two commands do all set-up on a fresh machine with Python 3.11+:
#   make demo   -> creates .venv, installs marsad, runs `marsad ingest samples/` on SQLite
#   make test   -> creates .venv, installs marsad, runs ruff and the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB ?= sqlite:///marsad-demo.db

.PHONY: demo test lint bench clean

$(BIN)/marsad: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# CPU build of torch first (camel-tools needs it); an unpinned torch pulls GBs of CUDA.
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

demo: $(BIN)/marsad
	$(BIN)/marsad ingest samples/ --db $(DEMO_DB)
	$(BIN)/marsad stories --db $(DEMO_DB) --min-size 2

test: $(BIN)/marsad
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -ra

bench: $(BIN)/marsad
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) marsad-demo.db*
