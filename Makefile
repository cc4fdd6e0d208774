# Workbench: `make run` sets up and launches the app on the sample bank; `make test` sets up and runs every test.
# With a ./wheelhouse folder present (see `make wheelhouse`), installs use it alone: no package index needed.

VENV       ?= .venv
PY         := $(VENV)/bin/python
WHEELHOUSE ?= wheelhouse
PIP_SOURCE := $(if $(wildcard $(WHEELHOUSE)/*.whl),--no-index --find-links $(WHEELHOUSE),)
PORT       ?= 8501

.PHONY: run test bench lint format setup setup-dev system-deps wheelhouse sample docs clean

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q $(PIP_SOURCE) --upgrade pip || true

$(VENV)/.app: pyproject.toml | $(PY)
	$(PY) -m pip install -q $(PIP_SOURCE) -e .
	@touch $@

$(VENV)/.dev: pyproject.toml | $(PY)
	$(PY) -m pip install -q $(PIP_SOURCE) -e '.[dev]'
	@touch $@ $(VENV)/.app

setup: $(VENV)/.app
setup-dev: $(VENV)/.dev

## Debian packages the tests use (headless Chromium, a PostgreSQL server); installed only when missing and root.
system-deps:
	@bash scripts/system-deps.sh

run: setup
	$(VENV)/bin/workbench app --with-sample --port $(PORT)

test: setup-dev system-deps
	$(PY) -m pytest

## Peers (ydata-profiling, skrub, optbinning, toad) pin numpy/pandas versions that cannot live beside the
## app's, so they get their own virtualenv; benchmarks run them in subprocesses on the same data files.
PEERS_VENV := benchmarks/.venv-peers
$(PEERS_VENV)/bin/python:
	python3 -m venv $(PEERS_VENV)
	$(PEERS_VENV)/bin/python -m pip install -q $(PIP_SOURCE) ydata-profiling skrub optbinning toad featuretools "pandas<3" polars pyarrow psutil

## Each benchmark runs Workbench and a named peer on the same data in the same run; see benchmarks/RESULTS.md.
bench: setup-dev $(PEERS_VENV)/bin/python
	$(PY) -m benchmarks                          # profile vs ydata-profiling/skrub; WOE/IV vs optbinning/toad
	$(PY) -m benchmarks.bench_scan               # PII scan, 1M x 50
	$(PY) benchmarks/bench_features.py           # features vs featuretools DFS
	$(PY) benchmarks/bench_model.py              # LightGBM 1M x 50, SHAP, public credit data vs a tuned search
	$(PY) benchmarks/bench_scorecard.py          # scorecard vs optbinning Scorecard and toad ScoreCard
	$(PY) benchmarks/bench_sample_signal.py      # AUC lift of transaction features on the sample
	$(PY) benchmarks/bench_spark.py              # features on Spark local[2] vs polars, 10M transactions

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## Every wheel the app and its tests need, to carry onto an air-gapped machine.
wheelhouse: | $(PY)
	$(PY) -m pip wheel -q -w $(WHEELHOUSE) '.[dev]' hatchling editables pip

sample: setup
	$(VENV)/bin/workbench sample --out sample_data --raw

clean:
	rm -rf $(VENV) .pytest_cache test-results

docs: setup
	$(PY) scripts/readme_reference.py
