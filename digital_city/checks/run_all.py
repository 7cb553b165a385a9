"""Every check the project has, in order, stopping at the first that fails, with a summary of what ran."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from digital_city.project import ROOT

BIN = Path(sys.executable).parent
CI_DB = ROOT / "build" / "ci" / "digital_city.duckdb"


@dataclass(frozen=True)
class Check:
    name: str
    command: list[str]
    extra_env: tuple[tuple[str, str], ...] = ()


def checks() -> list[Check]:
    python = str(BIN / "python")
    return [
        # Before anything reads a seed: names the file, line and column of a bad value, where dbt names neither.
        Check("seed check", [python, "-m", "digital_city", "seed-check"]),
        # Before pytest, so the DuckDB 1.x compatibility test in digital_city/tests/test_publish.py runs instead of skipping.
        Check("DuckDB 1.x client (.venv-compat)", ["make", "--no-print-directory", "compat"]),
        # Before pytest, so digital_city/tests/test_dashboards.py runs Superset instead of skipping.
        Check("Apache Superset (.venv-superset)", ["make", "--no-print-directory", "superset"]),
        Check("dbt build --warn-error (target ci)", [python, "-m", "digital_city", "dbt", "build", "--target", "ci", "--warn-error"]),
        Check("great expectations (build/ci)", [python, "-m", "digital_city", "validate", "--db", str(CI_DB)]),
        # Checks run one process at a time, so nothing else holds build/ci's file when mf opens it (read-only anyway).
        Check(
            "metricflow validate-configs (build/ci)",
            [python, "-m", "digital_city", "mf", "--target", "ci", "--db", str(CI_DB), "--read-only", "--", "validate-configs"],
        ),
        # Two lint processes halve the time; their multiprocessing resource tracker warns about its own cleanup
        # at exit, which says nothing about the SQL.
        Check(
            "sqlfluff lint",
            [str(BIN / "sqlfluff"), "lint", "models", "analyses", "tests", "--processes", "2"],
            extra_env=(("PYTHONWARNINGS", "ignore::UserWarning:multiprocessing.resource_tracker"),),
        ),
        Check("pytest", [python, "-m", "pytest", "-q"]),
    ]


def run_checks(selected: list[Check]) -> int:
    env = dict(os.environ, DIGITAL_CITY_WORK_DB=str(CI_DB))
    # Each run starts from an empty database, so nothing left over from an earlier run can hide a failure.
    shutil.rmtree(CI_DB.parent, ignore_errors=True)
    CI_DB.parent.mkdir(parents=True)
    (ROOT / "build" / "tmp").mkdir(parents=True, exist_ok=True)
    summary: list[tuple[str, str, float]] = []
    failed = None
    for check in selected:
        print(f"\n=== {check.name}", flush=True)
        started = time.perf_counter()
        code = subprocess.call(check.command, cwd=ROOT, env={**env, **dict(check.extra_env)})
        elapsed = time.perf_counter() - started
        summary.append((check.name, "ok" if code == 0 else f"FAILED (exit {code})", elapsed))
        if code != 0:
            failed = check.name
            break
    print("\n=== summary")
    for name, status, elapsed in summary:
        print(f"{status:<18} {elapsed:7.1f}s  {name}")
    for check in selected[len(summary):]:
        print(f"{'not run':<18} {'':>8}  {check.name}")
    if failed:
        print(f"\nmake test failed at: {failed}")
        return 1
    print(f"\nall {len(summary)} checks passed")
    return 0


def main(argv: list[str] | None = None) -> int:
    return run_checks(checks())

