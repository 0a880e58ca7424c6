# The README's contract: `make serve` (fresh machine -> running site) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8001
# The site's options come from clearview/app.py (what the tests and the static site run too); settings.json holds
# Datasette's settings. Expanded when a recipe runs, after the virtualenv exists.
SITE_OPTIONS = $(shell $(BIN)/python -m clearview.app)
SETTINGS = $(shell $(BIN)/python -m clearview.app --settings)
# glibc gives each SQL thread an arena of its own and keeps what they free: with two, and freed memory trimmed back,
# the server returned to within 14% of its size 30 s after `make attack` (26% without).
MALLOC := MALLOC_ARENA_MAX=2 MALLOC_TRIM_THRESHOLD_=131072
SERVER := $(MALLOC) $(BIN)/python -m clearview.server --db clearview.db

# Browser tests: Debian's chromium (Playwright's own browser download cannot work here) and axe-core from npm.
CHROMIUM ?= /usr/bin/chromium
AXE_VERSION := 4.14.1
AXE := $(VENV)/axe/node_modules/axe-core/axe.min.js

.PHONY: help install build serve check test add preview attack lint profile clean browser release loadtest static static-serve publish-static publish-generate publish bench bench-full

help: ## this list, and the editor's path
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /\1\t/' | expand -t 18
	@echo
	@echo "The editor's path (data/README.md): facts in a CSV with the source's own sentence for each (data/facts-template.csv),"
	@echo "  then make preview FILE=facts.csv, make add FILE=facts.csv, make check, make release, and commit all of data/."

$(INSTALLED): requirements.txt requirements-data.txt requirements-dev.txt constraints.txt
	@echo "==> creating $(VENV) and installing pinned requirements"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --progress-bar off -r requirements-dev.txt -c constraints.txt
	$(BIN)/python -m pip install --progress-bar off --no-deps -r requirements-data.txt -c constraints.txt
	touch $@

install: $(INSTALLED) ## create .venv and install the pinned requirements

