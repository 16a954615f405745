# Two commands for a fresh machine: `make demo` and `make test`. Both set everything up.
VENV ?= .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: setup setup-test demo test test-fast lint bench clean-home

setup:
	scripts/bootstrap.sh

setup-test:
	scripts/bootstrap.sh --test

## demo: generate a demo corpus, build the index, serve http://127.0.0.1:8000
demo: setup
	$(BIN)/jobsearch demo $(DEMO_ARGS)

## test: the whole test suite (what CI runs)
test: setup-test
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-fast: setup-test
	$(BIN)/python -m pytest -q -m "not slow" $(PYTEST_ARGS)

## lint: ruff, mypy over every package (jobsearch + models, runtimes, operator mapped under it)
## and the import contracts; mypy and import-linter walk scripts/lint_tree.py's tree
LINT_TREE := build/lint-tree
lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/python scripts/lint_tree.py $(LINT_TREE)
	cd $(LINT_TREE) && PYTHONPATH=. $(abspath $(BIN))/mypy --config-file $(CURDIR)/pyproject.toml -p jobsearch
	cd $(LINT_TREE) && PYTHONPATH=. $(abspath $(BIN))/lint-imports --no-cache $(CURDIR)/pyproject.toml

bench: setup-test
	$(BIN)/python bench/search_bench.py
