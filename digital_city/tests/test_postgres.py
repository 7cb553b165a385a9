"""The warehouse on PostgreSQL 15 (docs/postgres.md): server lifecycle, the same marts as DuckDB, least privilege,
the blue/green switch with a reader connected, and MetricFlow on the server.

One cluster for the module, under build/ci/postgres-test/ on a free port (a developer's `make postgres` keeps its
own), started here and stopped at the end; it is built once by the real blue/green build
(digital_city/postgres/blue_green.py). The DuckDB side is the check sequence's build, published to
build/ci/warehouse/ before pytest runs (digital_city/checks/run_all.py); run alone, pytest uses build/ci/ if present.
"""

from __future__ import annotations

import csv
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from digital_city import load
from digital_city.postgres.blue_green import BuildResult, build
from digital_city.postgres.server import (
    OWNER,
    PG_BIN,
    READER,
    READER_CONNECTIONS,
    READER_STATEMENT_TIMEOUT,
    Cluster,
    PostgresError,
)
from digital_city.project import ROOT
from digital_city.tests.support import engine_compare as compare

HOME = ROOT / "build" / "ci" / "postgres-test"
DUCKDB_CANDIDATES = (
    ROOT / "build" / "ci" / "warehouse" / "digital_city.duckdb",
    ROOT / "build" / "ci" / "digital_city.duckdb",
)
LAYERS_REFUSED = ("raw", "staging", "intermediate")


def missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: CI must run the PostgreSQL tests, not skip them")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    if not (PG_BIN / "initdb").is_file():
        missing(f"no PostgreSQL server in {PG_BIN} (apt-get install postgresql; .ci/run does it)")
    server = Cluster(HOME, preferred_port=0)
    server.destroy()  # a cluster a killed run left behind
    try:
        assert server.start() is True
        yield server
    finally:
        server.destroy()


@pytest.fixture(scope="module")
def built(cluster: Cluster) -> BuildResult:
    result = build(cluster, warn_error=True, target_path=cluster.home / "target")
    assert result.code == 0 and result.switched, f"the PostgreSQL build failed: {result}"
    nodes = sum(result.statuses.values())
    print(f"\nPostgreSQL build: {result.seconds:.1f} s, {nodes} nodes ({result.statuses})")
    return result


def duckdb_warehouse() -> Path:
    for candidate in DUCKDB_CANDIDATES:
        if candidate.is_file():
            return candidate
    missing("no DuckDB build: `make test` builds build/ci/ before pytest")
    raise AssertionError  # unreachable


def sql_error(connection, sql: str) -> str:
    """The error PostgreSQL answers `sql` with ('' when it runs)."""
    import psycopg2

    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    except psycopg2.Error as error:
        connection.rollback()
        return str(error)
    connection.rollback()
    return ""


# --- server ------------------------------------------------------------------------------------------------------

def test_second_start_finds_the_running_server_and_secrets_are_private(cluster: Cluster) -> None:
    assert cluster.running()
    assert cluster.start() is False
    for role in (OWNER, READER):
        mode = stat.S_IMODE(cluster.password_file(role).stat().st_mode)
        assert mode == 0o600, f"{cluster.password_file(role)} has mode {oct(mode)}"
    hba = subprocess.run(cluster.as_server_user(["cat", str(cluster.data_dir / "pg_hba.conf")]),
                         capture_output=True, text=True, check=True).stdout
    rules = [line.split() for line in hba.splitlines() if line.strip() and not line.startswith("#")]
    assert rules and not [r for r in rules if "trust" in r], hba
    assert [r for r in rules if r[0] == "host" and r[-1] != "scram-sha-256"] == [], hba


def test_status_command_says_whether_it_runs(cluster: Cluster) -> None:
    command = [sys.executable, "-m", "digital_city", "postgres", "status", "--home", str(cluster.home)]
    running = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert running.returncode == 0 and "running" in running.stdout, running.stdout + running.stderr
    elsewhere = subprocess.run([*command[:-1], str(cluster.home / "nowhere")], capture_output=True, text=True, cwd=ROOT)
    assert elsewhere.returncode == 3 and "not running" in elsewhere.stdout
    assert "Traceback" not in elsewhere.stderr


# --- the same marts on both engines ------------------------------------------------------------------------------

def test_every_mart_is_the_same_on_postgres_and_duckdb(cluster: Cluster, built: BuildResult) -> None:
    duck = compare.duckdb_marts(duckdb_warehouse())
    connection = cluster.connect(READER)
    try:
        pg = compare.dbapi_marts(connection)
    finally:
        connection.close()
    keys = compare.primary_keys(cluster.home / "target" / "manifest.json")
    assert len(duck) >= 17 and sum(len(t.rows) for t in duck.values()) > 1000
    differences = compare.compare(duck, pg, keys)
    assert not differences, f"{len(differences)} differences:\n" + "\n".join(map(str, differences[:50]))