$(CHROMIUM):
	@echo "==> installing Debian's chromium for the browser tests"
	@command -v apt-get > /dev/null || { echo "error: $(CHROMIUM) is missing and there is no apt-get: install Chromium at $(CHROMIUM)"; exit 1; }
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq
	$(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core > /dev/null

$(AXE): | $(INSTALLED)
	@echo "==> installing axe-core $(AXE_VERSION) from npm"
	npm install --silent --no-save --no-audit --no-fund --prefix $(VENV)/axe axe-core@$(AXE_VERSION)
	test -f $@ && touch $@

browser: $(CHROMIUM) $(AXE) ## Debian's chromium and axe-core, for the browser tests

# The build reads and checks every file itself (file, line, column, value, fix), so no separate CSV gate runs first:
# csvclean counted data rows, not file lines, and named no file on an encoding error. csvkit stays for `make profile`.
# ALLOW_REMOVED=1 lets records of the last release go (they are refused otherwise).
BUILD_INPUTS := $(wildcard data/*.csv data/released/*.csv) build_db.py $(wildcard clearview/*.py)
build: $(INSTALLED) ## build clearview.db from data/ (always)
	@echo "==> building clearview.db from data/"
	$(BIN)/python build_db.py

clearview.db: $(BUILD_INPUTS) | $(INSTALLED)
	@echo "==> building clearview.db from data/"
	$(BIN)/python build_db.py

# A data release: records what changed since the last one (data/changes.csv, data/CHANGELOG.md). VERSION= to name it.
release: $(INSTALLED) ## record what changed since the last release, as a new release (VERSION= to name it)
	$(BIN)/python -m scripts.release $(if $(VERSION),--version $(VERSION))

# Facts in the research's columns (data/README.md, "Adding facts"): FILE=facts.csv, or ARGS='--agency-name ...'.
add: $(INSTALLED) ## add or correct sourced facts: make add FILE=facts.csv (data/README.md)
	$(BIN)/python -m clearview.add $(FILE) $(ARGS)

# The same, changing nothing: each agency's headline before and after, and the pages that change.
preview: $(INSTALLED) ## what make add would change, changing nothing: make preview FILE=facts.csv
	$(BIN)/python -m clearview.add $(FILE) $(ARGS) --dry-run

serve: clearview.db ## run the site on http://127.0.0.1:8001/ (builds first if data/ or the build changed)
	@echo "==> serving on http://$(HOST):$(PORT)/"
	$(SERVER) --host $(HOST) --port $(PORT)

# The quick loop while editing: build, lint, and every test that needs no browser and no static or publish build.
# Node runs the static edition's search for the parity test `make check` runs (tests/test_search_parity.py).
NODE ?= $(or $(shell command -v node),/usr/bin/node)
$(NODE):
	@echo "==> installing Debian's nodejs for the search parity test"
	@command -v apt-get > /dev/null || { echo "error: node is missing and there is no apt-get: install Node.js 18 or later"; exit 1; }
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq
	$(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm > /dev/null

check: build lint $(NODE) ## build, lint, unit and data tests, the search parity set in Node (no browser): 2 minutes
	@echo "==> running the quick tests"
	$(BIN)/python -m pytest -q -m "not slow"

test: build lint browser $(NODE) ## the full suite, browser tests included (installs chromium if missing)
	@echo "==> running tests"
	CHROMIUM=$(CHROMIUM) AXE_JS=$(AXE) $(BIN)/python -m pytest -q

lint: $(INSTALLED) ## ruff check and format
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# 50 clients for 60 s against a server on loopback (not part of `make test`). LOAD_CLIENTS=, LOAD_SECONDS= to change.
LOAD_PORT ?= 8002
loadtest: clearview.db ## 50 clients for 60 s against a local server
	@$(SERVER) --port $(LOAD_PORT) > .loadtest-server.log 2>&1 & server=$$!; \
	trap "kill $$server" EXIT; \
	for i in $$(seq 50); do curl -sf -o /dev/null http://127.0.0.1:$(LOAD_PORT)/ && break; sleep 0.2; done; \
	$(BIN)/python -m bench.loadtest --url http://127.0.0.1:$(LOAD_PORT) --clients $${LOAD_CLIENTS:-50} --seconds $${LOAD_SECONDS:-60}

# 20 clients send expensive SQL for 30 s while readers load pages: reader latency, hostile durations, server memory.
ATTACK_PORT ?= 8003
attack: clearview.db ## the hostile-visitor benchmark (bench/attack.py): bench/ATTACK.md, and in bench/RESULTS.md
	@$(SERVER) --port $(ATTACK_PORT) > .attack-server.log 2>&1 & server=$$!; \
	trap "kill $$server 2> /dev/null" EXIT; \
	for i in $$(seq 100); do curl -sf -o /dev/null http://127.0.0.1:$(ATTACK_PORT)/ && break; sleep 0.2; done; \
	set -o pipefail; { echo "# make attack"; echo; echo "Written by \`make attack\` on $$(date -u +%F) ($$(nproc) CPUs). Do not edit: run it again."; echo; echo '```'; \
	  $(BIN)/python -m bench.attack --url http://127.0.0.1:$(ATTACK_PORT) --pid $$server --hostile $${ATTACK_CLIENTS:-20} --seconds $${ATTACK_SECONDS:-30}; \
	  status=$$?; echo '```'; exit $$status; } | tee bench/ATTACK.md; \
	$(BIN)/python -m bench.attack --into bench/RESULTS.md

# The static edition in site/: every page rendered by the live site, for the URL it will be served at. SITE_URL's
# path is the base path (https://user.github.io/repo/ -> /repo/). LIVE_URL= sends SQL links to a live Datasette
# instead of Datasette Lite.
SITE_URL ?= http://127.0.0.1:8000/
static: clearview.db ## the static edition in site/ (SITE_URL=, LIVE_URL=)
	$(BIN)/python -m clearview.static_site --site-url $(SITE_URL) $(if $(LIVE_URL),--live-url $(LIVE_URL)) $(if $(REPOSITORY_URL),--repository-url $(REPOSITORY_URL)) --out site

# A preview of site/ as a static host serves it (built for the default SITE_URL).
static-serve: static ## preview site/ on http://127.0.0.1:8000/
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory site 8000

# For a real host: SITE_URL must be where it will be public. .github/workflows/pages.yml runs this for GitHub Pages.
publish-static: ## the static edition for its public address (SITE_URL=)
	@case "$(SITE_URL)" in http://127.0.0.1*|"") echo "error: set SITE_URL to the public address, e.g. make publish-static SITE_URL=https://user.github.io/repo/"; exit 1;; esac
	$(MAKE) static SITE_URL=$(SITE_URL) LIVE_URL=$(LIVE_URL) REPOSITORY_URL=$(REPOSITORY_URL)
	@echo "==> site/ is ready for $(SITE_URL): upload it as it is (headers: docs/security-headers.md)"

# The live edition on Fly.io. publish-generate writes the Docker context to build/fly (inspectable, tested offline);
# publish deploys it with flyctl. Every package is pinned: requirements.txt and constraints.txt go into the image.
FLY_APP ?= clearview-usage-database
GAZETTEER_STORE := python -c "from clearview import gazetteer; gazetteer.load()"
FLY_DIR ?= build/fly
publish-generate: build ## the Fly deploy folder in build/fly
	rm -rf $(FLY_DIR) && mkdir -p $(dir $(FLY_DIR))
	$(BIN)/datasette publish fly clearview.db --app $(FLY_APP) --generate-dir $(FLY_DIR) \
	  $(SITE_OPTIONS) \
	  --install "-r requirements.txt" --install "-c constraints.txt" --install . --extra-options "$(SETTINGS)"
	cp -r clearview pyproject.toml requirements.txt requirements-data.txt constraints.txt metadata.yml settings.json \
	  $(FLY_DIR)/
	rm -rf $(FLY_DIR)/clearview/__pycache__
	@# The image serves the site as make serve does, under clearview/server.py's connection limits; that server
	@# reads no inspect file and no secret (the site has no logins: a secret made at each start signs its tokens).
	@# The place store is built into the image, so a new replica does not build it at start.
	sed -i -e '/^ENV DATASETTE_SECRET/d' -e '/^RUN datasette inspect/d' \
	  -e 's|^\(RUN pip install .*\)$$|\1\nRUN pip install --no-deps -r requirements-data.txt -c constraints.txt\nENV CLEARVIEW_CACHE /app/.cache\nRUN $(GAZETTEER_STORE)|' \
	  -e 's|^CMD datasette serve .*|ENV $(MALLOC)\nCMD python -m clearview.server --db clearview.db --host 0.0.0.0 --port $$PORT|' \
	  $(FLY_DIR)/Dockerfile
	@echo "==> $(FLY_DIR) holds the Dockerfile, fly.toml and files to deploy"

publish: publish-generate ## deploy the live site to Fly
	@command -v flyctl > /dev/null || { echo "error: flyctl is not installed: https://fly.io/docs/flyctl/install/"; exit 1; }
	cd $(FLY_DIR) && flyctl deploy --remote-only

# Benchmarks on synthetic data (bench/generate.py, in bench/out/), written to bench/RESULTS.md. bench: a few
# minutes (1k and 10k agencies; static at 2k). bench-full: up to 1M agencies (build), 100k (live), 20k (static).
bench: clearview.db browser ## benchmarks, a few minutes (bench/RESULTS.md; builds what it needs)
	CHROMIUM=$(CHROMIUM) $(BIN)/python -m bench.run --profile quick

bench-full: clearview.db browser ## benchmarks up to 1M agencies
	CHROMIUM=$(CHROMIUM) $(BIN)/python -m bench.run --profile full

# Column statistics of every raw file (csvkit's csvstat).
profile: $(INSTALLED) ## csvstat of every raw file
	@for file in data/*.csv; do echo "==> $$file"; $(BIN)/csvstat "$$file"; done

clean: ## remove what the build and tests made
	rm -rf clearview.db .building-* site build .pytest_cache .loadtest-server.log .attack-server.log bench/out
