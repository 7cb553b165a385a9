"""Publish a work database as a new release: written beside the live one, validated, then switched in at once.

A release is a complete directory (see layout.py): the database in a format DuckDB 1.x clients open, one Parquet
file per mart, a manifest (ids, versions, tables, sha256 of every file) and a `meta.release_info` table that says
the same inside the database. It is staged in `.releases/.staging-<id>/`, checked by the validator the caller
passes (Great Expectations in `make build`), made read-only, renamed to `.releases/<id>/`, and only then does
one rename of the `current` link publish it. Killed or failed at any point before that rename, the warehouse
still serves the old release byte for byte; after it, the new one, complete. The last few releases are kept
for `python -m digital_city rollback`.

Helpers live beside it: layout.py (paths and names), files.py (checksums, modes, links), provenance.py (commit,
seeds hash, release id), diff.py (what changed against the live release). The command line is pipeline/publish.py.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb

from digital_city import locks
from digital_city.crash_points import crash_point
from digital_city.publishing import diff as release_diff
from digital_city.publishing.files import file_sha256, make_read_only, point, remove_tree
from digital_city.publishing.layout import (
    CURRENT,
    DATA_DOCS_DIR,
    DATABASE_FILE,
    ENTRY_LINKS,
    MANIFEST_FILE,
    MART_SCHEMA,
    META_SCHEMA,
    PARQUET_DIR,
    STAGING_PREFIX,
    Warehouse,
    published_relations,
    read_manifest,
)
from digital_city.publishing.provenance import new_release_id, seeds_sha256, source_commit, source_dirty

# The oldest storage format DuckDB 1.x readers (and the BI drivers built on them) can open.
STORAGE_VERSION = "v1.0.0"
# Releases kept besides the live one's own lineage: enough to roll back twice.
RELEASES_KEPT = 3

# Checks a staged release (its directory and manifest) and returns what is wrong with it: empty means publish.
Validator = Callable[[Path, dict[str, Any]], list[str]]


class PublishError(Exception):
    """A publish that stopped before the switch; the message says why, for people."""


class ReleaseRejected(PublishError):
    """The staged release failed validation."""


@dataclass(frozen=True)
class MartTable:
    name: str
    columns: list[tuple[str, str]]
    row_count: int


@dataclass(frozen=True)
class Published:
    release_id: str
    previous_release_id: str | None
    database: Path
    manifest: dict[str, Any]


def copy_database(work_db: Path, target: Path, release_info: dict[str, Any]) -> None:
    """Copy every schema of the work database into a fresh 1.x-readable file, plus `meta.release_info`."""
    catalog = work_db.stem
    con = duckdb.connect()
    try:
        con.execute(f"attach '{work_db}' as \"{catalog}\" (read_only)")
        con.execute(f"attach '{target}' as published (storage_version '{STORAGE_VERSION}')")
        con.execute(f'copy from database "{catalog}" to published')
        con.execute(f"create schema published.{META_SCHEMA}")
        columns = ", ".join(f"?::{sql_type} as {name}" for name, (sql_type, _) in RELEASE_INFO_COLUMNS.items())
        con.execute(
            f"create table published.{META_SCHEMA}.release_info as select {columns}",
            [release_info[name] for name in RELEASE_INFO_COLUMNS],
        )
        for name, (_, comment) in RELEASE_INFO_COLUMNS.items():
            con.execute(f"comment on column published.{META_SCHEMA}.release_info.{name} is '{comment}'")
        con.execute(
            f"comment on table published.{META_SCHEMA}.release_info is "
            "'Which release this database is: one row, the same facts as the release manifest.json.'"
        )
        con.execute("detach published")
    finally:
        con.close()


RELEASE_INFO_COLUMNS: dict[str, tuple[str, str]] = {
    "release_id": ("varchar", "the release: UTC build time and source commit; its directory under .releases/"),
    "previous_release_id": ("varchar", "the release this one replaced when it was published (null for the first)"),
    "source_commit": ("varchar", "git commit of the project the release was built from (unknown outside git)"),
    "source_dirty": ("boolean", "true when the checkout had uncommitted changes to tracked files"),
    "built_at": ("timestamptz", "when the release was written"),
    "dbt_version": ("varchar", "dbt-core version that built the models"),
    "duckdb_version": ("varchar", "DuckDB version that wrote the file"),
    "storage_version": ("varchar", "DuckDB storage format of the file: readable by DuckDB 1.x clients"),
    "seeds_sha256": ("varchar", "sha256 over every seed CSV: equal for releases built from the same seeds"),
}


def mart_tables(database: Path) -> list[MartTable]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        names = published_relations(con.execute(
            "select table_name, table_type from information_schema.tables where table_schema = ? order by table_name",
            [MART_SCHEMA],
        ).fetchall())
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


def data_files(release: Path) -> list[Path]:
    return [release / DATABASE_FILE, *sorted((release / PARQUET_DIR).glob("*.parquet"))]


def build_manifest(release: Path, info: dict[str, Any], tables: list[MartTable]) -> dict[str, Any]:
    return {
        **{k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in info.items()},
        "database_file": DATABASE_FILE,
        "files": {p.relative_to(release).as_posix(): file_sha256(p) for p in data_files(release)},
        "tables": [
            {
                "name": t.name,
                "parquet": f"{PARQUET_DIR}/{t.name}.parquet",
                "row_count": t.row_count,
                "columns": [{"name": c, "type": ty} for c, ty in t.columns],
            }
            for t in tables
        ],
    }


def write_json(path: Path, content: dict[str, Any]) -> None:
    path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def switch(warehouse: Warehouse, release_id: str) -> None:
    """Publish `release_id`: the one rename of `current`, then the fixed entry links if they are not there yet."""
    point(warehouse.current_link, f"{warehouse.releases.name}/{release_id}")
    for name in ENTRY_LINKS:
        entry = warehouse.root / name
        if entry.is_dir() and not entry.is_symlink():
            remove_tree(entry)  # a layout older than releases; never the live release
        point(entry, f"{CURRENT}/{name}")


def prune(warehouse: Warehouse) -> list[str]:
    """Delete releases that are neither among the newest RELEASES_KEPT nor in the live release's lineage."""
    ids = warehouse.release_ids()
    keep = set(ids[-RELEASES_KEPT:]) | set(warehouse.lineage(warehouse.current_id(), RELEASES_KEPT))
    removed = []
    for entry in warehouse.releases.iterdir():
        if entry.name.startswith(STAGING_PREFIX) or entry.name in keep:
            continue
        remove_tree(entry)
        removed.append(entry.name)
    return sorted(removed)


