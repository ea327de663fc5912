# Jalon — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
PY := .venv/bin/python
JALON := .venv/bin/jalon
CHROMIUM ?= /usr/bin/chromium
PG_URL ?= postgres://postgres@127.0.0.1:5432/jalon
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install chromium demo serve worker test test-fast test-browser test-postgres test-redis \
	lint bench clean bench-scale

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(UV):
	python3 -m pip install --user --quiet uv

install: $(UV) chromium ## Install Jalon and its development tools in .venv (uv, from uv.lock)
	$(UV) sync --frozen --quiet --compile-bytecode
	@# Bytecode compiled once at install, as pip does: the command line starts in 0.3 s, not 1 s.
	$(PY) -m compileall -q src >/dev/null

# The browser tests drive Debian's Chromium, the audits its headless shell (same sources, a third
# of the processor time per page: docs/audits.md, "Speed"); a browser is never downloaded.
# On a busy machine another apt-get or unattended-upgrades may hold the package manager's lock:
# apt-get then waits for it (up to APT_LOCK_TIMEOUT seconds, apt >= 1.9.11) instead of failing.
APT_LOCK_TIMEOUT ?= 600
APT_GET := DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=$(APT_LOCK_TIMEOUT)
CHROMIUM_PACKAGES := chromium chromium-headless-shell
chromium: ## Check that Chromium is installed (apt-get install chromium chromium-headless-shell when root)
	@if [ -x "$(CHROMIUM)" ] && [ -x /usr/bin/chromium-headless-shell ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's $(CHROMIUM_PACKAGES) (waiting for apt's lock if held)…"; \
		$(APT_GET) install -y -q $(CHROMIUM_PACKAGES) >/dev/null \
		|| { $(APT_GET) update -q >/dev/null && $(APT_GET) install -y -q $(CHROMIUM_PACKAGES) >/dev/null; }; \
	else \
		echo "note: $(CHROMIUM) or /usr/bin/chromium-headless-shell is missing: the browser tests"; \
		echo "      are skipped without the first, the audits use the first without the second."; \
		echo "      Install them with: sudo apt-get install $(CHROMIUM_PACKAGES)"; \
	fi

demo: install ## Run the demo platform on http://127.0.0.1:8000 (seeded; Ctrl-C stops it)
	$(JALON) demo --host $(HOST) --port $(PORT)

serve: install ## Run the web server (gunicorn) on HOST:PORT, without the demo data
	$(JALON) manage migrate --noinput
	$(JALON) serve --host $(HOST) --port $(PORT)

worker: install ## Run the background task worker
	$(JALON) worker

# The tests that drive no browser run in one process per core (pytest-xdist; pytest-django gives
# each its own test database): twice as fast on two cores. The browser tests run after them in
# one process: Chromium already keeps the cores busy (figures: README, "Development").
PYTEST_WORKERS ?= auto

test: install ## Run the whole test suite (browser tests included), then the linters
	$(PY) -m pytest -m "not browser" -n $(PYTEST_WORKERS)
	$(PY) -m pytest -m browser
	$(MAKE) --no-print-directory lint

test-fast: install ## The test suite without the browser tests
	$(PY) -m pytest -m "not browser" -n $(PYTEST_WORKERS)

test-browser: install ## Only the browser tests (axe, weight, EcoIndex…), with screenshots in test-artifacts/
	JALON_SCREENSHOTS=1 $(PY) -m pytest tests/browser -m browser

# The browser suite checks pages (axe, weight, EcoIndex, keyboard, overflow), the same whatever
# the database: it runs once, on SQLite, in `make test`; PostgreSQL runs everything else.
test-postgres: install ## The test suite on PostgreSQL, browser tests aside (PG_URL; pytest-django creates test_jalon)
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -m "not browser" -n $(PYTEST_WORKERS)

# The worker tests on Redis through RQ (marker `redis`: tests/taskqueues.py), database 15 of the
# server on 127.0.0.1:6379 (JALON_TEST_REDIS_URL), flushed around each test; skipped with a
# reason when no server answers. Skipped by `make test` and `make test-postgres`: CI runs them
# once, after those (.ci/run).
test-redis: install ## The worker tests on Redis (RQ): the task queue JALON_TASK_BACKEND=rq
	JALON_TEST_REDIS=1 $(PY) -m pytest -m redis

lint: install ## ruff, mypy (django-stubs; strict on the core) and the import contracts (lint-imports)
	.venv/bin/ruff check src tests benchmarks
	.venv/bin/mypy src/jalon
	.venv/bin/lint-imports --no-cache

bench: install ## Benchmarks: the engine (1,000,000 devices) and the web platform (results in benchmarks/README.md)
	$(PY) benchmarks/bench_footprint.py
	$(PY) benchmarks/bench_web.py
	$(PY) benchmarks/bench_datacentres.py
	@# Audits against ecoindex-cli (its own venv, benchmarks/.ecoindex-cli-venv, built with uv
	@# when missing; skipped with a message when it cannot be) and a 200-page campaign: ~30 min.
	$(PY) benchmarks/bench_audits.py
	$(PY) benchmarks/bench_algorithms.py
	$(PY) benchmarks/bench_gdpr.py
	$(PY) benchmarks/bench_budget.py
	$(PY) benchmarks/bench_feedback.py
	$(PY) benchmarks/bench_reports.py
	$(PY) benchmarks/eval_faq.py
	$(PY) benchmarks/bench_import.py

# About 13 minutes (a 10-minute soak): not part of `make bench`. Needs PostgreSQL (JALON_BENCH_PG,
# default postgres://postgres@127.0.0.1:5432/jalon_bench_scale, recreated) and wrk (Debian's
# package; without it, Python threads). Prints a SUMMARY with the load average: measure on an
# idle machine.
bench-scale: install ## Public pages at scale on PostgreSQL: 400 members, 50 readers, 10-minute soak (benchmarks/README.md)
	$(PY) benchmarks/bench_scale_public.py --members 400 --devices 10000 --duration 30 --soak 600

clean: ## Remove the virtual environment and caches
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache

# An operator at scale (issue 10): 400 members × 10,000 devices (4 million assets) on PostgreSQL
# (PG_BENCH_URL, trust auth), its dashboard and peers page, every footprint recomputed by two
# workers. Long (generation ~10 min, recompute up to 10 min): not part of `make bench`.
PG_BENCH_URL ?= postgres://postgres@127.0.0.1:5432/jalon_bench_operator
.PHONY: bench-operator
bench-operator: install ## Operator at scale on PostgreSQL: 400 members × 10,000 devices (long)
	$(PY) benchmarks/bench_operator_scale.py --members 400 --devices 10000 --db $(PG_BENCH_URL)

# The readers' fuzz suite (tests/fuzz/): the whole corpus of malformed files, long hypothesis
# runs and the peak memory of the pathological large inputs; `make test` runs a sample of it.
.PHONY: fuzz
fuzz: install ## Fuzz the inventory readers: whole corpus, long property runs, memory of big inputs
	JALON_FUZZ=1 $(PY) -m pytest -p no:cacheprovider tests/fuzz
	$(PY) tests/fuzz/atheris_readers.py -max_total_time=120 -timeout=30 -rss_limit_mb=1024
