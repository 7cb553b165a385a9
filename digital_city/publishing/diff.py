"""What a new release changes against the release it replaces: per mart, rows added, removed and changed (by primary
key) and columns added or removed.

`publish` records the diff in the new release's manifest.json (`diff`) and `make build` prints it. A mart that loses
rows while no seed changed (the same `seeds_sha256`) stops the publish before the switch: the same inputs should
not lose data, so the model change that did it is most likely a bug. When the loss is intended, say so:
`DIGITAL_CITY_ALLOW_ROW_LOSS=1 make build` (docs/contracts.md).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import duckdb

from digital_city.publishing.layout import MART_SCHEMA

ALLOW_ROW_LOSS_ENV = "DIGITAL_CITY_ALLOW_ROW_LOSS"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(con: duckdb.DuckDBPyConnection, catalog: str, schema: str) -> dict[str, dict[str, str]]:
    rows = con.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? order by table_name, ordinal_position",
        [catalog, schema],
    ).fetchall()
    tables: dict[str, dict[str, str]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, {})[column] = data_type
    return tables


def _primary_key(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> list[str]:
    row = con.execute(
        "select constraint_column_names from duckdb_constraints() where database_name = ? and schema_name = ? "
        "and table_name = ? and constraint_type = 'PRIMARY KEY'",
        [catalog, schema, table],
    ).fetchone()
    return list(row[0]) if row else []


NUMERIC = re.compile(r"^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|DECIMAL|DOUBLE|FLOAT|REAL)")


def _differs(column: str, old_type: str, new_type: str) -> str:
    """A value differs: compared as values when both are numbers (28000.0000 = 28000), else as text if retyped."""
    if old_type == new_type or (NUMERIC.match(old_type) and NUMERIC.match(new_type)):
        return f"n.{_q(column)} is distinct from o.{_q(column)}"
    return f"n.{_q(column)}::varchar is distinct from o.{_q(column)}::varchar"


def release_diff(new_db: Path, old_db: Path, schema: str = MART_SCHEMA) -> dict[str, Any]:
    """Per-mart differences between two published databases (`old_db` is the release being replaced)."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{new_db}' as new_release (read_only)")
        con.execute(f"attach '{old_db}' as old_release (read_only)")
        new_tables, old_tables = _tables(con, "new_release", schema), _tables(con, "old_release", schema)
        marts: dict[str, Any] = {}
        for name in sorted(set(new_tables) | set(old_tables)):
            new_cols, old_cols = new_tables.get(name), old_tables.get(name)
            new_ref, old_ref = f"new_release.{schema}.{_q(name)}", f"old_release.{schema}.{_q(name)}"
            if old_cols is None:
                (count,) = con.execute(f"select count(*) from {new_ref}").fetchone()
                marts[name] = {"status": "added", "rows_added": count, "rows_removed": 0, "rows_changed": 0,
                               "columns_added": list(new_cols or {}), "columns_removed": []}
                continue
            if new_cols is None:
                (count,) = con.execute(f"select count(*) from {old_ref}").fetchone()
                marts[name] = {"status": "removed", "rows_added": 0, "rows_removed": count, "rows_changed": 0,
                               "columns_added": [], "columns_removed": list(old_cols)}
                continue
            key = _primary_key(con, "new_release", schema, name) or _primary_key(con, "old_release", schema, name)
            common = [c for c in new_cols if c in old_cols]
            entry: dict[str, Any] = {
                "status": "kept",
                "key": key,
                "columns_added": [c for c in new_cols if c not in old_cols],
                "columns_removed": [c for c in old_cols if c not in new_cols],
                "columns_retyped": [f"{c}: {old_cols[c]} -> {new_cols[c]}" for c in common
                                    if old_cols[c] != new_cols[c]],
            }
            if key and all(k in common for k in key):
                on = " and ".join(f"n.{_q(k)} is not distinct from o.{_q(k)}" for k in key)
                values = [c for c in common if c not in key]
                differs = " or ".join(_differs(c, old_cols[c], new_cols[c]) for c in values) or "false"
                added, removed, changed = con.execute(
                    f"select count(*) filter (where o_present is null), count(*) filter (where n_present is null), "
                    f"count(*) filter (where n_present and o_present and differs) from ("
                    f"select true as n_present, null::boolean as o_present, null::boolean as differs from {new_ref} n "
                    f"where not exists (select 1 from {old_ref} o where {on}) "
                    f"union all select null, true, null from {old_ref} o "
                    f"where not exists (select 1 from {new_ref} n where {on}) "
                    f"union all select true, true, ({differs}) from {new_ref} n join {old_ref} o on {on})"
                ).fetchone()
            else:
                # No usable key: whole rows, as multisets (a changed row counts as one removed and one added).
                cols = ", ".join(_q(c) for c in common)
                (added,) = con.execute(f"select count(*) from (select {cols} from {new_ref} except all "
                                       f"select {cols} from {old_ref})").fetchone()
                (removed,) = con.execute(f"select count(*) from (select {cols} from {old_ref} except all "
                                         f"select {cols} from {new_ref})").fetchone()
                changed = None
                entry["key"] = None
            entry.update(rows_added=added, rows_removed=removed, rows_changed=changed)
            marts[name] = entry
        return {"marts": marts}
    finally:
        con.close()


def row_losses(diff: dict[str, Any]) -> list[str]:
    return [
        f"{name}: {entry['rows_removed']} row(s) removed"
        + (f" (by primary key {', '.join(entry['key'])})" if entry.get("key") else "")
        + (" - the mart is gone" if entry["status"] == "removed" else "")
        for name, entry in diff["marts"].items()
        if entry["rows_removed"]
    ]


def row_loss_allowed() -> bool:
    return os.environ.get(ALLOW_ROW_LOSS_ENV, "") not in ("", "0")


def summary_lines(diff: dict[str, Any] | None) -> list[str]:
    """The diff as `make build` prints it: one line per mart that changed, and a count of the unchanged ones."""
    if not diff:
        return ["release diff: first release here, nothing to compare with"]
    lines = [f"release diff against {diff['against']} "
             f"(seeds {'changed' if diff['seeds_changed'] else 'unchanged'}):"]
    unchanged = 0
    for name, e in diff["marts"].items():
        parts = []
        if e["status"] == "added":
            parts.append(f"mart added ({e['rows_added']} rows)")
        elif e["status"] == "removed":
            parts.append(f"mart removed ({e['rows_removed']} rows)")
        for label in ("rows_added", "rows_removed", "rows_changed"):
            if e.get(label) and e["status"] == "kept":
                parts.append(f"{label.replace('rows_', '')} {e[label]} row(s)")
        if e.get("columns_added") and e["status"] == "kept":
            parts.append(f"columns added: {', '.join(e['columns_added'])}")
        if e.get("columns_removed") and e["status"] == "kept":
            parts.append(f"columns removed: {', '.join(e['columns_removed'])}")
        if e.get("columns_retyped"):
            parts.append(f"columns retyped: {'; '.join(e['columns_retyped'])}")
        if parts:
            lines.append(f"  {name}: {', '.join(parts)}")
        else:
            unchanged += 1
    lines.append(f"  {unchanged} mart(s) unchanged")
    return lines