def test_comparison_reports_mart_key_and_column() -> None:
    left = compare.Table(["city_code", "name", "share", "day"], [(1, "苏州", 0.1 + 0.2, None), (2, "昆山", 1, None)])
    same = compare.Table(["city_code", "name", "share", "day"], [(2, "昆山", 1.0, None), (1, "苏州", 0.3, None)])
    assert compare.compare({"m": left}, {"m": same}, {"m": ["city_code"]}) == []
    changed = compare.Table(left.columns, [(1, "苏州 ", 0.3, None), (3, "昆山", 1, None)])
    found = {(d.mart, d.key, d.column) for d in compare.compare({"m": left}, {"m": changed}, {"m": ["city_code"]})}
    assert found == {("m", "city_code=1.000000", "name"), ("m", "city_code=2.000000", "(row)"),
                     ("m", "city_code=3.000000", "(row)")}
    assert compare.render(None) != compare.render("") and compare.render(-0.0) == compare.render(0)


# --- least privilege ---------------------------------------------------------------------------------------------

def test_bi_reader_reads_marts_and_nothing_else(cluster: Cluster, built: BuildResult) -> None:
    connection = cluster.connect(READER)
    try:
        with connection.cursor() as cursor:
            cursor.execute("select table_name from information_schema.tables where table_schema = 'marts'")
            marts = [row[0] for row in cursor.fetchall()]
            assert len(marts) >= 17
            for mart in marts:
                cursor.execute(f'select count(*) from marts."{mart}"')
                assert cursor.fetchone()[0] > 0, mart
        owner = cluster.connect(OWNER)
        try:
            with owner.cursor() as cursor:
                cursor.execute("select table_schema, table_name from information_schema.tables "
                               "where table_schema in ('raw', 'staging', 'intermediate')")
                hidden = cursor.fetchall()
        finally:
            owner.close()
        assert {schema for schema, _ in hidden} == set(LAYERS_REFUSED)
        for schema, table in hidden:
            error = sql_error(connection, f'select * from "{schema}"."{table}" limit 1')
            assert "permission denied" in error, (schema, table, error)
        assert "permission denied" in sql_error(connection, "insert into marts.dim_generation select * from marts.dim_generation")
        assert "permission denied" in sql_error(connection, "delete from marts.dim_city")
        assert "must be owner" in sql_error(connection, "drop table marts.dim_city")
        for schema in ("marts", "public", *LAYERS_REFUSED):
            error = sql_error(connection, f'create table "{schema}".bi_reader_was_here (x int)')
            assert "permission denied" in error, (schema, error)
        assert "permission denied" in sql_error(connection, "create schema bi_reader_schema")
        assert "permission denied" in sql_error(connection, "create temporary table bi_reader_temp (x int)")
    finally:
        connection.close()


def test_wrong_password_is_refused(cluster: Cluster) -> None:
    import psycopg2

    with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
        cluster.connect(READER, password=cluster.password(READER) + "x").close()
    with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
        cluster.connect(OWNER, password="").close()


# --- the blue/green switch ---------------------------------------------------------------------------------------

def copy_project(into: Path) -> Path:
    into.mkdir(parents=True)
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy2(ROOT / name, into / name)
    for name in ("seeds", "models", "macros", "tests", "analyses"):
        shutil.copytree(ROOT / name, into / name)
    return into


def test_switch_with_a_reader_connected_and_a_failed_build_changes_nothing(
    cluster: Cluster, built: BuildResult, tmp_path: Path
) -> None:
    reader = cluster.connect(READER)
    reader.autocommit = True
    try:
        def live() -> tuple[int, int]:
            with reader.cursor() as cursor:
                cursor.execute("select 'marts.fct_market_size'::regclass::oid, count(*) from marts.fct_market_size")
                return cursor.fetchone()

        before = live()
        broken = copy_project(tmp_path / "broken")
        # A staging model early in the DAG: with --fail-fast the failed build stops within seconds.
        model = broken / "models" / "staging" / "report" / "stg_report__generations.sql"
        model.write_text(model.read_text(encoding="utf-8") + "\nwhere no_such_column = 1\n", encoding="utf-8")
        failed = build(cluster, fail_fast=True, project_dir=broken, target_path=tmp_path / "broken-target", quiet=True)
        assert failed.code != 0 and not failed.switched
        assert live() == before, "a failed build changed the live marts"

        rebuilt = build(cluster, target_path=tmp_path / "target", quiet=True)
        assert rebuilt.code == 0 and rebuilt.switched
        after = live()  # the same session, across the switch
        assert after[0] != before[0], "the switch did not bring in new tables"
        assert after[1] == before[1]
    finally:
        reader.close()


