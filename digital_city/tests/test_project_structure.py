"""Project structure over dbt's manifest: documentation, primary-key tests, layer prefixes, mart contracts, layering.

The manifest comes from a fresh `dbt parse` into a temporary target path (nothing in the repository is written);
the output-columns rule reads the relations of the session's built copy of the project (conftest.py).
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from digital_city.checks.project_rules import (
    RULES,
    layer_violations,
    uncontracted_marts,
    undocumented,
    undocumented_output_columns,
    without_primary_key_test,
    wrong_prefix,
)
from digital_city.tests.project_copy import BuiltProject
from digital_city.project import ROOT



@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("parse")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBT_", "DIGITAL_CITY_"))}
    env.update(DIGITAL_CITY_WORK_DB=str(out / "unused.duckdb"), DBT_SEND_ANONYMOUS_USAGE_STATS="False")
    args = ["parse", "--project-dir", str(ROOT), "--profiles-dir", str(ROOT), "--target-path", str(out / "target")]
    done = subprocess.run(
        [sys.executable, "-m", "digital_city", "dbt", *args, "--log-path", str(out / "logs")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"dbt parse failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return json.loads((out / "target" / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("rule", RULES, ids=list(RULES))
def test_rule_holds(manifest: dict[str, Any], rule: str) -> None:
    assert sum(1 for n in manifest["nodes"].values() if n["resource_type"] == "model") > 0
    violations = RULES[rule](manifest)
    assert not violations, f"{rule}:\n  " + "\n  ".join(violations)


def test_every_output_column_is_documented(built_project: BuiltProject) -> None:
    con = duckdb.connect(str(built_project.good_db), read_only=True)
    try:
        rows = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns order by ordinal_position"
        ).fetchall()
    finally:
        con.close()
    by_relation: dict[tuple[str, str], list[str]] = {}
    for schema, table, column in rows:
        by_relation.setdefault((schema, table), []).append(column)
    output = {
        node["name"]: by_relation[(node["schema"], node.get("alias") or node["name"])]
        for node in built_project.manifest["nodes"].values()
        if node["resource_type"] == "model" and (node["schema"], node.get("alias") or node["name"]) in by_relation
    }
    violations = undocumented_output_columns(built_project.manifest, output)
    assert not violations, "\n  ".join(["columns differ from the yml:", *violations])


# A two-model project that keeps every rule; each test below breaks it in one way.
GOOD: dict[str, Any] = {
    "nodes": {
        "seed.p.raw_things": {"resource_type": "seed", "name": "raw_things"},
        "model.p.stg_src__things": {
            "resource_type": "model",
            "name": "stg_src__things",
            "original_file_path": "models/staging/src/stg_src__things.sql",
            "description": "Things.",
            "columns": {"thing_key": {"description": "Key."}},
            "config": {"contract": {"enforced": False}},
            "depends_on": {"nodes": ["seed.p.raw_things"]},
        },
        "model.p.dim_thing": {
            "resource_type": "model",
            "name": "dim_thing",
            "original_file_path": "models/marts/x/dim_thing.sql",
            "description": "物 · Things.",
            "columns": {"thing_key": {"description": "Key."}},
            "config": {"contract": {"enforced": True}},
            "depends_on": {"nodes": ["model.p.int_things_joined"]},
        },
        "model.p.int_things_joined": {
            "resource_type": "model",
            "name": "int_things_joined",
            "original_file_path": "models/intermediate/x/int_things_joined.sql",
            "description": "Joined.",
            "columns": {"thing_key": {"description": "Key."}},
            "config": {},
            "depends_on": {"nodes": ["model.p.stg_src__things"]},
        },
        "test.p.unique_stg": {
            "resource_type": "test",
            "attached_node": "model.p.stg_src__things",
            "column_name": "thing_key",
            "test_metadata": {"name": "unique"},
        },
        "test.p.not_null_stg": {
            "resource_type": "test",
            "attached_node": "model.p.stg_src__things",
            "column_name": "thing_key",
            "test_metadata": {"name": "not_null"},
        },
        "test.p.combo_int": {
            "resource_type": "test",
            "attached_node": "model.p.int_things_joined",
            "column_name": None,
            "test_metadata": {"name": "unique_combination"},
        },
        "test.p.unique_dim": {
            "resource_type": "test",
            "attached_node": "model.p.dim_thing",
            "column_name": "thing_key",
            "test_metadata": {"name": "unique"},
        },
        "test.p.not_null_dim": {
            "resource_type": "test",
            "attached_node": "model.p.dim_thing",
            "column_name": "thing_key",
            "test_metadata": {"name": "not_null"},
        },
    }
}


def broken(change: str) -> dict[str, Any]:
    fake = copy.deepcopy(GOOD)
    nodes = fake["nodes"]
    if change == "no description":
        nodes["model.p.dim_thing"]["description"] = " "
    elif change == "column without description":
        nodes["model.p.dim_thing"]["columns"]["label_zh"] = {"description": ""}
    elif change == "no key test":
        del nodes["test.p.not_null_dim"]
    elif change == "key tests on different columns":
        nodes["test.p.not_null_dim"]["column_name"] = "other"
    elif change == "bad prefix":
        nodes["model.p.dim_thing"]["name"] = "things_wide"
    elif change == "no layer folder":
        nodes["model.p.dim_thing"]["original_file_path"] = "models/dim_thing.sql"
    elif change == "mart without contract":
        nodes["model.p.dim_thing"]["config"] = {"contract": {"enforced": False}}
    elif change == "mart reads a seed":
        nodes["model.p.dim_thing"]["depends_on"]["nodes"].append("seed.p.raw_things")
    elif change == "mart skips intermediate":
        nodes["model.p.dim_thing"]["depends_on"]["nodes"] = ["model.p.stg_src__things"]
    elif change == "intermediate reads a mart":
        nodes["model.p.int_things_joined"]["depends_on"]["nodes"].append("model.p.dim_thing")
    elif change == "staging reads staging":
        nodes["model.p.stg_src__things"]["depends_on"]["nodes"] = ["model.p.stg_src__things"]
    return fake


@pytest.mark.parametrize(
    ("change", "rule", "message"),
    [
        ("no description", undocumented, "dim_thing: no description"),
        ("column without description", undocumented, "dim_thing.label_zh: no description"),
        ("no key test", without_primary_key_test, "dim_thing: no primary-key test"),
        ("key tests on different columns", without_primary_key_test, "dim_thing: no primary-key test"),
        ("bad prefix", wrong_prefix, "things_wide: a marts model must start with fct_ or dim_"),
        ("no layer folder", wrong_prefix, "is in no layer folder"),
        ("mart without contract", uncontracted_marts, "dim_thing: mart without an enforced contract"),
        ("mart reads a seed", layer_violations, "dim_thing (marts) reads seed.p.raw_things (seed)"),
        ("mart skips intermediate", layer_violations, "dim_thing (marts) reads model.p.stg_src__things (staging)"),
        ("intermediate reads a mart", layer_violations, "int_things_joined (intermediate) reads model.p.dim_thing"),
        ("staging reads staging", layer_violations, "stg_src__things (staging) reads model.p.stg_src__things"),
    ],
)
def test_each_rule_catches_a_fake_violation(change, rule, message) -> None:
    assert rule(GOOD) == []
    violations = rule(broken(change))
    assert any(message in v for v in violations), violations


def test_output_columns_rule_sees_both_directions() -> None:
    output = {"stg_src__things": ["thing_key"], "int_things_joined": ["thing_key"], "dim_thing": ["thing_key", "extra"]}
    assert undocumented_output_columns(GOOD, {**output, "dim_thing": ["thing_key"]}) == []
    assert undocumented_output_columns(GOOD, output) == ["dim_thing.extra: in the output but not in the yml"]
    assert undocumented_output_columns(GOOD, {**output, "dim_thing": []}) == [
        "dim_thing.thing_key: in the yml but not in the output"
    ]
    assert undocumented_output_columns(GOOD, {})[0] == "dim_thing: not built, output columns unknown"
