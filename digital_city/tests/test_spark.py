"""The warehouse on Apache Spark (docs/spark.md): `make test-spark`, a CI step of its own after `make test`.

Runs in .venv-spark (pyspark lives there, not in .venv: `make spark-env`), so `make test`'s pytest never collects it
(conftest.py). Every seed, model, unit test and data test builds and passes on the spark target (Spark in-process,
local mode, Parquet), and every mart equals DuckDB's, row by row, with the same claim verdicts. The DuckDB side is
build/ci/ when `make test` built it after the last change to the project's SQL, seeds or tests, else a DuckDB build
of seeds and models made here. The build prints its time and peak memory (Python and the JVM together).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from digital_city import spark
from digital_city.project import ROOT
from digital_city.tests.support import engine_compare as compare

CI_DUCKDB = ROOT / "build" / "ci" / "digital_city.duckdb"
REFERENCE_DUCKDB = spark.SPARK_DIR / "duckdb" / "digital_city.duckdb"
# What a mart's rows depend on: a DuckDB file older than any of these may hold other answers.
PROJECT_INPUTS = ("models", "macros", "seeds", "tests", "dbt_project.yml")


@pytest.fixture(scope="module")
def metastore_lock() -> Any:
    # Held from the build until the marts are read: the session below is the build's, on the same metastore.
    with spark.hold_metastore():
        yield


@pytest.fixture(scope="module")
def built(metastore_lock: None) -> spark.SparkBuild:
    outcome = spark.build()
    print(f"\n{outcome.summary()}")
    return outcome


@pytest.fixture(scope="module")
def session(built: spark.SparkBuild) -> Any:
    from pyspark.sql import SparkSession

    # The build's session (dbt ran in this process; its threads' active session is not this thread's).
    return SparkSession.builder.getOrCreate()


def newest_input() -> float:
    return max(
        path.stat().st_mtime
        for name in PROJECT_INPUTS
        for path in ([ROOT / name] if (ROOT / name).is_file() else (ROOT / name).rglob("*"))
        if path.is_file()
    )


@pytest.fixture(scope="module")
def duckdb_file() -> Path:
    if CI_DUCKDB.is_file() and CI_DUCKDB.stat().st_mtime > newest_input():
        print(f"\nDuckDB side: {CI_DUCKDB.relative_to(ROOT)} (make test's build, newer than every input)")
        return CI_DUCKDB
    REFERENCE_DUCKDB.parent.mkdir(parents=True, exist_ok=True)
    REFERENCE_DUCKDB.unlink(missing_ok=True)
    started = time.perf_counter()
    # Seeds and models only: their tests ran on DuckDB in `make test`; here DuckDB only has to give the answers.
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "dbt"), "build", "--target", "ci", "--resource-type", "seed",
         "--resource-type", "model", "--target-path", str(REFERENCE_DUCKDB.parent / "target"),
         "--log-path", str(REFERENCE_DUCKDB.parent / "logs"), "--quiet"],
        cwd=ROOT, env={**os.environ, "DIGITAL_CITY_WORK_DB": str(REFERENCE_DUCKDB),
                       "DBT_PROFILES_DIR": str(ROOT), "DBT_PROJECT_DIR": str(ROOT)},
        capture_output=True, text=True,
    )
    assert done.returncode == 0, f"the DuckDB reference build failed:\n{done.stdout}\n{done.stderr}"
    print(f"\nDuckDB side: built {REFERENCE_DUCKDB.relative_to(ROOT)} in {time.perf_counter() - started:.1f} s")
    return REFERENCE_DUCKDB


def test_every_node_builds_and_passes_on_spark(built: spark.SparkBuild) -> None:
    assert built.code == 0, f"{built.summary()}; dbt's log: {spark.LOG_PATH / 'dbt.log'}"
    broken = {status: n for status, n in built.statuses.items() if status not in {"success", "pass", "no-op"}}
    assert not broken, f"nodes that did not pass on Spark: {broken}"
    # Every seed, model, data test, unit test (and exposure, a no-op) of the project ran: a selection that silently
    # shrank would pass the lines above.
    manifest = json.loads((spark.TARGET_PATH / "manifest.json").read_text(encoding="utf-8"))
    expected = (sum(node["resource_type"] in {"seed", "model", "test"} for node in manifest["nodes"].values())
                + len(manifest["unit_tests"]) + len(manifest["exposures"]))
    assert sum(built.statuses.values()) == expected, f"{built.summary()}; the project has {expected} nodes"


def test_every_mart_equals_duckdb(session: Any, built: spark.SparkBuild, duckdb_file: Path) -> None:
    on_spark = compare.spark_marts(session)
    on_duckdb = compare.duckdb_marts(duckdb_file)
    assert on_spark and on_duckdb
    keys = compare.primary_keys(spark.TARGET_PATH / "manifest.json")
    differences = compare.compare(on_duckdb, on_spark, keys, engine="spark")
    assert not differences, f"{len(differences)} differences, first 20:\n" + "\n".join(map(str, differences[:20]))
    rows = sum(len(table.rows) for table in on_spark.values())
    print(f"\n{len(on_spark)} marts and views, {rows} rows: equal on Spark and DuckDB")


def test_claim_verdicts_are_the_same_on_spark(session: Any, duckdb_file: Path) -> None:
    import duckdb

    query = "select claim_key, verdict from marts.fct_report_claim_checks order by claim_key"
    on_spark = [tuple(row) for row in session.sql(query).collect()]
    with duckdb.connect(str(duckdb_file), read_only=True) as con:
        on_duckdb = con.execute(query).fetchall()
    assert on_spark and on_spark == on_duckdb
    verdicts = sorted({verdict for _, verdict in on_spark})
    print(f"\n{len(on_spark)} claims, verdicts {verdicts}: the same on both engines")


def compiled_test_sql(name_prefix: str) -> str:
    found = sorted((spark.TARGET_PATH / "compiled").rglob(f"{name_prefix}*.sql"))
    assert found, f"no compiled test {name_prefix}* under {spark.TARGET_PATH / 'compiled'}"
    return found[0].read_text(encoding="utf-8")


def test_contract_constraints_catch_what_parquet_lets_through(session: Any, built: spark.SparkBuild) -> None:
    """Spark accepts a null key and a repeated key into a contracted mart (Parquet enforces nothing); the mart's
    contract_constraints test names each broken rule and column."""
    session.sql("create table marts.dim_date_tampered using parquet as select * from marts.dim_date").collect()
    try:
        session.sql("insert into marts.dim_date_tampered select null union all select date '2020-01-01'").collect()
        sql = compiled_test_sql("contract_constraints_dim_date_").replace("marts.dim_date", "marts.dim_date_tampered")
        found = {(row.failing_column, row.rule) for row in session.sql(sql).collect()}
    finally:
        session.sql("drop table marts.dim_date_tampered").collect()
    assert {("date_day", "not_null"), ("date_day", "unique")} <= found, found


def test_a_bad_cast_becomes_null_on_spark_and_a_test_catches_it(session: Any) -> None:
    """dbt-spark turns ANSI mode off, so a cast that fails gives NULL instead of an error: the marts' not-null rules
    (contract_constraints on Spark) and the seed check before any build are what stop such a NULL."""
    assert session.sql("select cast('12a' as int) as value").collect()[0].value is None
    sql = compiled_test_sql("contract_constraints_dim_city_")
    session.sql("create or replace temporary view broken_city as "
                "select cast(cast(city_code as string) || 'x' as int) as city_code, * except (city_code) "
                "from marts.dim_city").collect()
    found = {(row.failing_column, row.rule) for row in session.sql(
        sql.replace("marts.dim_city", "broken_city")).collect()}
    assert ("city_code", "not_null") in found, found


def test_no_double_quoted_identifier_reached_spark(built: spark.SparkBuild) -> None:
    """In Spark SQL "x" is a string literal, not a column: a double-quoted identifier gives a wrong answer, no error.
    Every statement dbt ran on Spark, with its text literals and comments removed, holds no double quote."""
    literal_or_comment = re.compile(r"'(?:\\.|[^'\\])*'|--[^\n]*|/\*.*?\*/", re.S)
    run_dir = spark.TARGET_PATH / "run"
    files = sorted(run_dir.rglob("*.sql"))
    assert len(files) > 100, f"too few compiled statements under {run_dir}"
    offenders = [str(f.relative_to(run_dir)) for f in files
                 if '"' in literal_or_comment.sub("", f.read_text(encoding="utf-8"))]
    assert not offenders, f"double quotes outside literals in: {offenders[:10]}"
