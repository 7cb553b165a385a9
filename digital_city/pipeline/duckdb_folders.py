"""A dbt-duckdb plugin that creates the folders the profile names before DuckDB opens its file.

DuckDB opens `build/work/digital_city.duckdb` (or the file `DIGITAL_CITY_WORK_DB` names) but will not create its
folder, and spills to `temp_directory` without creating the parents: a plain `dbt build` in a fresh clone would stop
with "Cannot open file". profiles.yml loads this module (`plugins:`, found through `module_paths: ["."]`), so every
dbt command, `make build`'s and the analyst's own, gets the folders it needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin


def needs_folder(path: str) -> bool:
    """A local file path, not DuckDB's in-memory database or a remote one (md:, s3://, …)."""
    return bool(path) and path != ":memory:" and ":" not in path.split("/")[0]


class Plugin(BasePlugin):
    def update_connection_config(self, creds: Any, config: dict[str, Any]) -> None:
        path = str(getattr(creds, "path", "") or "")
        if needs_folder(path):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        temp = str((getattr(creds, "settings", None) or {}).get("temp_directory") or "")
        if needs_folder(temp):
            Path(temp).mkdir(parents=True, exist_ok=True)
