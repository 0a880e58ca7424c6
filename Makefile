# The README's contract: `make serve` (fresh machine -> running site) and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8001
# Datasette's settings live in settings.json, read here and by the tests.
SETTINGS = $(shell $(BIN)/python -c "import json; print(' '.join(f'--setting {k} {str(v).lower()}' for k, v in json.load(open('settings.json')).items()))")
DATASETTE_OPTIONS = -i clearview.db --metadata metadata.yml --template-dir templates --plugins-dir plugins --static static:static --static data:data $(SETTINGS)

# Browser tests: Debian's chromium (Playwright's own browser download cannot work here) and axe-core from npm.
CHROMIUM := /usr/bin/chromium
AXE_VERSION := 4.14.1
AXE := $(VENV)/axe/node_modules/axe-core/axe.min.js

.PHONY: install build check-csv serve test lint profile clean browser release loadtest

$(INSTALLED): requirements.txt requirements-dev.txt constraints.txt
	@echo "==> creating $(VENV) and installing pinned requirements"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --progress-bar off -r requirements-dev.txt -c constraints.txt
	touch $@

install: $(INSTALLED)

$(CHROMIUM):
	@echo "==> installing Debian's chromium for the browser tests"
	@command -v apt-get > /dev/null || { echo "error: $(CHROMIUM) is missing and there is no apt-get: install Chromium at $(CHROMIUM)"; exit 1; }
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq
	$(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core > /dev/null

$(AXE): | $(INSTALLED)
	@echo "==> installing axe-core $(AXE_VERSION) from npm"
	npm install --silent --no-save --no-audit --no-fund --prefix $(VENV)/axe axe-core@$(AXE_VERSION)
	test -f $@ && touch $@

browser: $(CHROMIUM) $(AXE)

# csvkit is the gate for well-formed CSV: every row as long as its header.
check-csv: $(INSTALLED)
	@echo "==> checking data/*.csv with csvclean"
	@status=0; for file in data/*.csv; do \
	  $(BIN)/csvclean --length-mismatch --label - "$$file" > /dev/null || status=1; \
	done; exit $$status

build: check-csv
	@echo "==> building clearview.db from data/"
	$(BIN)/python build_db.py

# A data release: records what changed since the last one (data/changes.csv, data/CHANGELOG.md). VERSION= to name it.
release: check-csv
	$(BIN)/python scripts/release.py $(if $(VERSION),--version $(VERSION))
	$(BIN)/python build_db.py

serve: build
	@echo "==> serving on http://$(HOST):$(PORT)/"
	$(BIN)/datasette serve $(DATASETTE_OPTIONS) -h $(HOST) -p $(PORT)

test: build lint browser
	@echo "==> running tests"
	CHROMIUM=$(CHROMIUM) AXE_JS=$(AXE) $(BIN)/python -m pytest -q

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# 50 clients for 60 s against a server on loopback (not part of `make test`). LOAD_CLIENTS=, LOAD_SECONDS= to change.
LOAD_PORT ?= 8002
loadtest: build
	@$(BIN)/datasette serve $(DATASETTE_OPTIONS) -h 127.0.0.1 -p $(LOAD_PORT) > .loadtest-server.log 2>&1 & server=$$!; \
	trap "kill $$server" EXIT; \
	for i in $$(seq 50); do curl -sf -o /dev/null http://127.0.0.1:$(LOAD_PORT)/ && break; sleep 0.2; done; \
	$(BIN)/python bench/loadtest.py --url http://127.0.0.1:$(LOAD_PORT) --clients $${LOAD_CLIENTS:-50} --seconds $${LOAD_SECONDS:-60}

# Column statistics of every raw file (csvkit's csvstat).
profile: $(INSTALLED)
	@for file in data/*.csv; do echo "==> $$file"; $(BIN)/csvstat "$$file"; done

clean:
	rm -rf clearview.db .building-* site build .pytest_cache .loadtest-server.log
