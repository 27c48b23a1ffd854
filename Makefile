# Two commands on a fresh machine: `make run` (assistant on the embedded default) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
DATA ?= data

.PHONY: run test install install-test serve ingest clean browser postgres ocr

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	touch $@

# torch==2.13.0 is pinned in the `st` extra so pip takes the local CPU wheel, never CUDA.
$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) install -q -e '.[test,st]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

ingest: install ocr
	PLANBOT_DATA_DIR=$(DATA) $(VENV)/bin/planbot ingest corpus

run: ingest
	PLANBOT_DATA_DIR=$(DATA) $(VENV)/bin/planbot serve --host 127.0.0.1 --port 8000

# The web chat test drives Debian's Chromium (Playwright never downloads a browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

# The store tests start Debian's PostgreSQL server themselves (as the postgres user).
postgres:
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq postgresql >/dev/null)

# Scanned PDFs are read by Debian's Tesseract OCR with its Vietnamese data.
ocr:
	@tesseract --list-langs 2>/dev/null | grep -qx vie || (apt-get update -qq && apt-get install -y -qq tesseract-ocr tesseract-ocr-vie >/dev/null)

# The whole suite runs on SQLite (the embedded default), then every test that touches the
# database again on PostgreSQL (tests/conftest.py decides which).
test: install-test browser postgres ocr
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(PY) -m pytest --database sqlite
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(PY) -m pytest --database postgresql

clean:
	rm -rf $(VENV) $(DATA)
