# Entry points used by the README and CI. `make run` installs and starts the product; `make test` runs everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export RESONANZ_DATA_DIR ?= $(CURDIR)/var
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15

.PHONY: run install install-dev test test-sqlite test-pg lint bench clean-data

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[postgres,redis]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,postgres,redis]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## Install, migrate, load the demo brand and serve at http://127.0.0.1:8000
run: install
	$(BIN)/resonanz migrate --verbosity 0
	$(BIN)/resonanz demo
	$(BIN)/resonanz run

lint: install-dev
	$(BIN)/ruff check resonanz benchmarks
	$(BIN)/ruff format --check resonanz benchmarks
	$(BIN)/mypy resonanz

## All tests: lint, the suite on SQLite (browser and Redis tests included), then again on PostgreSQL
test: lint test-sqlite test-pg

test-sqlite: install-dev
	REDIS_URL_TEST=$(REDIS_TEST_URL) $(BIN)/pytest

test-pg: install-dev
	@if [ -n "$$CI" ] || pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then \
		DATABASE_URL=$(PG_TEST_URL) REDIS_URL_TEST=$(REDIS_TEST_URL) $(BIN)/pytest -m "not browser"; \
	else echo "PostgreSQL not reachable on 127.0.0.1:5432: skipping the PostgreSQL run (CI always runs it)"; fi

bench: install-dev
	$(BIN)/python benchmarks/web.py

clean-data:
	rm -rf var
