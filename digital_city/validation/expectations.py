"""Validate every mart with its Great Expectations suite (declared in digital_city/validation/suites.py).

GX's SQL datasource returns no rows on DuckDB, so each mart is read through a read-only DuckDB connection into
pandas and validated as a dataframe asset, in an ephemeral context that writes nothing to disk. Cross-table
references become value-set expectations whose set is read from the referenced mart.

One line per suite: `<mart>: <passed>/<total> expectations`, then the failed expectations. Exit 1 when any
expectation fails, a mart has no suite, or a suite names a mart that does not exist.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from digital_city.validation.suites import SUITES, Suite

MART_SCHEMA = "marts"
SHOWN_VALUES = 5


@dataclass(frozen=True)
class Check:
    label: str  # how the report names the expectation, e.g. "unique(program_key)"
    kind: str  # the GX expectation class name
    kwargs: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    mart: str
    passed: int
    total: int
    failures: list[str]

    @property
    def line(self) -> str:
        return f"{self.mart}: {self.passed}/{self.total} expectations"


def read_marts(database: Path) -> dict[str, pd.DataFrame]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        names = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? and table_type = 'BASE TABLE' order by table_name",
                [MART_SCHEMA],
            ).fetchall()
        ]
        return {name: con.execute(f'select * from {MART_SCHEMA}."{name}"').df() for name in names}
    finally:
        con.close()


def checks_for(suite: Suite, frames: dict[str, pd.DataFrame]) -> list[Check]:
    """The suite's declarations as expectations; a reference reads its allowed values from the referenced mart."""
    checks = [
        Check(
            f"row count {suite.min_rows}..{suite.max_rows if suite.max_rows is not None else ''}",
            "ExpectTableRowCountToBeBetween",
            {"min_value": suite.min_rows, "max_value": suite.max_rows},
        )
    ]
    for column in suite.keys:
        checks.append(Check(f"not null({column})", "ExpectColumnValuesToNotBeNull", {"column": column}))
        checks.append(Check(f"unique({column})", "ExpectColumnValuesToBeUnique", {"column": column}))
    for column in suite.not_null:
        checks.append(Check(f"not null({column})", "ExpectColumnValuesToNotBeNull", {"column": column}))
    for columns in suite.compound_keys:
        checks.append(
            Check(f"unique({', '.join(columns)})", "ExpectCompoundColumnsToBeUnique", {"column_list": list(columns)})
        )
    frame = frames.get(suite.mart)
    for column, (low, high) in suite.ranges.items():
        if frame is not None and column in frame and str(frame[column].dtype).startswith("datetime"):
            # Dates arrive as datetime64; bounds are declared as ISO strings.
            low, high = (None if b is None else pd.Timestamp(b) for b in (low, high))
        checks.append(
            Check(
                f"{column} between {_bound(low)} and {_bound(high)}",
                "ExpectColumnValuesToBeBetween",
                {"column": column, "min_value": low, "max_value": high},
            )
        )
    for column, values in suite.value_sets.items():
        checks.append(
            Check(
                f"{column} in {sorted(values)}",
                "ExpectColumnValuesToBeInSet",
                {"column": column, "value_set": list(values)},
            )
        )
    for reference in suite.references:
        target = frames.get(reference.mart)
        allowed = [] if target is None else sorted(target[reference.ref_column].dropna().unique().tolist())
        checks.append(
            Check(
                f"{reference.column} exists in {reference.mart}.{reference.ref_column}",
                "ExpectColumnValuesToBeInSet",
                {"column": reference.column, "value_set": allowed},
            )
        )
    for total in suite.totals:
        target = frames.get(total.mart)
        if target is None:
            continue  # reported as a missing referenced table
        expected = float(target[total.of_column].sum())
        checks.append(
            Check(
                f"{total.column} equals sum of {total.mart}.{total.of_column} ({expected:g})",
                "ExpectColumnValuesToBeBetween",
                {"column": total.column, "min_value": expected, "max_value": expected},
            )
        )
    return checks


