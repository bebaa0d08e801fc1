# Homeward: `make run` serves the app; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: install run user test lint format test-js test-sqlite test-postgres clean i18n-extract i18n-update i18n-init i18n-compile bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Frontend tooling (Biome: lint + format) from npm, versions pinned in package.json and
# package-lock.json, installed into ./node_modules (ignored). The PWA itself has no build step.
NODE_STAMP := node_modules/.installed-stamp
BIOME := node_modules/.bin/biome

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

## Create the venv, migrate and seed ./data/homeward.db, serve on http://127.0.0.1:8000
run: install
	$(BIN)/homeward db upgrade
	$(BIN)/homeward seed
	$(BIN)/homeward serve

## Create an account to try the worker screens: make user EMAIL=you@example.org [ROLE=worker]
## (asks for the password; the database is the one `make run` uses)
ROLE ?= worker
user: install
	@test -n "$(EMAIL)" || { echo "Usage: make user EMAIL=you@example.org [ROLE=worker|editor|translator|admin]" >&2; exit 2; }
	$(BIN)/homeward db upgrade
	@read -rsp "Password for $(EMAIL) (12+ characters, not a common one): " pw && echo && \
		printf '%s' "$$pw" | $(BIN)/homeward users create --email "$(EMAIL)" --role $(ROLE) --password-stdin

## Lint, then the whole suite on SQLite and (when reachable) on PostgreSQL
test: install lint test-js test-sqlite test-postgres

lint: install $(NODE_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIOME) ci --error-on-warnings

format: install $(NODE_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIOME) check --write

## The PWA's client logic (outbox rules, search normaliser, router) with Node's own test runner
test-js:
	node --test frontend/tests/*.test.js

# One test process per core (pytest-xdist); a test file stays in one process, so its live
# server and browser are started once; the longest files first (tests/conftest.py LONGEST_FIRST).
# `make test-sqlite PARALLEL=` runs in one process.
PARALLEL ?= -n auto --dist loadfile --no-loadscope-reorder
test-sqlite: install
	HOMEWARD_TEST_DATABASE=sqlite $(BIN)/pytest $(PARALLEL)

# PostgreSQL is skipped, loudly, when it is not reachable; in CI (CI set) that is a failure.
# Every test of the server (API, sync, concurrency, fuzzing, migrations, two processes, nginx)
# runs on both databases. Browser tests drive that same API from the PWA: on PostgreSQL only
# those whose server side differs by database run (case sync and notes, the content feed and
# its patches, publishing); the others, and tests of files and pure functions, run once, on
# SQLite, and are named below. On this 2-core CI machine the whole suite on both took 22 min;
# the limit is 20.
DB_BLIND := tests/browser/test_fit.py tests/browser/test_budget.py \
	tests/browser/test_a11y.py tests/browser/test_discreet.py tests/browser/test_install.py \
	tests/browser/test_quick_exit.py tests/browser/test_reader.py tests/browser/test_search.py \
	tests/browser/test_settings.py tests/browser/test_update.py tests/browser/test_i18n.py \
	tests/browser/test_offline.py tests/browser/test_slow_network.py \
	tests/browser/test_device_security.py tests/browser/test_worker_drafts.py \
	tests/browser/test_field.py tests/browser/test_admin_people.py \
	tests/test_shell.py tests/test_markdown.py tests/test_xss_corpus.py \
	tests/test_content_completeness.py tests/test_returnee_plain_language.py \
	tests/test_dockerfile.py tests/test_content_sources.py tests/test_content_patch.py
PG_ONLY_ONCE := $(foreach f,$(DB_BLIND),--deselect $(f))
test-postgres: install
	@if HOMEWARD_TEST_PG_URL='$(PG_URL)' $(BIN)/python -c "import os,sqlalchemy as s; s.create_engine(os.environ['HOMEWARD_TEST_PG_URL']).connect().close()" 2>/dev/null; then \
		HOMEWARD_TEST_DATABASE=postgresql HOMEWARD_TEST_PG_URL='$(PG_URL)' $(BIN)/pytest $(PARALLEL) $(PG_ONLY_ONCE); status=$$?; \
		echo "(ran on SQLite only, see DB_BLIND in the Makefile: $(DB_BLIND))"; \
		exit $$status; \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL at $(PG_URL) is not reachable, and CI requires it." >&2; exit 1; \
	else \
		echo "*** SKIPPED the PostgreSQL run: $(PG_URL) is not reachable (start it, or set PG_URL). ***"; \
	fi

## Every figure of issue #13 beside its goal, also written to bench/RESULTS.md (never asserted).
## Needs Debian's chromium, nginx (or nginx-light) and wrk (else a slower Python load generator),
## and PostgreSQL at PG_URL for the sync figures.
bench: install
	@command -v nginx >/dev/null || { echo "bench needs nginx: apt-get install nginx-light" >&2; exit 1; }
	@command -v wrk >/dev/null || echo "wrk not found (apt-get install wrk): using a Python load generator"
	PG_URL='$(PG_URL)' $(BIN)/python bench/run.py

# The gettext cycle for UI strings (server messages and the PWA share one catalog).
PYBABEL_EXTRACT := $(BIN)/pybabel extract -F babel.cfg -k t -k nt:1,2 -c TRANSLATORS: \
	--sort-by-file --project=Homeward --copyright-holder="Homeward contributors" \
	--msgid-bugs-address=homeward@localhost

i18n-extract: install
	$(PYBABEL_EXTRACT) -o locales/messages.pot .

i18n-update: i18n-extract
	$(BIN)/pybabel update -i locales/messages.pot -d locales --previous --ignore-obsolete --ignore-pot-creation-date

i18n-init: install  # make i18n-init LOCALE=pt
	$(BIN)/pybabel init -i locales/messages.pot -d locales -l $(LOCALE)

i18n-compile: install
	$(BIN)/pybabel compile -d locales --statistics

clean:
	rm -rf $(VENV) node_modules data .pytest_cache .ruff_cache .hypothesis test-artifacts
