"""Compare every mart of a DuckDB warehouse file with the same marts on another engine, value by value.

Any engine: the other side is a {mart: Table} mapping, read with `dbapi_marts` from a DB-API connection
(PostgreSQL's psycopg2) or built by the caller from whatever its engine returns (Spark's rows).

Both sides go through one rendering, so "the same" means the same for a reader of the data: numbers (integer,
decimal or double) as fixed-point text with PLACES decimal places, dates as YYYY-MM-DD, timestamps as
YYYY-MM-DD HH:MM:SS, booleans as true/false, NULL as a marker no text can equal, text exactly as stored. Rows are
matched on the mart's primary key (its contract's primary_key constraint in the manifest; every column when it has
none); a difference is reported by mart, key and column, with both renderings and the engines' names.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from digital_city.publishing.layout import MART_SCHEMA

PLACES = 6
NULL = "<NULL>"


def render(value: Any) -> str:
    """The one text form both engines' values are compared in."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        text = f"{Decimal(str(value)) if isinstance(value, float) else value:.{PLACES}f}"
        return text[1:] if text.startswith("-") and not text.strip("-0.") else text
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(render(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {render(item)}" for key, item in value.items()) + "}"
    return str(value)


@dataclass(frozen=True)
class Difference:
    mart: str
    key: str
    column: str
    duckdb: str
    other: str
    engine: str = "postgres"

    def __str__(self) -> str:
        return f"{self.mart} [{self.key}] {self.column}: duckdb {self.duckdb!r} != {self.engine} {self.other!r}"


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def primary_keys(manifest: Path) -> dict[str, list[str]]:
    """mart name -> its contract's primary key columns."""
    keys: dict[str, list[str]] = {}
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"].values()
    for node in nodes:
        if node["resource_type"] != "model":
            continue
        for constraint in node.get("constraints") or []:
            if constraint.get("type") == "primary_key":
                keys[node["name"]] = list(constraint["columns"])
        for column in (node.get("columns") or {}).values():
            if any(c.get("type") == "primary_key" for c in column.get("constraints") or []):
                keys.setdefault(node["name"], []).append(column["name"])
    return keys


def duckdb_marts(path: Path) -> dict[str, Table]:
    with duckdb.connect(str(path), read_only=True) as con:
        names = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = ? order by table_name",
            [MART_SCHEMA],
        ).fetchall()]
        tables = {}
        for name in names:
            cursor = con.execute(f'select * from "{MART_SCHEMA}"."{name}"')
            tables[name] = Table([d[0] for d in cursor.description], cursor.fetchall())
    return tables


def dbapi_marts(connection: Any, placeholder: str = "%s") -> dict[str, Table]:
    """Every table of the marts schema through a DB-API connection (`placeholder`: the driver's paramstyle)."""
    cursor = connection.cursor()
    try:
        cursor.execute("select table_name from information_schema.tables "
                       f"where table_schema = {placeholder} order by table_name", [MART_SCHEMA])
        names = [r[0] for r in cursor.fetchall()]
        tables = {}
        for name in names:
            cursor.execute(f'select * from "{MART_SCHEMA}"."{name}"')
            tables[name] = Table([d[0] for d in cursor.description], cursor.fetchall())
    finally:
        cursor.close()
    return tables


def compare_table(mart: str, left: Table, right: Table, key: Sequence[str], engine: str = "postgres"
                  ) -> list[Difference]:
    if left.columns != right.columns:
        return [Difference(mart, "(columns)", "(all)", ", ".join(left.columns), ", ".join(right.columns), engine)]
    key = [c for c in key if c in left.columns] or list(left.columns)
    positions = [left.columns.index(c) for c in key]

    def keyed(rows: Iterable[tuple[Any, ...]]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for row in rows:
            rendered = [render(v) for v in row]
            label = ", ".join(f"{c}={rendered[p]}" for c, p in zip(key, positions))
            while label in out:  # no primary key and a repeated row: keep both
                label += " (again)"
            out[label] = rendered
        return out

    ours, theirs = keyed(left.rows), keyed(right.rows)
    differences = []
    for label in sorted(ours.keys() | theirs.keys()):
        if label not in theirs:
            differences.append(Difference(mart, label, "(row)", "present", "missing", engine))
        elif label not in ours:
            differences.append(Difference(mart, label, "(row)", "missing", "present", engine))
        else:
            for column, a, b in zip(left.columns, ours[label], theirs[label]):
                if a != b:
                    differences.append(Difference(mart, label, column, a, b, engine))
    return differences


def compare(duck: dict[str, Table], other: dict[str, Table], keys: dict[str, list[str]], engine: str = "postgres"
            ) -> list[Difference]:
    """Every difference between DuckDB's marts and `engine`'s, by mart, key and column (empty: the same)."""
    differences = []
    for mart in sorted(duck.keys() | other.keys()):
        if mart not in other:
            differences.append(Difference(mart, "(table)", "(all)", "present", "missing", engine))
        elif mart not in duck:
            differences.append(Difference(mart, "(table)", "(all)", "missing", "present", engine))
        else:
            differences.extend(compare_table(mart, duck[mart], other[mart], keys.get(mart, []), engine))
    return differences
