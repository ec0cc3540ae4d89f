# earlyhelp: `make demo` runs the service with demo data; `make test` runs every check.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp
ASSETS := earlyhelp/core/static/build/application.css
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Test processes in parallel (pytest-xdist): one per CPU. TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto

.PHONY: help setup assets demo test test-fast lint lock clean

help:
	@echo "make demo   set up, load demo data and start the service on http://$(HOST):$(PORT)"
	@echo "make test   set up and run the whole suite (SQLite; PostgreSQL when DATABASE_URL is set)"

$(STAMP): requirements.lock pyproject.toml
	@python=$$(scripts/find-python); \
	if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js 20+) is needed to build the front end" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(ASSETS): $(NODE_STAMP) $(shell find frontend -type f 2>/dev/null)
	npm run --silent build

setup: $(STAMP) $(ASSETS)

assets: $(ASSETS)

demo: setup
	@env -u DATABASE_URL $(PY) manage.py migrate --noinput -v 0
	@env -u DATABASE_URL $(PY) manage.py seed --scale demo --if-empty
	@env -u DATABASE_URL HOST=$(HOST) PORT=$(PORT) scripts/demo-start

test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=check-deploy-$$RANDOM-not-a-real-key-0123456789abcdefghijklmnopqrstuvwxyz \
	  ALLOWED_HOSTS=earlyhelp.example.org EARLYHELP_DEMO_TWO_FACTOR_CODE= \
	  $(PY) manage.py check --deploy --fail-level WARNING
	$(VENV)/bin/pytest -n $(TEST_WORKERS)

test-fast: setup
	$(VENV)/bin/pytest -m "not browser" -x -q

lint: setup
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy . && $(VENV)/bin/lint-imports

# Regenerate the hashed lock file after changing pyproject.toml.
lock: $(STAMP)
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes \
	  --python-version 3.12 --universal -o requirements.lock --no-header

clean:
	rm -rf $(VENV) node_modules earlyhelp/core/static/build staticfiles var
