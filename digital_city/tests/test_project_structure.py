"""Project structure: the rules of digital_city/tests/support/project_rules.py over dbt's manifest and the project's files,
and proof that the dbt-bouncer configuration (dbt-bouncer.yml) catches what it is there to catch.

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
import yaml

from digital_city.tests.support.project_rules import (
    FILE_RULES,
    RULES,
    column_docs,
    labels_spelled_twice,
    long_yml_files,
    owners,
    seed_reads,
    undocumented_output_columns,
)
from digital_city.project import ROOT
from digital_city.tests.project_copy import BuiltProject

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A target directory holding the manifest of a fresh `dbt parse` of the project."""
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
    return out / "target"


@pytest.fixture(scope="module")
def manifest(parsed: Path) -> dict[str, Any]:
    return json.loads((parsed / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("rule", RULES, ids=list(RULES))
def test_rule_holds(manifest: dict[str, Any], rule: str) -> None:
    assert sum(1 for n in manifest["nodes"].values() if n["resource_type"] == "model") > 0
    violations = RULES[rule](manifest)
    assert not violations, f"{rule}:\n  " + "\n  ".join(violations)


@pytest.mark.parametrize("rule", FILE_RULES, ids=list(FILE_RULES))
def test_file_rule_holds(rule: str) -> None:
    violations = FILE_RULES[rule](ROOT)
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


# A small project that keeps every manifest rule; each test below breaks it in one way.
GOOD: dict[str, Any] = {
    "metadata": {"project_name": "p"},
    "groups": {"group.p.things": {"name": "things", "owner": {"name": "m", "email": "m@example.net"}}},
    "exposures": {"exposure.p.board": {"name": "board", "owner": {"name": "m", "email": "m@example.net"}}},
    "docs": {
        "doc.p.thing_key": {"name": "thing_key", "package_name": "p", "block_contents": "Key."},
        "doc.p.kind_zh": {"name": "kind_zh", "package_name": "p", "block_contents": "Kind in Chinese."},
    },
    "nodes": {
        "seed.p.raw_things": {
            "resource_type": "seed",
            "name": "raw_things",
            "original_file_path": "seeds/report/raw_things.csv",
            "columns": {"thing_key": {"description": "Key."}},
        },
        "seed.p.lkp_kind": {
            "resource_type": "seed",
            "name": "lkp_kind",
            "original_file_path": "seeds/lookups/lkp_kind.csv",
            "columns": {"kind_zh": {"description": "Kind in Chinese."}},
        },
        "model.p.stg_src__things": {
            "resource_type": "model",
            "name": "stg_src__things",
            "original_file_path": "models/staging/src/stg_src__things.sql",
            "columns": {"thing_key": {"description": "Key."}},
            "depends_on": {"nodes": ["seed.p.raw_things"]},
        },
        "model.p.int_things_labelled": {
            "resource_type": "model",
            "name": "int_things_labelled",
            "original_file_path": "models/intermediate/x/int_things_labelled.sql",
            "columns": {"thing_key": {"description": "Key."}, "kind_zh": {"description": "Kind in Chinese."}},
            "depends_on": {"nodes": ["model.p.stg_src__things", "seed.p.lkp_kind"]},
        },
    },
}


def broken(change: str) -> dict[str, Any]:
    fake = copy.deepcopy(GOOD)
    nodes = fake["nodes"]
    if change == "intermediate reads a data seed":
        nodes["model.p.int_things_labelled"]["depends_on"]["nodes"].append("seed.p.raw_things")
    elif change == "staging reads a lookup":
        nodes["model.p.stg_src__things"]["depends_on"]["nodes"].append("seed.p.lkp_kind")
    elif change == "staging reads no seed":
        nodes["model.p.stg_src__things"]["depends_on"]["nodes"] = []
    elif change == "own column text":
        nodes["model.p.int_things_labelled"]["columns"]["kind_zh"]["description"] = "The kind, 中文."
    elif change == "exposure owned by someone else":
        fake["exposures"]["exposure.p.board"]["owner"] = {"name": "Data team", "email": "data@example.org"}
    elif change == "column without a doc block":
        nodes["seed.p.raw_things"]["columns"]["note"] = {"description": "A note."}
    return fake


@pytest.mark.parametrize(
    ("change", "rule", "message"),
    [
        ("intermediate reads a data seed", seed_reads, "int_things_labelled (intermediate) reads data seed seed.p.raw_things"),
        ("staging reads a lookup", seed_reads, "stg_src__things (staging) reads lookup seed.p.lkp_kind"),
        ("staging reads no seed", seed_reads, "stg_src__things (staging) must read exactly one data seed"),
        ("own column text", column_docs, "int_things_labelled.kind_zh: describe it with"),
        ("column without a doc block", column_docs, "raw_things.note: no doc block `note`"),
        ("exposure owned by someone else", owners, "exposure board: owner ('Data team', 'data@example.org')"),
    ],
)
def test_each_rule_catches_a_fake_violation(change, rule, message) -> None:
    assert rule(GOOD) == []
    violations = rule(broken(change))
    assert any(message in v for v in violations), violations


def fake_tree(root: Path, sql: str = "select 1", yml: str = "version: 2\n", extra_lookup: str = "") -> Path:
    (root / "seeds" / "lookups").mkdir(parents=True)
    (root / "seeds" / "lookups" / "lkp_kind.csv").write_text(
        "kind,kind_zh,kind_en\nbig,大型,Large\nexact,确切,exact\n", encoding="utf-8"
    )
    if extra_lookup:
        (root / "seeds" / "lookups" / "lkp_other.csv").write_text(extra_lookup, encoding="utf-8")
    (root / "models").mkdir()
    (root / "models" / "m.sql").write_text(sql, encoding="utf-8")
    (root / "models" / "m.yml").write_text(yml, encoding="utf-8")
    return root


def test_labels_spelled_twice_finds_sql_yml_and_lookup_copies(tmp_path: Path) -> None:
    assert labels_spelled_twice(fake_tree(tmp_path / "good", sql="select 'big' as kind, 'exact' as qualifier")) == []
    in_sql = labels_spelled_twice(fake_tree(tmp_path / "sql", sql="select case kind when 'big' then '大型' end"))
    assert in_sql == ["models/m.sql: '大型' is a label of lkp_kind.kind_zh"]
    in_yml = labels_spelled_twice(
        fake_tree(tmp_path / "yml", yml="models:\n  - name: m\n    columns:\n      - name: k\n"
                  "        data_tests:\n          - accepted_values:\n              arguments: {values: [Large]}\n")
    )
    assert in_yml == ["models/m.yml: 'Large' is a label of lkp_kind.kind_en"]
    twice = labels_spelled_twice(fake_tree(tmp_path / "lkp", extra_lookup="size,size_zh\nl,大型\n"))
    assert twice == ["lkp_other.size_zh: '大型' is also a label of lkp_kind.kind_zh"]


def test_long_yml_files_are_named(tmp_path: Path) -> None:
    fake_tree(tmp_path, yml="version: 2\n" + "# filler\n" * 400)
    assert long_yml_files(tmp_path) == ["models/m.yml: 401 lines (at most 400: split it)"]


def test_dbt_bouncer_config_catches_access_names_and_rejoins(parsed: Path, tmp_path: Path) -> None:
    """The linter run by `make test` fails a mart that is not public, a misnamed model and a rejoin."""
    manifest = json.loads((parsed / "manifest.json").read_text(encoding="utf-8"))
    nodes = manifest["nodes"]
    nodes["model.digital_city.dim_city"]["access"] = "protected"
    nodes["model.digital_city.fct_market_size"]["name"] = "market_size_wide"
    scorecard = nodes["model.digital_city.fct_city_scorecard.v2"]  # a versioned mart: one node per version
    # int_city_broadband_memberships feeds only the scorecard: reading its parent as well is a rejoin.
    scorecard["depends_on"]["nodes"].append("model.digital_city.int_pilot_programs_classified")
    artifacts = tmp_path / "target"
    artifacts.mkdir()
    (artifacts / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    config = yaml.safe_load((ROOT / "dbt-bouncer.yml").read_text(encoding="utf-8"))
    config["dbt_artifacts_dir"] = str(artifacts)
    (tmp_path / "dbt-bouncer.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    done = subprocess.run(
        [str(BIN / "dbt-bouncer"), "run", "--config-file", str(tmp_path / "dbt-bouncer.yml"), "--show-all-failures"],
        cwd=ROOT, capture_output=True, text=True, check=False, env={**os.environ, "COLUMNS": "200"},
    )
    output = done.stdout + done.stderr
    assert done.returncode != 0, output[-3000:]
    for failure in ("check_model_access", "check_model_names", "check_model_does_not_rejoin_upstream_concepts"):
        assert failure in output, f"{failure} not reported:\n{output[-4000:]}"