def compare_with_previous(
    warehouse: Warehouse, previous: str | None, staging: Path, info: dict[str, Any]
) -> dict[str, Any] | None:
    """The release diff; raises ReleaseRejected when a mart loses rows although no seed changed."""
    if previous is None or not (warehouse.release_dir(previous) / DATABASE_FILE).is_file():
        return None
    before = read_manifest(warehouse.release_dir(previous)) or {}
    seeds_changed = before.get("seeds_sha256") != info["seeds_sha256"]
    # A copy: a BI client may hold the live file open read-write, and DuckDB will not attach a file twice.
    copy = staging / ".previous.duckdb"
    shutil.copyfile(warehouse.release_dir(previous) / DATABASE_FILE, copy)
    try:
        found = release_diff.release_diff(staging / DATABASE_FILE, copy)
    finally:
        copy.unlink(missing_ok=True)
    result = {"against": previous, "seeds_changed": seeds_changed, **found}
    losses = release_diff.row_losses(result)
    if losses and not seeds_changed and not release_diff.row_loss_allowed():
        raise ReleaseRejected(
            "marts lose rows although no seed changed (seeds_sha256 equals release "
            f"{previous}'s), so a model change removed them:\n  " + "\n  ".join(losses) + "\n"
            "Fix the model, or if the rows should go, build with "
            f"{release_diff.ALLOW_ROW_LOSS_ENV}=1 (docs/contracts.md)"
        )
    return result


def disk_full(error: BaseException) -> bool:
    return (isinstance(error, OSError) and error.errno == errno.ENOSPC) or "No space left on device" in str(error)


def publish(
    work_db: Path,
    publish_dir: Path,
    repo: Path,
    validate: Validator | None = None,
    progress: Callable[[str], None] = lambda _: None,
    inputs_sha256: str | None = None,
) -> Published:
    """Stage, validate and switch in a release of `work_db`; raises PublishError with the warehouse untouched."""
    if not work_db.is_file():
        raise PublishError(f"work database {work_db} does not exist: run the dbt build first")
    publish_dir.mkdir(parents=True, exist_ok=True)
    warehouse = Warehouse(publish_dir)
    with locks.hold(publish_dir, f"the warehouse {publish_dir}/"):
        warehouse.releases.mkdir(exist_ok=True)
        for debris in warehouse.staging_dirs():
            # Left by a build that was killed while staging; nobody else stages while we hold the lock.
            remove_tree(debris)
        previous = warehouse.current_id()
        commit = source_commit(repo)
        now = datetime.now(timezone.utc)
        release_id = new_release_id(commit, now)
        while warehouse.release_dir(release_id).exists():
            now = datetime.now(timezone.utc)
            release_id = new_release_id(commit, now)
        staging = warehouse.releases / f"{STAGING_PREFIX}{release_id}"
        info: dict[str, Any] = {
            "release_id": release_id,
            "previous_release_id": previous,
            "source_commit": commit,
            "source_dirty": source_dirty(repo),
            "built_at": now,
            "dbt_version": metadata.version("dbt-core"),
            "duckdb_version": duckdb.__version__,
            "storage_version": STORAGE_VERSION,
            "seeds_sha256": seeds_sha256(repo),
        }
        try:
            staging.mkdir()
            staging.chmod(0o755)  # BI tools often read as another user
            started = time.perf_counter()
            copy_database(work_db, staging / DATABASE_FILE, info)
            crash_point("staging")
            tables = mart_tables(staging / DATABASE_FILE)
            if not tables:
                raise PublishError(f"no tables in schema {MART_SCHEMA!r} of {work_db}: nothing to publish")
            export_parquet(staging / DATABASE_FILE, tables, staging / PARQUET_DIR)
            (staging / DATA_DOCS_DIR).mkdir()
            diff = compare_with_previous(warehouse, previous, staging, info)
            manifest = build_manifest(staging, info, tables)
            manifest["diff"] = diff  # against the release this one replaces (digital_city/publishing/diff.py)
            # What the release was built from: the next `make build` skips its work if that has not changed.
            manifest["inputs_sha256"] = inputs_sha256
            write_json(staging / MANIFEST_FILE, manifest)
            progress(f"staged release {release_id} ({time.perf_counter() - started:.1f}s)")
            problems = validate(staging, manifest) if validate is not None else []
            if problems:
                raise ReleaseRejected("\n".join(problems))
            make_read_only(staging)
            os.rename(staging, warehouse.release_dir(release_id))
        except BaseException as error:
            remove_tree(staging)
            if disk_full(error):
                raise PublishError(
                    f"the disk is full (no space left on the device of {publish_dir}/) while staging release "
                    f"{release_id}: free some space and build again. {len(warehouse.release_ids())} release(s) "
                    f"are kept in {warehouse.releases}/"
                ) from error
            if isinstance(error, (OSError, duckdb.Error)):
                raise PublishError(f"staging release {release_id} failed: {error}") from error
            raise
        crash_point("switch")
        switch(warehouse, release_id)
        crash_point("after-switch")
        removed = prune(warehouse)
        if removed:
            progress(f"pruned {len(removed)} old release(s): {', '.join(removed)}")
    return Published(release_id, previous, publish_dir / DATABASE_FILE, manifest)


def describe(publish_dir: Path) -> str:
    current = Warehouse(publish_dir).current_id()
    return f"still release {current}" if current else "nothing was published before"


def published_message(done: Published, publish_dir: Path) -> str:
    replaced = f", replacing {done.previous_release_id}" if done.previous_release_id else ""
    return (
        f"published release {done.release_id}{replaced}\n"
        f"  database: {publish_dir / DATABASE_FILE} (DuckDB storage {STORAGE_VERSION}: DuckDB 1.x clients open it)\n"
        f"  parquet:  {publish_dir / PARQUET_DIR}/ ({len(done.manifest['tables'])} marts; "
        f"{publish_dir / MANIFEST_FILE} lists them)\n"
        f"  validation report (Great Expectations Data Docs): {publish_dir / DATA_DOCS_DIR / 'index.html'}\n"
        f"  query it: .venv/bin/duckdb -readonly {publish_dir / DATABASE_FILE} "
        "\"select * from meta.release_info\"\n"
        f"  roll back: make rollback\n"
        + "\n".join(release_diff.summary_lines(done.manifest.get("diff")))
    )
