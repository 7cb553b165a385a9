"""Run several MetricFlow queries in one process: what `mf query` does, without paying mf's ~8 s start-up per query.

Started by warehouse_answers.metricflow() with DBT_PROJECT_DIR and DBT_PROFILES_DIR pointing at the throwaway mf
project that digital_city/semantic_layer.py builds (the chosen manifest, the database opened read-only). Reads
a JSON list of queries on stdin ({metrics, group_by, end_time, where}), writes a JSON list of tables on stdout
({columns, rows}): the same engine, manifest and request `mf query` builds from its options.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import json
import sys
from typing import Any


def cell(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def main() -> int:
    queries = json.load(sys.stdin)
    # dbt and MetricFlow print progress to stdout; only the JSON answer may go there.
    with contextlib.redirect_stdout(sys.stderr):
        from dbt_metricflow.cli.cli_configuration import CLIConfiguration
        from metricflow.engine.metricflow_engine import MetricFlowQueryRequest

        config = CLIConfiguration()
        config.setup(configure_file_logging=False)
        tables = []
        for query in queries:
            end = query.get("end_time")
            request = MetricFlowQueryRequest.create(
                metric_names=query["metrics"],
                group_by_names=query.get("group_by") or None,
                time_constraint_end=datetime.datetime.fromisoformat(end) if end else None,
                where_constraints=query.get("where") or None,
            )
            table = config.mf.query(mf_request=request).result_df
            tables.append(
                {"columns": list(table.column_names), "rows": [[cell(v) for v in row] for row in table.rows]}
            )
    json.dump(tables, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
