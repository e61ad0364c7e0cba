# E4J prevention course kit. `make` sets up and builds every export; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
E4J    := $(BIN)/e4j

.DEFAULT_GOAL := all
.PHONY: help all setup build check test test-fast lint golden bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

all: build ## set up .venv and build every export into exports/

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed ## create .venv and install the project

build: setup ## check the sources and build every export
	$(E4J) build

check: setup ## validate the sources only
	$(E4J) check --strict

test: $(VENV)/.test-installed node_modules/.installed ## run every test (browser tests need /usr/bin/chromium)
	$(BIN)/python -m pytest

test-fast: $(VENV)/.test-installed ## run the tests that need no browser
	$(BIN)/python -m pytest -m "not browser and not slow"

golden: $(VENV)/.test-installed ## regenerate the golden files after a reviewed change
	E4J_UPDATE_GOLDEN=1 $(BIN)/python -m pytest tests/test_golden.py

bench: $(VENV)/.test-installed ## measure build speed and output weight; writes bench/results.md
	$(BIN)/python bench/run.py

lint: $(VENV)/.test-installed ## ruff and mypy
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/ruff check builders tests
	$(BIN)/mypy builders

clean: ## remove the build output and the virtual environment
	rm -rf exports/html exports/index.html exports/.e4j-cache $(VENV) node_modules