def _bound(value: Any) -> str:
    return value.date().isoformat() if hasattr(value, "date") and callable(value.date) else str(value)


def _describe(result: dict[str, Any], exception: dict[str, Any] | None = None) -> str:
    if exception and exception.get("raised_exception"):
        return f"could not be evaluated: {exception.get('exception_message')}"
    if "observed_value" in result:
        return f"observed {result['observed_value']}"
    if "unexpected_count" in result:
        shown = result.get("partial_unexpected_list", [])[:SHOWN_VALUES]
        return f"{result['unexpected_count']} unexpected value(s), e.g. {shown}"
    return str(result)[:200]


def validate_frames(frames: dict[str, pd.DataFrame], suites: Sequence[Suite]) -> list[Outcome]:
    # GX reads this flag at import time; unset, it sends usage statistics.
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # The ephemeral context logs its throwaway docs directory at INFO: noise in a one-line-per-suite report.
    logging.disable(logging.INFO)
    try:
        context = gx.get_context(mode="ephemeral")
    finally:
        logging.disable(logging.NOTSET)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    datasource = context.data_sources.add_pandas("marts")
    outcomes = []
    for suite in suites:
        frame = frames.get(suite.mart)
        if frame is None:
            outcomes.append(Outcome(suite.mart, 0, 1, [f"table {MART_SCHEMA}.{suite.mart} does not exist"]))
            continue
        missing_refs = sorted({r.mart for r in (*suite.references, *suite.totals) if r.mart not in frames})
        checks = checks_for(suite, frames)
        gx_suite = context.suites.add(gx.ExpectationSuite(name=suite.mart))
        for position, check in enumerate(checks):
            gx_suite.add_expectation(getattr(gxe, check.kind)(**check.kwargs, meta={"position": position}))
        batch = datasource.add_dataframe_asset(suite.mart).add_batch_definition_whole_dataframe("whole")
        result = batch.get_batch(batch_parameters={"dataframe": frame}).validate(gx_suite)
        failures = [f"referenced table {MART_SCHEMA}.{name} does not exist" for name in missing_refs]
        for item in sorted(result.results, key=lambda r: r.expectation_config.meta["position"]):
            if not item.success:
                check = checks[item.expectation_config.meta["position"]]
                failures.append(f"{check.label} [{check.kind}]: {_describe(item.result, item.exception_info)}")
        passed = sum(1 for item in result.results if item.success)
        outcomes.append(Outcome(suite.mart, passed, len(checks), failures))
    return outcomes


def unsuited(frames: dict[str, pd.DataFrame], suites: Sequence[Suite]) -> list[str]:
    declared = {suite.mart for suite in suites}
    return [name for name in frames if name not in declared]


def validate(database: Path, suites: Sequence[Suite] = SUITES) -> int:
    frames = read_marts(database)
    outcomes = validate_frames(frames, suites)
    for outcome in outcomes:
        print(outcome.line + ("" if not outcome.failures else "  FAILED"))
        for failure in outcome.failures:
            print(f"  - {failure}")
    without_suite = unsuited(frames, suites)
    for name in without_suite:
        print(f"{name}: no expectation suite: declare one in digital_city/validation/suites.py")
    failed = [o.mart for o in outcomes if o.failures] + without_suite
    if failed:
        print(f"great expectations failed for: {', '.join(failed)}", file=sys.stderr)
        return 1
    total = sum(o.total for o in outcomes)
    print(f"great expectations passed: {len(outcomes)} suites, {total} expectations")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="the DuckDB file to validate (opened read-only)")
    args = parser.parse_args(argv)
    if not args.db.is_file():
        print(f"database {args.db} does not exist: run the dbt build first", file=sys.stderr)
        return 2
    return validate(args.db)

