"""The published warehouse carries the dbt docs as DuckDB comments, so a BI tool shows them beside the data."""

from __future__ import annotations

import duckdb

from digital_city.tests.project_copy import BuiltProject


def test_every_published_mart_and_column_has_its_description(built_project: BuiltProject) -> None:
    marts = {
        # The relation: a versioned mart's versions are <name>_v<n> (its unversioned name is a view).
        node.get("alias") or node["name"]: node
        for node in built_project.manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "marts"
    }
    database = built_project.publish_dir / "digital_city.duckdb"
    with duckdb.connect(str(database), read_only=True) as con:
        tables = dict(con.execute("select table_name, comment from duckdb_tables() where schema_name = 'marts'").fetchall())
        columns = con.execute(
            "select table_name, column_name, comment from duckdb_columns() where schema_name = 'marts'"
        ).fetchall()
    assert set(tables) == set(marts)
    for name, comment in tables.items():
        assert comment and comment.strip() == marts[name]["description"].strip(), name
    undocumented = [(table, column) for table, column, comment in columns if not (comment or "").strip()]
    assert not undocumented, f"columns without a comment in the published warehouse: {undocumented}"
