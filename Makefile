# xigao — two commands on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared

.PHONY: setup demo test lint bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# torch first, pinned to the local CPU build: anything else would pull a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[embed,serve,dev]'
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(BIN)/python -m xigao.demo --out demo-out

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

test: setup lint
	$(BIN)/pytest -q

bench: setup
	$(BIN)/python -m benchmarks.run --shared $(SHARED) --out docs/benchmarks.md

clean:
	rm -rf $(VENV) demo-out .pytest_cache .mypy_cache .ruff_cache
