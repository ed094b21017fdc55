# The two commands a newcomer needs:  make build  and  make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: build test setup setup-test clean

build: setup  ## set up, then build the course into dist/
	$(BIN)/coursebuild build .

test: setup-test  ## set up everything the tests need, then run them
	$(BIN)/pytest

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed-test node_modules/.installed /usr/bin/chromium /usr/bin/pdftotext /usr/bin/soffice

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[test,kit]'
	touch $@

# scorm-again (the LMS-side SCORM runtime) and axe-core, pinned by package-lock.json
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
	rm -rf dist $(VENV) node_modules
