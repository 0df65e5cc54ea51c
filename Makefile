# exhibit — the two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
export FLASK_APP := exhibit

.PHONY: run test lint serve setup translations extract-messages clean vendor-decoder

# Printed QR codes and shared links start with PUBLIC_BASE_URL: it follows PORT unless given
# (in the environment or as `make run PUBLIC_BASE_URL=https://...`).
run: PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)
run: setup
	$(BIN)/flask db upgrade
	PUBLIC_BASE_URL='$(PUBLIC_BASE_URL)' $(BIN)/flask seed-demo
	@echo ""
	@echo "  exhibit is running on http://127.0.0.1:$(PORT)  (Ctrl+C stops it)"
	@echo "  Printed QR codes and links point at $(PUBLIC_BASE_URL)"
	@echo "  Demo sign-ins are listed above; every demo password is: trienlam2024"
	@echo ""
	PUBLIC_BASE_URL='$(PUBLIC_BASE_URL)' $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# The linter first (a finding fails the target), then the suite.
test: $(VENV)/.dev-installed translations tests/a11y/node_modules/.package-lock.json
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The accessibility checkers of tests/a11y (axe-core, the Nu Html Checker), pinned in its
# package-lock.json, from the npm registry; without npm their tests skip (CI installs it).
tests/a11y/node_modules/.package-lock.json: tests/a11y/package.json tests/a11y/package-lock.json
	@if command -v npm >/dev/null; then \
		cd tests/a11y && npm ci --ignore-scripts --no-audit --no-fund; \
	else echo "npm not found: the accessibility tests will be skipped"; fi

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .

setup: $(VENV)/.installed translations

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(BIN)/pip install -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(BIN)/pip install -r requirements-dev.txt
	touch $(VENV)/.installed $@

# Compiled catalogues (.mo) are build output, made fresh from the committed .po files. Fuzzy
# entries are left out: contract and MoU wording must never print a guessed translation, and the
# app refuses to render documents unless every message of their wording is compiled
# (exhibit/documents/wording.py).
translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d exhibit/translations

# For developers: refresh messages.pot and the catalogues after changing user-facing text.
extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o exhibit/translations/messages.pot .
	$(BIN)/pybabel update -i exhibit/translations/messages.pot -d exhibit/translations

clean:
	rm -rf $(VENV) instance/exhibit.sqlite3*

# The scanner app's QR decoder (zxing-wasm from the npm registry, kept in static/vendor/zxing-wasm):
# fetch another version, check it against the registry's hashes and record it (the scanner's
# service worker names its cache after the files, so installed scanners take it at next start).
ZXING_WASM_VERSION ?= 3.1.8
vendor-decoder:
	static/vendor/update-zxing-wasm.sh $(ZXING_WASM_VERSION)
