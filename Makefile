# Partnership Assurance. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# The demo: local database and broker under var/, seeded people, no MFA. See README.
RUN_ENV := DEBUG=true DEMO=true

.DEFAULT_GOAL := help

## help: list the targets
help:
	@grep -E '^## ' Makefile | sed 's/^## /  /'

$(PY):
	@$(PYTHON) scripts/check_system.py
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(PY)
	$(PIP) install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $@

## setup: make .venv and install the requirements
setup: $(VENV)/.installed
	@$(PYTHON) scripts/check_system.py
	@mkdir -p var

## run: set up, migrate, load the demo partnership and serve it at http://127.0.0.1:8000 with a worker and scheduler
run: setup
	$(RUN_ENV) $(PY) manage.py migrate --no-input
	$(RUN_ENV) $(PY) manage.py seed_demo
	@echo "Serving http://127.0.0.1:8000 (web, worker and beat). Sign in as admin, chair, ... with the demo password; Ctrl-C stops all."
	$(RUN_ENV) $(VENV)/bin/honcho start -f Procfile.dev

## reset-demo: delete everything in the demo's database (it says what, and asks first) and load the demo afresh
reset-demo: setup
	$(RUN_ENV) $(PY) manage.py reset_demo

# Test processes for pytest-xdist: one per core by default; `make test PYTEST_WORKERS=0` runs in one process.
PYTEST_WORKERS ?= auto

## test: set up and run the whole suite in parallel (SQLite locally; PostgreSQL and Redis when DATABASE_URL and CELERY_BROKER_URL are set)
test: $(VENV)/.installed-dev
	@$(PYTHON) scripts/check_system.py --test
	@mkdir -p var
	$(VENV)/bin/pytest --create-db -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

## lint: ruff (check and format), djLint, makemigrations --check, bandit
lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint --check templates
	$(VENV)/bin/djlint --lint templates
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/bandit -q -c pyproject.toml -r .

## format: apply ruff's and djLint's formatting
format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djlint --reformat templates

## assets: rebuild static/css from static/scss and copy govuk-frontend into static/govuk (needs node and npm; see docs/frontend.md)
assets:
	npm ci
	npm run build

## bench: run the benchmarks in bench/ (see bench/README.md)
bench: $(VENV)/.installed-dev
	$(PY) bench/run.py

## clean: remove the local database, broker folders and generated files (keeps .venv)
clean:
	rm -rf var

.PHONY: help setup run reset-demo test lint format assets bench clean
