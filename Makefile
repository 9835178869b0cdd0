# The commands people type. `make demo` and `make test` work on a fresh machine with
# Python and pip: they install what they need (system packages through scripts/).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SYSDEPS := .sysdeps-installed
PYTEST_WORKERS ?= 2

.PHONY: install sysdeps demo web-demo test test-web test-postgres test-fast bench fuzz lint typecheck clean validate

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

# The demo, end to end: build benign evidence and triage it (the summary is printed),
# seed the demo agencies and users (logins and TOTP secrets are printed), import the demo
# investigation "Operation Lantern (demo)" with the triage of its three exhibits, then
# serve on http://127.0.0.1:8000 with a triage worker beside the server (Ctrl-C stops
# both). Data under demo-case/home; triage may read only demo-case/evidence.
DEMO_DIR := demo-case
DEMO_ENV = SAFEGUARD_MODE=demo SAFEGUARD_HOME=$(abspath $(DEMO_DIR))/home \
	SAFEGUARD_EVIDENCE_ROOTS=$(abspath $(DEMO_DIR))/evidence

demo: install sysdeps
	$(BIN)/safeguard demo --workdir $(DEMO_DIR)
	$(DEMO_ENV) $(BIN)/safeguard web seed-demo --case $(DEMO_DIR)
	$(DEMO_ENV) $(BIN)/safeguard serve --worker

# The web platform with demo agencies and users (logins and TOTP secrets are printed),
# on http://127.0.0.1:8000, data under demo-case/home.
web-demo: install
	SAFEGUARD_MODE=demo SAFEGUARD_HOME=demo-case/home $(BIN)/safeguard web seed-demo
	SAFEGUARD_MODE=demo SAFEGUARD_HOME=demo-case/home $(BIN)/safeguard serve

# Everything on SQLite (in memory), then the web tests again on a real PostgreSQL server
# that scripts/with-postgres.sh starts in a temporary folder and removes afterwards.
test: install sysdeps lint
	$(BIN)/pytest -n $(PYTEST_WORKERS) -q
	bash scripts/with-postgres.sh $(BIN)/pytest -q tests/web

test-web: install sysdeps
	$(BIN)/pytest -q tests/web

test-postgres: install sysdeps
	bash scripts/with-postgres.sh $(BIN)/pytest -q tests/web

test-fast: install
	$(BIN)/pytest -q -x

lint: install
	$(BIN)/ruff check src tests bench fuzz
	$(BIN)/mypy
	PYTHONPATH=. $(BIN)/mypy --config-file src/safeguard/web/mypy.ini
	$(BIN)/lint-imports  # the layers in pyproject.toml [tool.importlinter]

# Each benchmark compares Safeguard with its peers in one run and records the figures in
# docs/benchmarks.md. They take minutes and gigabytes: not part of `make test`.
bench: install sysdeps
	$(BIN)/python bench/hashing.py
	$(BIN)/python bench/containers.py
	$(BIN)/python bench/hashset_lookup.py
	$(BIN)/python bench/pdq_index.py
	$(BIN)/python bench/pdq_speed.py
	$(BIN)/python bench/robustness.py
	$(BIN)/python bench/web.py
	$(BIN)/python bench/child_duplicates.py
	$(BIN)/python bench/cluster.py
	$(BIN)/python bench/carving.py
	$(BIN)/python bench/video_alterations.py
	$(BIN)/python bench/panel_network.py
	bash scripts/with-postgres.sh $(BIN)/python bench/intelligence.py
	bash scripts/with-postgres.sh $(BIN)/python bench/ncmec.py
	bash scripts/with-postgres.sh $(BIN)/python bench/sightings_partitions.py

# Method validation (docs/validation.md): reference data with known ground truth, the
# engine run on it, every assertion checked; validation.html, .pdf and .json (and the
# reference data) in VALIDATION_OUT. About two minutes on two cores. Exit 0 when every
# assertion passed, 4 when one failed.
VALIDATION_OUT ?= validation
validate: install sysdeps
	$(BIN)/safeguard validate --out $(VALIDATION_OUT)

# Coverage-guided fuzzing of every parser (atheris), FUZZ_SECONDS a target, two at a time;
# findings land in fuzz/findings/ (docs/fuzzing.md). Not part of `make test`.
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 2
fuzz: install sysdeps
	$(BIN)/pip install --quiet -e '.[fuzz]'
	$(BIN)/python -m fuzz.run --all --seconds $(FUZZ_SECONDS) --jobs $(FUZZ_JOBS)

clean:
	rm -rf $(VENV) $(SYSDEPS) demo-case .pytest_cache .mypy_cache .ruff_cache
