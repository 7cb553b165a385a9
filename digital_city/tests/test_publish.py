"""Publishing is proven on tiny work databases built here: no dbt run, a few hundred milliseconds each."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from digital_city.publishing import release as pub
from digital_city.project import ROOT

COMPAT_PYTHON = ROOT / ".venv-compat" / "bin" / "python"
MART = "dim_pilot_program"


def make_work_db(directory: Path, rows: int, with_marts: bool = True) -> Path:
    """A work file shaped like dbt's: seeds in raw, a staging view naming its catalog, a table in marts."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / pub.DATABASE_FILE
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema raw")
        con.execute(
            "create table raw.report_pilot_programs as "
            "select 'p' || i as program_key, cast(i as integer) as designation_count, "
            "cast(i / 3 as decimal(18, 4)) as share_pct, '试点' || i as label_zh from range(?) as t(i)",
            [rows],
        )
        con.execute("create schema staging")
        con.execute("create view staging.stg_pilot as select * from digital_city.raw.report_pilot_programs")
        if with_marts:
            con.execute("create schema marts")
            con.execute(f"create table marts.{MART} as select * from staging.stg_pilot")
            con.execute("create table marts.fct_empty (k bigint, d date)")
            con.execute(f"create view marts.v_not_published as select * from marts.{MART}")
    finally:
        con.close()
    return path


