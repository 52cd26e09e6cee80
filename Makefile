# One task runner for developers, the README and CI. `make help` lists the targets.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
APP_STAMP := $(VENV)/.installed-app
TEST_STAMP := $(VENV)/.installed-test
POSTGRES_STAMP := $(VENV)/.installed-postgres
HOST ?= 127.0.0.1
PORT ?= 8501

.PHONY: help install run cluster check test lint format system-deps bench clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(APP_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --editable .
	touch $@

$(TEST_STAMP): $(APP_STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet --editable '.[test]'
	touch $@

$(POSTGRES_STAMP): $(APP_STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet --editable '.[postgres]'
	touch $@

install: $(APP_STAMP)  ## Create .venv and install the app

run: install  ## Install, then serve the app on the shipped data at http://127.0.0.1:8501
	$(BIN)/streamlit run app.py --server.address $(HOST) --server.port $(PORT)

cluster: $(POSTGRES_STAMP) system-deps  ## PostgreSQL, two servers and nginx on 127.0.0.1 (http://127.0.0.1:8080); Ctrl-C stops all
	$(BIN)/python -m scripts.cluster --port 8080

system-deps:  ## Install what the tests need from Debian (chromium, a CJK font, PostgreSQL, nginx)
	./scripts/install-system-deps.sh

lint: $(TEST_STAMP)  ## ruff: lint and formatting
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(TEST_STAMP)  ## Reformat the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: $(TEST_STAMP) system-deps lint  ## The developer loop: lint, unit and AppTest tests on both cores (no browser), under 2 min
	$(BIN)/python -m pytest -m "not browser" -n 2

test: $(TEST_STAMP) system-deps lint  ## Install everything, lint, and run every test (browser tests included); what CI runs
	$(BIN)/python -m pytest

bench: $(TEST_STAMP) system-deps  ## Benchmarks against Streamlit's floor (about 45 min); writes docs/benchmarks.md
	$(BIN)/python -m scripts.bench --out docs/benchmarks.md

clean:  ## Remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache
