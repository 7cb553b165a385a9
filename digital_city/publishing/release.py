"""Publish the work database for readers: a DuckDB file BI drivers on DuckDB 1.x can open, Parquet per mart,
and a manifest, each swapped in by an atomic rename so a reader never sees a half-written warehouse.

Layout of the publish directory:
    digital_city.duckdb          the warehouse (replaced by os.replace)
    parquet -> .releases/<id>    symlink swapped by os.replace; holds <mart>.parquet and manifest.json

Everything is staged in a new .releases/<id>/ first; a publish that fails removes it, so the directory is left
exactly as it was. A reader with the old file open keeps reading it (POSIX rename); digital_city/tests/test_publish.py
proves both, and that a DuckDB 1.x client opens the result.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

# The oldest storage format DuckDB 1.x readers (and the BI drivers built on them) can open.
STORAGE_VERSION = "v1.0.0"
DATABASE_FILE = "digital_city.duckdb"
MART_SCHEMA = "marts"
RELEASES_KEPT = 2


@dataclass(frozen=True)
class MartTable:
    name: str
    columns: list[tuple[str, str]]
    row_count: int


def source_commit(repo: Path) -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def copy_database(work_db: Path, target: Path) -> None:
    """Copy every schema of the work database into a fresh file written in the 1.x-readable format."""
    catalog = work_db.stem
    con = duckdb.connect()
    try:
        con.execute(f"attach '{work_db}' as \"{catalog}\" (read_only)")
        con.execute(f"attach '{target}' as published (storage_version '{STORAGE_VERSION}')")
        con.execute(f'copy from database "{catalog}" to published')
        con.execute("detach published")
    finally:
        con.close()


def mart_tables(database: Path) -> list[MartTable]:
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
        tables = []
        for name in names:
            columns = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                [MART_SCHEMA, name],
            ).fetchall()
            (row_count,) = con.execute(f'select count(*) from {MART_SCHEMA}."{name}"').fetchone()
            tables.append(MartTable(name, [(c, t) for c, t in columns], row_count))
        return tables
    finally:
        con.close()


def export_parquet(database: Path, tables: list[MartTable], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(database), read_only=True)
    try:
        for table in tables:
            target = out_dir / f"{table.name}.parquet"
            con.execute(f"copy {MART_SCHEMA}.\"{table.name}\" to '{target}' (format parquet, compression zstd)")
    finally:
        con.close()


def write_manifest(tables: list[MartTable], out_dir: Path, commit: str, built_at: str) -> Path:
    manifest = {
        "built_at": built_at,
        "source_commit": commit,
        "database_file": DATABASE_FILE,
        "storage_version": STORAGE_VERSION,
        "tables": [
            {
                "name": t.name,
                "parquet": f"{t.name}.parquet",
                "row_count": t.row_count,
                "columns": [{"name": c, "type": ty} for c, ty in t.columns],
            }
            for t in tables
        ],
    }
    path = out_dir / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def swap_symlink(link: Path, target_name: str) -> None:
    """Point `link` at `target_name` atomically: build the new link beside it, then rename over it."""
    fresh = link.with_name(f".{link.name}.new")
    if fresh.is_symlink() or fresh.exists():
        fresh.unlink()
    fresh.symlink_to(target_name)
    os.replace(fresh, link)


def prune_releases(releases: Path, keep: set[str]) -> None:
    entries = sorted((p for p in releases.iterdir() if p.is_dir()), key=lambda p: p.name)
    for old in entries[:-RELEASES_KEPT]:
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


def publish(work_db: Path, publish_dir: Path, repo: Path) -> Path:
    if not work_db.is_file():
        raise FileNotFoundError(f"work database {work_db} does not exist: run the dbt build first")
    publish_dir.mkdir(parents=True, exist_ok=True)
    releases = publish_dir / ".releases"
    releases_existed = releases.is_dir()
    releases.mkdir(exist_ok=True)
    # Names sort by time to the microsecond (pruning relies on that); mkdtemp's random suffix rules out a clash.
    now = time.time_ns()
    stamp = time.strftime("%Y%m%dT%H%M%S", time.localtime(now // 1_000_000_000)) + f"{now // 1000 % 1_000_000:06d}"
    release = Path(tempfile.mkdtemp(prefix=f"{stamp}-", dir=releases))
    # mkdtemp makes the directory private; BI tools often read as another user.
    release.chmod(0o755)
    try:
        staged_db = stage_release(work_db, release, repo)
    except BaseException:
        # A failed publish must leave the published directory exactly as it was, staging debris included.
        shutil.rmtree(release, ignore_errors=True)
        if not releases_existed:
            shutil.rmtree(releases, ignore_errors=True)
        raise

    # Only now, with everything written, swap in: database first, then the Parquet release.
    published_db = publish_dir / DATABASE_FILE
    os.replace(staged_db, published_db)
    swap_symlink(publish_dir / "parquet", f".releases/{release.name}/parquet")
    prune_releases(releases, keep={release.name})
    return published_db


def stage_release(work_db: Path, release: Path, repo: Path) -> Path:
    """Write the database copy, the Parquet files and the manifest into `release`, touching nothing published."""
    # The file keeps the work file's name, so views that name their catalog still resolve once published.
    staged_db = release / DATABASE_FILE
    copy_database(work_db, staged_db)
    tables = mart_tables(staged_db)
    if not tables:
        raise RuntimeError(f"no tables in schema {MART_SCHEMA!r} of {work_db}: nothing to publish")
    parquet_dir = release / "parquet"
    export_parquet(staged_db, tables, parquet_dir)
    built_at = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    write_manifest(tables, parquet_dir, source_commit(repo), built_at)
    return staged_db


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work-db", type=Path, required=True)
    parser.add_argument("--publish-dir", type=Path, required=True)
    parser.add_argument("--repo", type=Path, default=Path.cwd(), help="git checkout whose commit the manifest records")
    args = parser.parse_args(argv)
    try:
        published = publish(args.work_db, args.publish_dir, args.repo)
    except (OSError, RuntimeError, duckdb.Error) as error:
        print(f"publish failed, the published warehouse is unchanged: {error}", file=sys.stderr)
        return 1
    print(f"published {published} (DuckDB storage {STORAGE_VERSION}) and {args.publish_dir / 'parquet'}/")
    print(f"query it: .venv/bin/duckdb -readonly {published} \"select * from marts.dim_pilot_program\"")
    return 0