def git_repo(directory: Path) -> str:
    directory.mkdir()
    git = ["git", "-C", str(directory), "-c", "user.name=test", "-c", "user.email=test@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "test"], check=True)
    return subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()


def snapshot(directory: Path) -> dict[str, str]:
    """Every entry under `directory`: symlink targets, file sha256s and directories, so any change shows."""
    state: dict[str, str] = {}
    for path in sorted(directory.rglob("*")):
        key = str(path.relative_to(directory))
        if path.is_symlink():
            state[key] = "link:" + os.readlink(path)
        elif path.is_file():
            state[key] = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            state[key] = "dir"
    return state


def count_in_subprocess(python: Path | str, database: Path, sql: str) -> str:
    code = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
        "print(duckdb.__version__, con.execute(sys.argv[2]).fetchone()[0])"
    )
    out = subprocess.run([str(python), "-c", code, str(database), sql], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.fixture()
def published(tmp_path: Path) -> Path:
    work = make_work_db(tmp_path / "work", rows=3)
    out = tmp_path / "warehouse"
    pub.publish(work, out, tmp_path)
    return out


def test_database_parquet_and_manifest_agree(tmp_path: Path) -> None:
    commit = git_repo(tmp_path / "repo")
    work = make_work_db(tmp_path / "work", rows=7)
    out = tmp_path / "warehouse"
    before = time.time()
    published_db = pub.publish(work, out, tmp_path / "repo")

    assert published_db == out / pub.DATABASE_FILE
    manifest = json.loads((out / "parquet" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["source_commit"] == commit
    built = time.mktime(time.strptime(manifest["built_at"], "%Y-%m-%dT%H:%M:%S%z"))
    assert before - 2 <= built <= time.time() + 2
    assert manifest["storage_version"] == pub.STORAGE_VERSION
    # Base tables only: the view in marts is not exported, the empty table is.
    assert [t["name"] for t in manifest["tables"]] == ["dim_pilot_program", "fct_empty"]

    con = duckdb.connect(str(published_db), read_only=True)
    try:
        for table in manifest["tables"]:
            name = table["name"]
            db_columns = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'marts' and table_name = ? order by ordinal_position",
                [name],
            ).fetchall()
            assert [(c["name"], c["type"]) for c in table["columns"]] == db_columns
            (db_rows,) = con.execute(f"select count(*) from marts.{name}").fetchone()
            assert table["row_count"] == db_rows
            parquet = out / "parquet" / table["parquet"]
            (pq_rows,) = con.execute("select count(*) from read_parquet(?)", [str(parquet)]).fetchone()
            assert pq_rows == db_rows
            pq_columns = con.execute("select column_name, column_type from (describe select * from read_parquet(?))",
                                     [str(parquet)]).fetchall()
            assert pq_columns == db_columns
        assert con.execute(f"select count(*) from marts.{MART}").fetchone()[0] == 7
        # Schemas other than marts come along, and a view that names its catalog still resolves.
        assert con.execute("select count(*) from staging.stg_pilot").fetchone()[0] == 7
    finally:
        con.close()


def test_manifest_commit_is_unknown_outside_git(tmp_path: Path) -> None:
    assert pub.source_commit(tmp_path) == "unknown"


def test_two_publishes_in_one_second_keep_distinct_releases(published: Path, tmp_path: Path) -> None:
    work = make_work_db(tmp_path / "work2", rows=4)
    for _ in range(3):
        pub.publish(work, published, tmp_path)
    releases = sorted(p.name for p in (published / ".releases").iterdir())
    assert len(releases) == pub.RELEASES_KEPT
    assert os.readlink(published / "parquet").split("/")[1] in releases


def _raise(*_args: object) -> None:
    raise RuntimeError("export failed half-way")


@pytest.mark.parametrize("failure", ["no_marts", "missing_work_db", "export_raises"])
def test_failed_publish_leaves_published_dir_unchanged(
    published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    before = snapshot(published)
    assert any(k.endswith(".parquet") for k in before) and before[pub.DATABASE_FILE].startswith("sha256:")
    if failure == "no_marts":
        work = make_work_db(tmp_path / "bad", rows=5, with_marts=False)
    elif failure == "missing_work_db":
        work = tmp_path / "nowhere" / pub.DATABASE_FILE
    else:
        work = make_work_db(tmp_path / "good", rows=5)
        monkeypatch.setattr(pub, "export_parquet", _raise)
    assert pub.main(["--work-db", str(work), "--publish-dir", str(published)]) == 1
    assert snapshot(published) == before


def test_failed_first_publish_leaves_no_debris(tmp_path: Path) -> None:
    work = make_work_db(tmp_path / "bad", rows=2, with_marts=False)
    out = tmp_path / "warehouse"
    with pytest.raises(RuntimeError, match="nothing to publish"):
        pub.publish(work, out, tmp_path)
    assert snapshot(out) == {}


def test_open_reader_keeps_old_data_and_new_reader_sees_new(published: Path, tmp_path: Path) -> None:
    database = published / pub.DATABASE_FILE
    # The reader is another process, as a BI tool would be; it reads, waits for the publish, then reads again.
    reader_code = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); q = sys.argv[2]; "
        "print(con.execute(q).fetchone()[0], flush=True); sys.stdin.readline(); print(con.execute(q).fetchone()[0])"
    )
    sql = f"select count(*) from marts.{MART}"
    reader = subprocess.Popen(
        [sys.executable, "-c", reader_code, str(database), sql],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert reader.stdout is not None
        assert reader.stdout.readline().strip() == "3"
        pub.publish(make_work_db(tmp_path / "work2", rows=5), published, tmp_path)
        out, err = reader.communicate("go\n", timeout=60)
    finally:
        reader.kill()
    assert reader.returncode == 0, err
    assert out.strip() == "3"
    assert count_in_subprocess(sys.executable, database, sql).split()[1] == "5"
    manifest = json.loads((published / "parquet" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"][0]["row_count"] == 5


def test_reader_held_open_while_publish_command_runs(published: Path, tmp_path: Path) -> None:
    database = published / pub.DATABASE_FILE
    work = make_work_db(tmp_path / "work2", rows=9)
    con = duckdb.connect(str(database), read_only=True)
    try:
        assert con.execute(f"select count(*) from marts.{MART}").fetchone()[0] == 3
        result = subprocess.run(
            [sys.executable, "-m", "digital_city", "publish", "--work-db", str(work), "--publish-dir", str(published)],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert "published" in result.stdout
        assert con.execute(f"select count(*) from marts.{MART}").fetchone()[0] == 3
    finally:
        con.close()
    assert count_in_subprocess(sys.executable, database, f"select count(*) from marts.{MART}").split()[1] == "9"


def _compat_python() -> Path:
    if not COMPAT_PYTHON.exists():
        # CI runs `make test`, which builds .venv-compat first: absent there, something is broken, so fail.
        if os.environ.get("CI"):
            pytest.fail(".venv-compat is absent in CI: the `make compat` step of digital_city/checks/run_all.py did not run")
        pytest.skip(".venv-compat is absent: `make compat` builds it from requirements-compat.lock (make test does)")
    return COMPAT_PYTHON


def test_duckdb_1x_client_opens_published_file(published: Path) -> None:
    version, rows = count_in_subprocess(
        _compat_python(), published / pub.DATABASE_FILE, f"select count(*) from marts.{MART}"
    ).split()
    assert re.fullmatch(r"1\.\d+\.\d+", version)
    assert rows == "3"


def test_duckdb_1x_client_rejects_default_format(tmp_path: Path) -> None:
    """The control: without the pinned storage version a 1.x client fails, so the test above can fail."""
    python = _compat_python()
    path = make_work_db(tmp_path / "work", rows=1)
    code = "import duckdb, sys; duckdb.connect(sys.argv[1], read_only=True)"
    out = subprocess.run([str(python), "-c", code, str(path)], capture_output=True, text=True, timeout=60)
    assert out.returncode != 0
    assert "version" in out.stderr.lower()
