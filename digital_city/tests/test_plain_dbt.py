"""Plain dbt commands, as an analyst types them in a fresh clone (no build/ folder yet, no Makefile variables):
`dbt build`, `dbt build --select <model>+`, and the README's own-file recipe with `DIGITAL_CITY_WORK_DB`.
DuckDB creates no folders; the profile's plugin (digital_city/pipeline/duckdb_folders.py) does."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from digital_city.project import ROOT
from digital_city.tests.project_copy import copy_project

DBT = ROOT / ".venv" / "bin" / "dbt"


def analyst_env(**extra: str) -> dict[str, str]:
    # What a shell has outside make: none of the Makefile's DBT_* exports, nor DIGITAL_CITY_* from a parent build.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBT_", "DIGITAL_CITY_"))}
    return {**env, "DO_NOT_TRACK": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "False", **extra}


def dbt(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(DBT), *args], cwd=root, env=analyst_env(**env), capture_output=True, text=True,
                          check=False)
    output = done.stdout + done.stderr
    assert "Traceback" not in output and "Cannot open file" not in output, output[-3000:]
    assert done.returncode == 0, f"dbt {' '.join(args)} failed:\n{output[-3000:]}"
    return done


def self_contained_seed(manifest: dict) -> str:
    """A seed whose descendants read nothing outside them: `<it>+` builds in an empty file."""
    children, parents = manifest["child_map"], manifest["parent_map"]
    for unique_id, node in sorted(manifest["nodes"].items()):
        if node["resource_type"] != "seed":
            continue
        cone, todo = {unique_id}, [unique_id]
        while todo:
            for child in children.get(todo.pop(), []):
                if child not in cone:
                    cone.add(child)
                    todo.append(child)
        if len(cone) > 2 and all(p in cone for member in cone for p in parents.get(member, [])):
            return str(node["name"])
    raise AssertionError("no seed whose descendants build on their own")


@pytest.mark.skipif(not DBT.is_file(), reason="the environment is not installed (make build installs it)")
def test_plain_dbt_commands_work_in_a_fresh_clone(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    assert not (root / "build").exists()

    dbt(root, "build")
    assert (root / "build" / "work" / "digital_city.duckdb").is_file()

    manifest = json.loads((root / "target" / "manifest.json").read_text(encoding="utf-8"))
    staging = min(n["name"] for n in manifest["nodes"].values()
                  if n["resource_type"] == "model" and n["name"].startswith("stg_"))
    selected = dbt(root, "build", "--select", f"{staging}+")
    assert f"model {staging}" in selected.stdout or staging in selected.stdout

    seed = self_contained_seed(manifest)
    own = dbt(root, "build", "--select", f"{seed}+", DIGITAL_CITY_WORK_DB="build/me/digital_city.duckdb")
    assert (root / "build" / "me" / "digital_city.duckdb").is_file()
    assert "Completed successfully" in own.stdout
