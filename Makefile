# Two entry points for a fresh machine with python3 and make: `make build` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The stamp holds the lock's hash, so an edited lock re-syncs the environment.
STAMP := $(VENV)/.synced-$(shell sha256sum requirements.lock | cut -c1-16)
# The files GX's Data Docs pages load from CDNs, installed by npm from package.json and package-lock.json (npm checks
# each file against the lock); digital_city/validation/data_docs.py copies them beside the pages.
DATA_DOCS_ASSETS := $(VENV)/share/data-docs
DATA_DOCS_STAMP := $(DATA_DOCS_ASSETS)/node_modules/.package-lock.json

export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := False

WORK_DB ?= build/work/digital_city.duckdb
PUBLISH_DIR ?= warehouse
CI_DB := build/ci/digital_city.duckdb
DBT_TARGET_PATH ?= target
DOCS_DIR ?= build/docs
REPORT_OUT ?= build/report/index.html

.PHONY: help install release build rollback test test-spark bench docs report dashboards dashboards-stop postgres postgres-stop postgres-build clean

help:
	@echo "make build   install, dbt build into $(WORK_DB), validate, publish to $(PUBLISH_DIR)/"
	@echo "make rollback  switch $(PUBLISH_DIR)/ back to the release before the live one (python -m digital_city releases lists them)"
	@echo "make test    install and run every check (build --warn-error, sqlfluff, pytest)"
	@echo "make test-spark  build every node on Apache Spark (local, in-process) and compare its marts with DuckDB's"
	@echo "make bench   print install/parse/build timings, node counts and readers under load for this machine"
	@echo "make docs    dbt docs as one offline HTML file: $(DOCS_DIR)/index.html"
	@echo "make report  the visual report (Vega-Lite charts drawn offline, with tooltips) from the published warehouse: $(REPORT_OUT)"
	@echo "make compat  the DuckDB 1.x client in .venv-compat/ (make test builds it too)"
	@echo "make release  rewrite contracts/digital_city.datacontract.yaml from the project (refuses a breaking change; docs/contracts.md)"
	@echo "make contract-tools   datacontract-cli in .venv-contract/ (make test builds it too)"
	@echo "make dashboards       Apache Superset on 127.0.0.1 with the two dashboards over $(PUBLISH_DIR)/ (after make build)"
	@echo "make dashboards-stop  stop that Superset server"
	@echo "make postgres         start the team-server PostgreSQL (cluster under build/postgres/, 127.0.0.1 and a unix socket)"
	@echo "make postgres-build   build the warehouse on it: staging schemas, tested, switched in with one transaction"
	@echo "make postgres-stop    stop that server"

install: $(STAMP) $(DATA_DOCS_STAMP)

$(STAMP): requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "python3 must be 3.11, found " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/pip install --quiet --disable-pip-version-check "$$(grep -m1 '^uv==' requirements.lock | cut -d' ' -f1)"
	@$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.lock
	@rm -f $(VENV)/.synced-* && touch $@
	@echo "environment synced from requirements.lock"

# npm installs beside its package.json: the three files are copied into the venv, which every project copy shares.
$(DATA_DOCS_STAMP): package.json package-lock.json .npmrc | $(STAMP)
	@mkdir -p $(DATA_DOCS_ASSETS) && cp package.json package-lock.json .npmrc $(DATA_DOCS_ASSETS)/
	@cd $(DATA_DOCS_ASSETS) && npm ci --ignore-scripts --loglevel=error >/dev/null
	@echo "Data Docs assets installed by npm into $(DATA_DOCS_ASSETS) from package-lock.json"

