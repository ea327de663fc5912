# Jalon — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
PY := .venv/bin/python
JALON := .venv/bin/jalon

.DEFAULT_GOAL := help
.PHONY: help install demo test lint bench clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(UV):
	python3 -m pip install --user --quiet uv

install: $(UV) ## Install Jalon and its development tools in .venv (uv, from uv.lock)
	$(UV) sync --frozen --quiet

demo: install ## Print the footprint of the bundled demo authority
	$(JALON) demo

test: install ## Run the whole test suite, then the linters
	$(PY) -m pytest
	$(MAKE) --no-print-directory lint

lint: install ## ruff and mypy (strict on the core)
	.venv/bin/ruff check src tests benchmarks
	.venv/bin/mypy src/jalon/core

bench: install ## Benchmarks: 1,000,000 devices, and Boavizta per device (results in benchmarks/README.md)
	$(PY) benchmarks/bench_footprint.py

clean: ## Remove the virtual environment and caches
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache
