"""Run a dbt command and treat "selected nothing" as the error it is in CI.

dbt only warns when a selector matches no node, so a typo in `--select` would pass silently; commands that execute
nodes get dbt's own `--warn-error-options '{"error": ["NoNodesForSelectionCriteria"]}'` (unless `--warn-error`,
which dbt will not combine with it, already makes every warning an error).
After a failed build or test, each failed test is shown with the model or seed it tests, its file, the column,
the rule and up to five of the rows that broke it, so a failure can be fixed without opening the database.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from dbt.cli.main import dbtRunner, dbtRunnerResult

# Commands that execute nodes: for these a selector that matches nothing is an error.
NODE_COMMANDS = {"build", "run", "seed", "test", "snapshot"}
EMPTY_SELECTION_IS_AN_ERROR = ["--warn-error-options", '{"error": ["NoNodesForSelectionCriteria"]}']
FAILED_STATUSES = {"fail", "error"}
ROW_LIMIT = 5
VALUE_WIDTH = 60



@dataclass(frozen=True)
class FailedTest:
    name: str
    status: str
    rule: str
    tested: str  # "<resource type> <name>"
    tested_path: str
    column: str | None
    defined_in: str
    message: str
    sql: str | None


@dataclass(frozen=True)
class FailingRows:
    columns: list[str]
    rows: list[list[Any]]
    error: str | None = None


def with_empty_selection_check(args: list[str]) -> list[str]:
    """`args` with dbt's flag that fails a node command whose selector matches nothing."""
    if not args or args[0] not in NODE_COMMANDS:
        return args
    if any(a == "--warn-error" or a.startswith("--warn-error-options") for a in args):
        return args
    return [*args, *EMPTY_SELECTION_IS_AN_ERROR]


def option(args: list[str], name: str) -> str | None:
    for position, arg in enumerate(args):
        if arg == name and position + 1 < len(args):
            return args[position + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def manifest_path(args: list[str]) -> Path:
    project = Path(option(args, "--project-dir") or os.environ.get("DBT_PROJECT_DIR") or ".")
    target = option(args, "--target-path") or os.environ.get("DBT_TARGET_PATH") or "target"
    return project / target / "manifest.json" if not Path(target).is_absolute() else Path(target) / "manifest.json"


def tested_column(node: Any) -> str | None:
    if getattr(node, "column_name", None):
        return str(node.column_name)
    kwargs = getattr(getattr(node, "test_metadata", None), "kwargs", None) or {}
    columns = kwargs.get("columns") or kwargs.get("combination_of_columns")
    return ", ".join(columns) if columns else None


def failed_tests(result: dbtRunnerResult, nodes: dict[str, dict[str, Any]]) -> list[FailedTest]:
    """The failed test nodes of a run; `nodes` maps unique ids to manifest entries (seeds, models, sources)."""
    failed = []
    for run_result in getattr(result.result, "results", None) or []:
        node = run_result.node
        if getattr(node, "resource_type", None) != "test" or str(run_result.status) not in FAILED_STATUSES:
            continue
        # A singular test has no attached node: name everything it reads.
        tested_ids = [node.attached_node] if getattr(node, "attached_node", None) else list(node.depends_on.nodes)
        tested_nodes = [nodes.get(i, {"name": i}) for i in tested_ids] or [{"name": "?"}]
        metadata = getattr(node, "test_metadata", None)
        failed.append(
            FailedTest(
                name=node.name,
                status=str(run_result.status),
                rule=metadata.name if metadata else "singular test",
                tested=", ".join(f"{t.get('resource_type', 'node')} {t['name']}" for t in tested_nodes),
                tested_path=", ".join(t.get("original_file_path", "?") for t in tested_nodes),
                column=tested_column(node),
                defined_in=node.original_file_path,
                message=str(run_result.message or ""),
                sql=getattr(node, "compiled_code", None) if str(run_result.status) == "fail" else None,
            )
        )
    return failed


def release_dbt_database() -> None:
    """Close the handle dbt-duckdb keeps open after a run: while it is open, DuckDB refuses a read-only one."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:
        return
    environment = getattr(DuckDBConnectionManager, "_ENV", None)
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()


def fetch_failing_rows(database: str, sqls: list[str], limit: int = ROW_LIMIT) -> list[FailingRows]:
    if not sqls:
        return []
    release_dbt_database()
    try:
        con = duckdb.connect(database, read_only=True)
    except duckdb.Error as error:
        return [FailingRows([], [], f"database not opened: {error}") for _ in sqls]
    fetched = []
    try:
        for sql in sqls:
            try:
                cursor = con.execute(f"select * from (\n{sql}\n) as failing_rows limit {limit}")
                columns = [d[0] for d in cursor.description]
                fetched.append(FailingRows(columns, [list(row) for row in cursor.fetchall()]))
            except duckdb.Error as error:
                fetched.append(FailingRows([], [], str(error).splitlines()[0]))
    finally:
        con.close()
    return fetched


def _cell(value: Any) -> str:
    text = "null" if value is None else str(value)
    return text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 1] + "…"


def format_failure(test: FailedTest, rows: FailingRows | None) -> str:
    lines = [
        f"{test.status.upper()} {test.name}",
        f"  tested: {test.tested} ({test.tested_path})",
        f"  column: {test.column or '(whole table)'}",
        f"  rule:   {test.rule} (defined in {test.defined_in})",
    ]
    if test.message:
        lines.append(f"  result: {test.message.strip().splitlines()[0]}")
    if rows is not None:
        if rows.error:
            lines.append(f"  failing rows not shown: {rows.error}")
        elif rows.rows:
            lines.append(f"  first {len(rows.rows)} failing row(s):")
            for row in rows.rows:
                lines.append("    " + ", ".join(f"{c}={_cell(v)}" for c, v in zip(rows.columns, row, strict=True)))
    return "\n".join(lines)


def report_failures(result: dbtRunnerResult, args: list[str]) -> None:
    path = manifest_path(args)
    nodes: dict[str, dict[str, Any]] = {}
    if path.is_file():
        manifest = json.loads(path.read_text(encoding="utf-8"))
        nodes = {**manifest.get("nodes", {}), **manifest.get("sources", {})}
    failed = failed_tests(result, nodes)
    if not failed:
        return
    database = os.environ.get("DIGITAL_CITY_WORK_DB")
    with_sql = [t for t in failed if t.sql]
    fetched: dict[str, FailingRows] = {}
    if database:
        rows = fetch_failing_rows(database, [t.sql for t in with_sql if t.sql])
        fetched = dict(zip([t.name for t in with_sql], rows, strict=True))
    print(f"\n{len(failed)} failed test(s):", file=sys.stderr)
    for test in failed:
        print(format_failure(test, fetched.get(test.name)), file=sys.stderr)


def run(args: list[str], callbacks: list[Callable[[Any], None]] | None = None) -> int:
    args = with_empty_selection_check(args)
    result = dbtRunner(callbacks=callbacks or []).invoke(args)
    # The pipeline's next steps open the database read-only in this process.
    release_dbt_database()
    if result.exception is not None:
        print(f"dbt {' '.join(args)} failed: {result.exception}", file=sys.stderr)
        return 2
    if not result.success and args and args[0] in {"build", "test"}:
        report_failures(result, args)
    return 0 if result.success else 1


def main(argv: list[str] | None = None) -> int:
    return run(sys.argv[1:] if argv is None else argv)