def test_switch_refuses_without_a_complete_staged_set(cluster: Cluster, built: BuildResult) -> None:
    from digital_city.postgres.blue_green import switch

    connection = cluster.connect(OWNER)
    try:
        with pytest.raises(PostgresError, match="next_raw"):
            switch(connection)
    finally:
        connection.close()


# --- MetricFlow on the server ------------------------------------------------------------------------------------

def mf_query(target_args: list[str], out: Path, env: dict[str, str]) -> list[list[str]]:
    command = [sys.executable, "-m", "digital_city", "mf", *target_args, "--", "query",
               "--metrics", "pilot_designations,pilot_designations_cumulative,total_market_usd_in_total",
               "--group-by", "metric_time__year", "--order", "metric_time__year", "--csv", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env)
    assert done.returncode == 0 and out.is_file(), done.stdout[-3000:] + done.stderr[-3000:]
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return [rows[0]] + [[compare.render(float(v)) if v.replace(".", "", 1).lstrip("-").isdigit() else v for v in row]
                        for row in rows[1:]]


def test_mf_query_on_postgres_answers_as_on_duckdb(cluster: Cluster, built: BuildResult, tmp_path: Path) -> None:
    env = {**os.environ, **cluster.dbt_env(READER)}
    env.pop("DIGITAL_CITY_SCHEMA_PREFIX", None)
    on_postgres = mf_query(["--target", "postgres", "--parse", "--target-path", str(tmp_path / "pg-target")],
                           tmp_path / "pg.csv", env)
    duck = duckdb_warehouse()
    on_duckdb = mf_query(["--target", "ci", "--db", str(duck), "--read-only", "--parse",
                          "--target-path", str(tmp_path / "duck-target")], tmp_path / "duck.csv", dict(os.environ))
    assert len(on_postgres) > 5
    assert on_postgres == on_duckdb


# --- what bi_reader may hold of the shared server (kept last: the load test leaves a synthetic copy live) ----------

def test_bi_reader_has_a_statement_timeout_an_idle_timeout_and_a_connection_limit(cluster: Cluster) -> None:
    reader = cluster.connect(READER)
    try:
        with reader.cursor() as cursor:
            cursor.execute("select current_setting('statement_timeout'), "
                           "current_setting('idle_in_transaction_session_timeout'), "
                           "(select rolconnlimit from pg_roles where rolname = current_user), "
                           "current_setting('max_connections')::int")
            statement, idle, limit, most = cursor.fetchone()
    finally:
        reader.close()
    assert (statement, idle, limit) == (READER_STATEMENT_TIMEOUT, "1min", READER_CONNECTIONS)
    assert most - READER_CONNECTIONS - 3 >= 8, "the owner needs connections left to build and switch"


def test_a_runaway_query_and_an_abandoned_transaction_are_ended_with_a_clear_message(cluster: Cluster) -> None:
    import psycopg2

    cluster.psql(f"alter role {READER} set statement_timeout = '1s';\n"
                 f"alter role {READER} set idle_in_transaction_session_timeout = '1s';\n")
    try:
        reader = cluster.connect(READER)
        started = time.monotonic()
        assert "canceling statement due to statement timeout" in sql_error(reader, "select pg_sleep(60)")
        assert time.monotonic() - started < 10
        with reader.cursor() as cursor:
            cursor.execute("select 1")  # opens a transaction that the client then leaves open
        time.sleep(2.5)
        # The server says why in its log; libpq only learns that the connection is gone.
        with pytest.raises(psycopg2.OperationalError, match="server closed the connection"):
            with reader.cursor() as cursor:
                cursor.execute("select 1")
        reader.close()
        log = cluster.run(["cat", str(cluster.log_file)]).stdout
        assert "terminating connection due to idle-in-transaction timeout" in log
    finally:
        cluster.bootstrap()  # the configured limits again


def test_readers_at_the_connection_limit_see_whole_releases_while_three_switch_in(
    cluster: Cluster, built: BuildResult
) -> None:
    import psycopg2

    beyond: list[str] = []

    def one_reader_too_many_and_the_owner() -> None:
        try:
            cluster.connect(READER).close()
            beyond.append("admitted")
        except psycopg2.OperationalError as error:
            beyond.append(str(error))
        cluster.connect(OWNER).close()  # the owner still has room to build

    figures = load.postgres_load(cluster, readers=READER_CONNECTIONS, switches=3, seconds=6,
                                 during=one_reader_too_many_and_the_owner)
    print(f"\n{figures.line()}")
    assert len(beyond) == 1 and 'too many connections for role "bi_reader"' in beyond[0], beyond
    assert figures.failed == [] and figures.mixed == [], (figures.failed[:5], figures.mixed[:5])
    assert figures.releases_seen == {f"{load.SYNTHETIC_PREFIX}{k}" for k in range(4)}, figures.releases_seen
