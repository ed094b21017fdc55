# The two commands a newcomer needs:  make build  and  make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: build test setup setup-test clean

build: setup  ## set up, then build the course into dist/
	$(BIN)/coursebuild build .

test: setup-test  ## set up everything the tests need, then run them
	$(BIN)/pytest

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf dist $(VENV)
