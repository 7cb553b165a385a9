"""The layout of a published warehouse: immutable release directories and the one pointer that names the live one.

    warehouse/
      current -> .releases/<id>                  the pointer: one atomic rename switches every path below
      digital_city.duckdb -> current/digital_city.duckdb
      parquet -> current/parquet
      manifest.json -> current/manifest.json
      data_docs -> current/data_docs
      .releases/<id>/                            complete, read-only, never modified after it is written
      .releases/.staging-<id>/                   a release being written (a killed build leaves one; the next
                                                 publish removes it)
      .publish.lock                              one publish at a time (digital_city/locks.py)

A reader that opens `warehouse/digital_city.duckdb` resolves `current` once, at open, and keeps reading that
release's file until it reconnects, whatever is switched in meanwhile.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATABASE_FILE = "digital_city.duckdb"
PARQUET_DIR = "parquet"
MANIFEST_FILE = "manifest.json"
DATA_DOCS_DIR = "data_docs"
RELEASES_DIR = ".releases"
CURRENT = "current"
STAGING_PREFIX = ".staging-"
# The paths BI tools use, each a fixed link through `current`.
ENTRY_LINKS = (DATABASE_FILE, PARQUET_DIR, MANIFEST_FILE, DATA_DOCS_DIR)
# The schema a release publishes (dbt's marts) and the one that says which release a database is.
MART_SCHEMA = "marts"
META_SCHEMA = "meta"


def published_relations(relations: list[tuple[str, str]]) -> list[str]:
    """The marts a release publishes, from (name, information_schema table_type) pairs: every table, and a view only
    when it is a versioned mart's unversioned name (`<name>` over `<name>_v<n>`, macros/latest_version_view.sql)."""
    tables = [name for name, kind in relations if kind == "BASE TABLE"]
    views = [name for name, kind in relations if kind == "VIEW"
             if any(re.fullmatch(rf"{re.escape(name)}_v\d+", table) for table in tables)]
    return sorted(tables + views)


def read_manifest(release: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((release / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("release_id") == release.name else None


@dataclass(frozen=True)
class Warehouse:
    root: Path

    @property
    def releases(self) -> Path:
        return self.root / RELEASES_DIR

    @property
    def current_link(self) -> Path:
        return self.root / CURRENT

    def release_dir(self, release_id: str) -> Path:
        return self.releases / release_id

    def current_id(self) -> str | None:
        try:
            target = os.readlink(self.current_link)
        except OSError:
            return None
        return Path(target).name

    def release_ids(self) -> list[str]:
        """Complete releases (a manifest naming the directory), oldest first: ids begin with their UTC time."""
        if not self.releases.is_dir():
            return []
        return sorted(
            p.name
            for p in self.releases.iterdir()
            if p.is_dir() and not p.name.startswith(".") and read_manifest(p) is not None
        )

    def manifest(self, release_id: str) -> dict[str, Any]:
        manifest = read_manifest(self.release_dir(release_id))
        if manifest is None:
            raise FileNotFoundError(f"release {release_id} has no readable manifest in {self.releases}")
        return manifest

    def lineage(self, release_id: str | None, depth: int) -> list[str]:
        """`release_id` and the releases it replaced, newest first, as far as they are still kept."""
        chain: list[str] = []
        kept = set(self.release_ids())
        while release_id and release_id in kept and release_id not in chain and len(chain) < depth:
            chain.append(release_id)
            release_id = self.manifest(release_id).get("previous_release_id")
        return chain

    def staging_dirs(self) -> list[Path]:
        if not self.releases.is_dir():
            return []
        return [p for p in self.releases.iterdir() if p.name.startswith(STAGING_PREFIX)]
