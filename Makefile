# Amity - everyday commands. Needs only python3 (>= 3.11); everything else goes into .venv.
#   make demo    load the demo portfolio and serve it on http://$(HOST):$(PORT)/
#   make test    run the whole test suite (SQLite; PostgreSQL with AMITY_TEST_DATABASE_URL)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
export HOST PORT

# Stamp files: pip runs again only when pyproject.toml changes (or the venv is new).
RUNTIME_STAMP := $(VENV)/.installed
DEV_STAMP     := $(VENV)/.installed-dev

.DEFAULT_GOAL := help
.PHONY: help demo serve test test-e2e bench bench-quick reliability reliability-quick lint format migrations-check assets clean

help:
	@echo "make demo              load the demo data and serve it on http://$(HOST):$(PORT)/"
	@echo "make test              run the test suite (set AMITY_TEST_DATABASE_URL for PostgreSQL)"
	@echo "make test-e2e          run the browser tests (needs /usr/bin/chromium)"
	@echo "make bench             full benchmark suite vs raw baselines; appends to docs/performance.md"
	@echo "                       (BENCH_DATABASE_URL=postgres://... for PostgreSQL, BENCH_ARGS=... more options)"
	@echo "make bench-quick       quick benchmark suite (SQLite, small data, <= 3 min); ends with a JSON line"
	@echo "make reliability       faults (PostgreSQL restart, worker kill, disk full) + 50-user soak, <= 15 min"
	@echo "                       (make reliability-quick: the short run, ~5 min); docs/reliability.md"
	@echo "make lint              ruff check + ruff format --check"
	@echo "make format            ruff format + ruff check --fix"
	@echo "make migrations-check  fail if a model change has no migration"
	@echo "make assets            re-vendor Bootstrap and ECharts (scripts/vendor_assets.py)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@ $(RUNTIME_STAMP)

demo: $(RUNTIME_STAMP)
	$(BIN)/amity migrate --noinput
	$(BIN)/amity demo --no-serve --host $(HOST) --port $(PORT)
	$(BIN)/amity serve --host $(HOST) --port $(PORT)

serve: $(RUNTIME_STAMP)
	$(BIN)/amity migrate --noinput
	$(BIN)/amity serve --host $(HOST) --port $(PORT)

test: $(DEV_STAMP)
	$(BIN)/pytest

test-e2e: $(DEV_STAMP)
	AMITY_REQUIRE_BROWSER=1 $(BIN)/pytest -m e2e tests/e2e

# Benchmarks (benchmarks/run.py): Amity's code path beside a raw baseline, ratios; non-zero exit
# only on an error or an answer that differs from its baseline, not on a slow ratio.
bench: $(DEV_STAMP)
	$(BIN)/python benchmarks/run.py --append-doc $(if $(BENCH_DATABASE_URL),--database-url $(BENCH_DATABASE_URL)) $(BENCH_ARGS)

bench-quick: $(DEV_STAMP)
	$(BIN)/python benchmarks/run.py --quick $(BENCH_ARGS)

# Reliability (reliability/run.py): fault scenarios and the soak; summary table, non-zero exit
# on any lost write or unexplained error (docs/reliability.md).
reliability: $(DEV_STAMP)
	$(BIN)/python reliability/run.py

reliability-quick: $(DEV_STAMP)
	$(BIN)/python reliability/run.py --quick

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: $(RUNTIME_STAMP)
	$(BIN)/amity makemigrations --check --dry-run

assets:
	$(PYTHON) scripts/vendor_assets.py

clean:
	rm -rf build dist src/*.egg-info .pytest_cache .ruff_cache test-results
