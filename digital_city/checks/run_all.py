"""Every check the project has, in order, stopping at the first that fails, with a summary of what ran."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from digital_city import locks
from digital_city.project import ROOT
from digital_city.publishing.files import remove_tree

BIN = Path(sys.executable).parent
CI_DIR = ROOT / "build" / "ci"
CI_DB = CI_DIR / "digital_city.duckdb"
# The CI build publishes here, as `make build` publishes to warehouse/: the release the later checks read.
CI_WAREHOUSE = CI_DIR / "warehouse"


@dataclass(frozen=True)
class Check:
    name: str
    command: list[str]
    extra_env: tuple[tuple[str, str], ...] = ()


def checks() -> list[Check]:
    python = str(BIN / "python")
    return [
        # Before pytest, so the DuckDB 1.x compatibility test in digital_city/tests/test_publish.py runs instead of skipping.
        Check("DuckDB 1.x client (.venv-compat)", ["make", "--no-print-directory", "compat"]),
        # Before pytest, so digital_city/tests/test_dashboards.py runs Superset instead of skipping.
        Check("Apache Superset (.venv-superset)", ["make", "--no-print-directory", "superset"]),
        # Before pytest and the contract test below: datacontract-cli in its own environment.
        Check("datacontract-cli (.venv-contract)", ["make", "--no-print-directory", "contract-tools"]),
        # The real pipeline, as `make build` runs it, with dbt warnings as errors: seed check, dbt build, then a
        # release staged, validated by Great Expectations and switched in under build/ci/warehouse.
        Check(
            "build --warn-error (target ci): seed check, dbt build, publish",
            [python, "-m", "digital_city", "build", "--target", "ci", "--warn-error",
             "--work-db", str(CI_DB), "--publish-dir", str(CI_WAREHOUSE)],
        ),
        # Reads target/manifest.json, which the build above just wrote; rules no tool checks are in pytest.
        Check("dbt-bouncer (structure rules, dbt-bouncer.yml)",
              [str(BIN / "dbt-bouncer"), "run", "--config-file", str(ROOT / "dbt-bouncer.yml")]),
        # The project's public interface (the manifest the build wrote) against the committed contract: a breaking
        # change fails naming mart and column, an additive one asks for `make release` (docs/contracts.md).
        Check("contract check (contracts/digital_city.datacontract.yaml)",
              [python, "-m", "digital_city", "contract", "check", "--manifest", str(ROOT / "target" / "manifest.json")]),
        # The committed contract against the release the build published: exact types, then datacontract test
        # (required columns, uniqueness, declared quality rules) on the DuckDB file and the Parquet files.
        Check("datacontract test (build/ci/warehouse)",
              [python, "-m", "digital_city", "contract", "test", "--release", str(CI_WAREHOUSE / "current")]),
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
        # One worker per core, each test file whole on one worker (files share module fixtures: a PostgreSQL
        # cluster, a Superset server); the slowest tests are listed so the next speed-up starts from a measurement.
        Check("pytest", [python, "-m", "pytest", "-q", "-n", "auto", "--dist", "loadfile", "--durations", "15"]),
    ]


def run_checks(selected: list[Check]) -> int:
    CI_DIR.mkdir(parents=True, exist_ok=True)
    # One `make test` at a time: a second one waits here, saying for whom, instead of deleting build/ci/ under the
    # first. The checks it starts inherit the lock (digital_city/locks.py).
    with locks.hold(CI_DB, f"the CI database {CI_DB.relative_to(ROOT)} (another `make test`?)"):
        return run_locked(selected)


def run_locked(selected: list[Check]) -> int:
    env = dict(os.environ, DIGITAL_CITY_WORK_DB=str(CI_DB))
    # Each run starts from an empty database and warehouse, so nothing left over can hide a failure.
    for stale in CI_DIR.iterdir():
        if stale.name != locks.lock_path_for(CI_DB).name:
            remove_tree(stale) if stale.is_dir() and not stale.is_symlink() else stale.unlink()
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

