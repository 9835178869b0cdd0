# The commands people type. `make demo` and `make test` work on a fresh machine with
# Python and pip: they install what they need (system packages through scripts/).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SYSDEPS := .sysdeps-installed
PYTEST_WORKERS ?= 2

.PHONY: install sysdeps demo test test-fast bench lint typecheck clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(SYSDEPS): scripts/install-system-deps.sh
	bash scripts/install-system-deps.sh
	touch $(SYSDEPS)

sysdeps: $(SYSDEPS)

demo: install sysdeps
	$(BIN)/safeguard demo --workdir demo-case

test: install sysdeps lint
	$(BIN)/pytest -n $(PYTEST_WORKERS) -q

test-fast: install
	$(BIN)/pytest -q -x

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: install sysdeps
	$(BIN)/python bench/hashing.py
	$(BIN)/python bench/hashset_lookup.py

clean:
	rm -rf $(VENV) $(SYSDEPS) demo-case .pytest_cache .mypy_cache .ruff_cache