# One rule for every side environment: $(call side_env,TARGET,NAME) makes `make TARGET` sync .venv-NAME from
# requirements-NAME.lock (uv from .venv; a re-synced .venv does not make it stale). Each exists because its locked
# dependencies cannot share .venv (docs/environments.md):
#   compat    the DuckDB 1.1 client that must open the published file (test_publish.py): duckdb 1.1.3 vs 2.0.1
#   superset  Apache Superset (make dashboards): its Flask, SQLAlchemy and pandas pins conflict with dbt's
#   contract  datacontract-cli[duckdb] 1.2.8 (datacontract test in make test): it requires duckdb <1.6
#   spark     dbt-spark with pyspark (make test-spark): no pin conflicts, but Great Expectations imports pyspark
#             wherever it is installed, slowing every publish in .venv and printing pyspark's warnings
define side_env
$(1): .venv-$(2)/.synced-$$(shell sha256sum requirements-$(2).lock | cut -c1-16)
.venv-$(2)/.synced-%: requirements-$(2).lock | $$(STAMP)
	@test -x .venv-$(2)/bin/python || $$(BIN)/uv venv --quiet --python $$(BIN)/python .venv-$(2)
	@$$(BIN)/uv pip sync --quiet --python .venv-$(2)/bin/python requirements-$(2).lock
	@rm -f .venv-$(2)/.synced-* && touch $$@
	@echo ".venv-$(2) synced from requirements-$(2).lock"
.PHONY: $(1)
endef
$(eval $(call side_env,compat,compat))
$(eval $(call side_env,superset,superset))
$(eval $(call side_env,contract-tools,contract))
$(eval $(call side_env,spark-env,spark))

# The one step that rewrites the committed public interface (dbt parse, then compare): docs/contracts.md.
release: install
	@$(BIN)/python -m digital_city contract release

# seed check -> dbt build (after an edit only what changed and its downstream, in the kept $(WORK_DB); else all of it,
# from an empty file, saying why) -> publish (stage, Great Expectations, switch); a failed or killed build leaves
# $(PUBLISH_DIR)/ serving the release it served (docs/releases.md).
# digital_city/tests/test_bad_input.py runs this same entry point.
build: install
	@mkdir -p $(dir $(WORK_DB)) build/tmp
	$(BIN)/python -m digital_city build --work-db $(WORK_DB) --publish-dir $(PUBLISH_DIR) $(if $(FORCE),--force)

rollback: install
	@$(BIN)/python -m digital_city rollback --publish-dir $(PUBLISH_DIR)

test: install
	@$(BIN)/python -m digital_city test

# The warehouse on Apache Spark (docs/spark.md), a CI step of its own after `make test`: every node built on the
# spark target (Spark in-process, Parquet under build/spark/), then every mart compared with DuckDB's, row by row.
test-spark: install spark-env
	@.venv-spark/bin/python -m pytest digital_city/tests/test_spark.py -q -s -p no:cacheprovider

# Then readers of the DuckDB release, PostgreSQL and Superset while releases switch in (after make build).
bench: install superset
	@$(BIN)/python -m digital_city bench
	@$(BIN)/python -m digital_city load --publish-dir $(PUBLISH_DIR)

# Uses the catalog of the last build in $(WORK_DB); run `make build` first for column types.
docs: install
	@mkdir -p $(dir $(WORK_DB)) build/tmp
	@DIGITAL_CITY_WORK_DB=$(WORK_DB) $(BIN)/python -m digital_city docs --target-path $(DBT_TARGET_PATH) --out $(DOCS_DIR)/index.html

# Reads the published warehouse read-only; `make build` publishes it.
report: install
	@test -f $(PUBLISH_DIR)/digital_city.duckdb || { echo "make report: $(PUBLISH_DIR)/digital_city.duckdb does not exist: run 'make build' first to publish the warehouse" >&2; exit 1; }
	$(BIN)/python -m digital_city report --db $(PUBLISH_DIR)/digital_city.duckdb --out $(REPORT_OUT)

# Serves the published warehouse ($(PUBLISH_DIR)/digital_city.duckdb, read-only); state and secrets in build/superset/.
dashboards: install superset
	@$(BIN)/python -m digital_city dashboards --publish-dir $(PUBLISH_DIR)

dashboards-stop: install
	@$(BIN)/python -m digital_city dashboards --stop

# The warehouse on PostgreSQL (docs/postgres.md): secrets in build/postgres/secrets/, never committed.
postgres: install
	@$(BIN)/python -m digital_city postgres start

postgres-build: install
	@mkdir -p build/tmp
	@$(BIN)/python -m digital_city postgres build

postgres-stop: install
	@$(BIN)/python -m digital_city postgres stop

clean:
	@if [ -x $(BIN)/python ]; then $(BIN)/python -m digital_city postgres stop; fi
	rm -rf build target logs
