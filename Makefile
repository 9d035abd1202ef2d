# Every target creates .venv and installs from the project's own pinned files first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: install demo test test-servers lint typecheck crawl bench freeze clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24"
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

# Benchmark baselines (readability-lxml, gne): only `make bench*` needs them.
BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): $(STAMP) requirements-bench.txt
	$(BIN)/python -m pip install -q -r requirements-bench.txt
	touch $@

install: $(STAMP)

## The main job on the embedded default: sample web on 127.0.0.1 -> SQLite archive (data/archive.db).
demo: $(STAMP)
	$(BIN)/canlian demo

## Lint, format check, type check, then the whole test suite (SQLite and a loopback PostgreSQL).
test: $(STAMP) lint typecheck test-servers
	$(BIN)/python -m pytest -n 2 -q

test-servers:
	scripts/ensure-test-servers.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

## The real job: every enabled site in the registry, against the live web.
crawl: $(STAMP)
	$(BIN)/canlian crawl --all

## Benchmarks (see docs/benchmarks.md): all of them, or one with `make bench-NAME`.
bench: $(BENCH_STAMP)
	$(BIN)/python -m bench

bench-%: $(BENCH_STAMP)
	$(BIN)/python -m bench $*

freeze: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
