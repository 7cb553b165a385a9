"""The project's command line: every make target that runs Python calls one of these commands.

    python -m digital_city <command> [options]      (python -m digital_city --help lists them)

Each command lives in the package of its job; this table is the one place that names them.
"""

from __future__ import annotations

import importlib
import sys

# command -> ("module" whose main(argv) runs it, or "module:function", what it does)
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("digital_city.pipeline.build", "seed check, dbt build, validate and publish a release (make build)"),
    "test": ("digital_city.checks.run_all", "every check, in order, with a summary (make test)"),
    "seed-check": ("digital_city.pipeline.seed_check", "check every seed CSV against its declared column types"),
    "dbt": ("digital_city.pipeline.dbt_runner", "run a dbt command; name each failed test's file, column and rows"),
    "publish": ("digital_city.pipeline.publish", "stage, validate and switch in a work database as a new release"),
    "releases": ("digital_city.publishing.rollback:releases_main", "list the kept releases (--verify: check hashes)"),
    "rollback": ("digital_city.publishing.rollback:rollback_main", "switch back to the previous release (make rollback)"),
    "validate": ("digital_city.validation.expectations", "run the Great Expectations suites on a warehouse file"),
    "mf": ("digital_city.semantic_layer", "run MetricFlow against a chosen target path and database"),
    "docs": ("digital_city.presentation.docs_site", "dbt docs as one offline HTML file (make docs)"),
    "report": ("digital_city.presentation.report", "the visual report from the published warehouse (make report)"),
    "dashboards": ("digital_city.dashboards.command", "serve the Superset dashboards on 127.0.0.1 (make dashboards)"),
    "postgres": ("digital_city.postgres.command", "the warehouse on a PostgreSQL server: start|stop|status|build (make postgres)"),
    "contract": (
        "digital_city.contracts.command",
        "the public interface: check (make test), release (make release), test (datacontract test of a release)",
    ),
    "spark": ("digital_city.spark", "build the warehouse on Apache Spark, in-process (make test-spark; docs/spark.md)"),
    "bench": ("digital_city.bench", "time install, parse and build on this machine (make bench)"),
    "load": ("digital_city.load", "readers of DuckDB, PostgreSQL and Superset while releases switch in (make bench)"),
}


def usage() -> str:
    width = max(map(len, COMMANDS))
    lines = [f"  {name:<{width}}  {summary}" for name, (_, summary) in COMMANDS.items()]
    return "usage: python -m digital_city <command> [options]\n\ncommands:\n" + "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in {"-h", "--help", "help"}:
        print(usage())
        return 0 if args else 2
    command, rest = args[0], args[1:]
    if command not in COMMANDS:
        print(f"unknown command {command!r}\n\n{usage()}", file=sys.stderr)
        return 2
    module_name, _, function = COMMANDS[command][0].partition(":")
    entry = getattr(importlib.import_module(module_name), function or "main")
    sys.argv = [f"python -m digital_city {command}", *rest]
    return int(entry(rest) or 0)


if __name__ == "__main__":
    sys.exit(main())
