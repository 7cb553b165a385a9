"""Build the warehouse on PostgreSQL beside the live one, test it there, then switch it in with one transaction.

    1. drop any next_* schemas a failed build left behind
    2. dbt build (seeds, models, unit tests, data tests) as the owner role into next_raw, next_staging,
       next_intermediate and next_marts (DIGITAL_CITY_SCHEMA_PREFIX, macros/generate_schema_name.sql); dbt's `grants`
       (dbt_project.yml) give bi_reader select on each mart as it is built
    3. only if every node passed: one transaction grants bi_reader usage on next_marts, renames each live schema
       to old_<layer> and each next_<layer> to <layer>, and commits; readers see the old marts or the new ones,
       never a mix, and never a missing table
    4. the old schemas are dropped after the commit (waiting at most LOCK_TIMEOUT for readers still inside a
       transaction on them; if they keep them longer, the next build drops them)

A failed build stops before step 3: the live schemas are untouched. Views keep pointing at their tables through
a rename (PostgreSQL binds them by object id), so the switched-in staging and intermediate views read the switched-in
raw tables.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from digital_city.pipeline import seed_check
from digital_city.postgres.server import OWNER, READER, Cluster, PostgresError
from digital_city.project import ROOT

LAYERS = ("raw", "staging", "intermediate", "marts")
NEXT = "next_"
OLD = "old_"
LOCK_TIMEOUT = "30s"
BIN = Path(sys.executable).parent


@dataclass
class BuildResult:
    code: int
    seconds: float
    switched: bool
    statuses: dict[str, int] = field(default_factory=dict)  # "<resource type> <status>" -> count


def existing_schemas(connection) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("select nspname from pg_namespace")
        return {row[0] for row in cursor.fetchall()}


def drop_schemas(connection, prefix: str) -> None:
    present = existing_schemas(connection)
    with connection.cursor() as cursor:
        cursor.execute(f"set lock_timeout = '{LOCK_TIMEOUT}'")
        for layer in LAYERS:
            if prefix + layer in present:
                cursor.execute(f'drop schema "{prefix}{layer}" cascade')
    connection.commit()


def switch(connection) -> None:
    """One transaction: next_<layer> becomes <layer>, the live <layer> becomes old_<layer>."""
    present = existing_schemas(connection)
    missing = [NEXT + layer for layer in LAYERS if NEXT + layer not in present]
    if missing:
        raise PostgresError(f"nothing to switch in: {', '.join(missing)} missing")
    with connection.cursor() as cursor:
        cursor.execute(f"set local lock_timeout = '{LOCK_TIMEOUT}'")
        cursor.execute(f'grant usage on schema "{NEXT}marts" to {READER}')
        for layer in LAYERS:
            if layer in present:
                cursor.execute(f'alter schema "{layer}" rename to "{OLD}{layer}"')
            cursor.execute(f'alter schema "{NEXT}{layer}" rename to "{layer}"')
    connection.commit()


def run_dbt(cluster: Cluster, target_path: Path, project_dir: Path, warn_error: bool, fail_fast: bool) -> tuple[int, Path]:
    env = {
        **os.environ,
        **cluster.dbt_env(OWNER),
        "DIGITAL_CITY_SCHEMA_PREFIX": NEXT,
        "DBT_PROFILES_DIR": str(project_dir),
        "DBT_PROJECT_DIR": str(project_dir),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "DO_NOT_TRACK": "1",
    }
    command = [str(BIN / "dbt"), *(["--warn-error"] if warn_error else []), "build", "--target", "postgres",
               "--target-path", str(target_path), "--project-dir", str(project_dir), "--profiles-dir", str(project_dir)]
    if fail_fast:
        command.append("--fail-fast")
    code = subprocess.call(command, cwd=project_dir, env=env)
    return code, target_path / "run_results.json"


def count_statuses(run_results: Path) -> dict[str, int]:
    import json

    if not run_results.is_file():
        return {}
    counts: dict[str, int] = {}
    for result in json.loads(run_results.read_text(encoding="utf-8"))["results"]:
        kind = result["unique_id"].split(".", 1)[0]
        key = f"{kind} {result['status']}"
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def build(cluster: Cluster, warn_error: bool = False, fail_fast: bool = False, project_dir: Path = ROOT,
          target_path: Path | None = None, quiet: bool = False) -> BuildResult:
    """Stage, test and switch; returns dbt's exit code and whether the switch happened."""
    target_path = target_path or cluster.home / "target"
    started = time.perf_counter()
    # Seeds carry no dbt tests: their rules are the seed check's, here as in `make build`, before anything is staged.
    if (code := seed_check.main(["--project-dir", str(project_dir)])) != 0:
        if not quiet:
            print("postgres build stopped at the seed check: the live schemas were not touched", file=sys.stderr)
        return BuildResult(code, time.perf_counter() - started, False, {})
    connection = cluster.connect(OWNER)
    try:
        drop_schemas(connection, NEXT)
        drop_schemas(connection, OLD)
    finally:
        connection.close()
    code, run_results = run_dbt(cluster, target_path, project_dir, warn_error, fail_fast)
    statuses = count_statuses(run_results)
    if code != 0:
        if not quiet:
            print(f"postgres build failed (dbt exit {code}): the live schemas were not touched; "
                  f"the half-built {NEXT}* schemas stay for inspection until the next build", file=sys.stderr)
        return BuildResult(code, time.perf_counter() - started, False, statuses)
    connection = cluster.connect(OWNER)
    try:
        switch(connection)
        try:
            drop_schemas(connection, OLD)
        except Exception as error:  # a reader inside a long transaction on the old marts; the next build drops them
            connection.rollback()
            print(f"postgres: the old schemas stay until the next build ({error})", file=sys.stderr)
    finally:
        connection.close()
    seconds = time.perf_counter() - started
    if not quiet:
        summary = ", ".join(f"{n} {k}" for k, n in statuses.items())
        print(f"postgres build switched in after {seconds:.1f} s ({summary})")
    return BuildResult(0, seconds, True, statuses)
