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

.PHONY: install build check-csv serve test lint profile clean browser release loadtest static static-serve publish-static publish-generate publish bench bench-full

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

# The static edition in site/: every page rendered by the live site, for the URL it will be served at. SITE_URL's
# path is the base path (https://user.github.io/repo/ -> /repo/). LIVE_URL= sends SQL links to a live Datasette
# instead of Datasette Lite.
SITE_URL ?= http://127.0.0.1:8000/
static: build
	$(BIN)/python -m clearview.static_site --site-url $(SITE_URL) $(if $(LIVE_URL),--live-url $(LIVE_URL)) --out site

# A preview of site/ as a static host serves it (built for the default SITE_URL).
static-serve: static
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory site 8000

# For a real host: SITE_URL must be where it will be public. .github/workflows/pages.yml runs this for GitHub Pages.
publish-static:
	@case "$(SITE_URL)" in http://127.0.0.1*|"") echo "error: set SITE_URL to the public address, e.g. make publish-static SITE_URL=https://user.github.io/repo/"; exit 1;; esac
	$(MAKE) static SITE_URL=$(SITE_URL) LIVE_URL=$(LIVE_URL)
	@echo "==> site/ is ready for $(SITE_URL): upload it as it is (headers: docs/security-headers.md)"

# The live edition on Fly.io. publish-generate writes the Docker context to build/fly (inspectable, tested offline);
# publish deploys it with flyctl. Every package is pinned: requirements.txt and constraints.txt go into the image.
FLY_APP ?= clearview-usage-database
FLY_DIR ?= build/fly
publish-generate: build
	rm -rf $(FLY_DIR) && mkdir -p $(dir $(FLY_DIR))
	$(BIN)/datasette publish fly clearview.db --app $(FLY_APP) --generate-dir $(FLY_DIR) \
	  --metadata metadata.yml --template-dir templates --plugins-dir plugins --static static:static --static data:data \
	  --install "-r requirements.txt" --install "-c constraints.txt" --install . --extra-options "$(SETTINGS)"
	cp -r clearview pyproject.toml requirements.txt constraints.txt $(FLY_DIR)/
	rm -rf $(FLY_DIR)/clearview/__pycache__
	@echo "==> $(FLY_DIR) holds the Dockerfile, fly.toml and files to deploy"

publish: publish-generate
	@command -v flyctl > /dev/null || { echo "error: flyctl is not installed: https://fly.io/docs/flyctl/install/"; exit 1; }
	cd $(FLY_DIR) && flyctl deploy --remote-only

# Benchmarks on synthetic data (bench/generate.py, in bench/out/), written to bench/RESULTS.md. bench: a few
# minutes (1k and 10k agencies; static at 2k). bench-full: up to 1M agencies (build), 100k (live), 20k (static).
bench: $(INSTALLED) browser
	CHROMIUM=$(CHROMIUM) $(BIN)/python bench/run.py --profile quick

bench-full: $(INSTALLED) browser
	CHROMIUM=$(CHROMIUM) $(BIN)/python bench/run.py --profile full

# Column statistics of every raw file (csvkit's csvstat).
profile: $(INSTALLED)
	@for file in data/*.csv; do echo "==> $$file"; $(BIN)/csvstat "$$file"; done

clean:
	rm -rf clearview.db .building-* site build .pytest_cache .loadtest-server.log bench/out
