# Two entry points for a fresh machine with python3 and make: `make build` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The stamp holds the lock's hash, so an edited lock re-syncs the environment.
STAMP := $(VENV)/.synced-$(shell sha256sum requirements.lock | cut -c1-16)

export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := False

WORK_DB ?= build/work/digital_city.duckdb
PUBLISH_DIR ?= warehouse
CI_DB := build/ci/digital_city.duckdb

.PHONY: help install build test dbt-test lint pytest bench clean

help:
	@echo "make build   install, dbt build into $(WORK_DB), validate, publish to $(PUBLISH_DIR)/"
	@echo "make test    install and run every check (dbt build --warn-error, sqlfluff, pytest)"
	@echo "make bench   print install/parse/build timings and node counts for this machine"

install: $(STAMP)

$(STAMP): requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "python3 must be 3.11, found " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/pip install --quiet --disable-pip-version-check "$$(grep -m1 '^uv==' requirements.lock | cut -d' ' -f1)"
	@$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.lock
	@rm -f $(VENV)/.synced-* && touch $@
	@echo "environment synced from requirements.lock"

build: install
	@mkdir -p $(dir $(WORK_DB)) build/tmp
	@rm -f $(WORK_DB) $(WORK_DB).wal
	DCW_WORK_DB=$(WORK_DB) $(BIN)/python -m dcw.run_dbt build
	$(BIN)/python -m dcw.publish --work-db $(WORK_DB) --publish-dir $(PUBLISH_DIR)

test: install
	@$(BIN)/python -m dcw.check_all

bench: install
	@$(BIN)/python -m dcw.bench

clean:
	rm -rf build target logs
