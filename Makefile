# The two commands a newcomer needs:  make build  and  make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# uv installs the Python dependencies exactly as locked in uv.lock; uv itself comes from PyPI at this version.
UV_VERSION := 0.13.9
UV := .uv/bin/uv
export UV_PYTHON := $(PYTHON)
export UV_PROJECT_ENVIRONMENT := $(VENV)
# byte-compile the installed libraries, as pip does: without it every command compiles them from source again
# (PYTHONDONTWRITEBYTECODE is often set), which doubled the time of a build
export UV_COMPILE_BYTECODE := 1

# pytest-xdist: one worker per core, at most 4 (each has its own Chromium); tests a module must run together
# in one process carry an xdist_group mark. `make test PYTEST_JOBS=-n0` runs them all in this process.
PYTEST_JOBS ?= --numprocesses auto --maxprocesses 4 --dist loadgroup

.PHONY: build wheel test lock setup setup-test clean templates

build: setup node_modules/.installed wheel  ## set up (scorm-again for preview too), build the course into dist/, and the installable wheel beside it
	$(BIN)/coursebuild build .

wheel: $(UV)  ## dist/coursebuild-<version>-py3-none-any.whl (the only wheel there)
	rm -f dist/coursebuild-*.whl
	$(UV) build --wheel --out-dir dist --quiet

test: setup-test wheel  ## set up everything the tests need, then run them all; fails if any fails
	$(BIN)/ruff check
	$(BIN)/mypy
	npm run --silent lint
	npm test --silent
	$(BIN)/pytest $(PYTEST_JOBS) --cov --cov-report=term --cov-report=json:test-artifacts/coverage.json
	$(BIN)/python tests/coverage_floor.py test-artifacts/coverage.json
	PYTHON=$(PYTHON) bash tests/install_check.sh

templates: setup  ## after changing a built-in template or theme.py's environment: compile builder/templates/ ahead (commit the result)
	$(BIN)/python -m builder.precompile

lock: $(UV)  ## after changing dependencies in pyproject.toml: re-resolve uv.lock (commit it)
	$(UV) lock

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed-test node_modules/.installed /usr/bin/chromium /usr/bin/pdftotext /usr/bin/soffice

$(UV):
	$(PYTHON) -m venv .uv
	.uv/bin/pip install --quiet uv==$(UV_VERSION)

# --frozen: install what uv.lock says, never re-resolve (a stale lock is an error: run `make lock`)
$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --inexact --quiet
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml uv.lock
	$(UV) sync --frozen --group test --quiet
	touch $@

# scorm-again (the LMS-side SCORM runtime), axe-core, the official SCORM XSDs and ESLint, pinned by package-lock.json
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Debian's Chromium for the browser tests (Playwright cannot download browsers here)
/usr/bin/chromium:
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq chromium

# Poppler's pdftotext and pdftoppm (kit tests read and render the PDFs); Pango for WeasyPrint
/usr/bin/pdftotext:
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq poppler-utils libpango-1.0-0 libpangoft2-1.0-0

# LibreOffice Impress (headless) for the slide-deck test that opens the .pptx and converts it to PDF
/usr/bin/soffice:
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq --no-install-recommends libreoffice-impress

clean:
	rm -rf dist $(VENV) .uv node_modules
