"""The mf wrapper: target-path and profile handling, and `mf validate-configs` over the session's built copy."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from digital_city.semantic_layer import make_mf_project, profiles_for, run, target_path
from digital_city.tests.project_copy import BuiltProject, pipeline_env

PROFILES = {
    "digital_city": {
        "target": "dev",
        "outputs": {
            "dev": {"type": "duckdb", "path": "build/work/digital_city.duckdb"},
            "ci": {"type": "duckdb", "path": "build/ci/digital_city.duckdb", "config_options": {"threads": 1}},
        },
    }
}


def test_target_path_follows_dbt(tmp_path: Path) -> None:
    assert target_path(None, {}, tmp_path) == tmp_path / "target"
    assert target_path(None, {"DBT_TARGET_PATH": "target_x"}, tmp_path) == tmp_path / "target_x"
    assert target_path("target_y", {"DBT_TARGET_PATH": "target_x"}, tmp_path) == tmp_path / "target_y"
    assert target_path("/abs/t", {}, tmp_path) == Path("/abs/t")


def test_profiles_for_sets_target_and_read_only_without_touching_the_input() -> None:
    profiles = profiles_for(PROFILES, "digital_city", "ci", read_only=True)
    assert profiles["digital_city"]["target"] == "ci"
    assert profiles["digital_city"]["outputs"]["ci"]["config_options"] == {"threads": 1, "access_mode": "read_only"}
    assert "config_options" not in profiles["digital_city"]["outputs"]["dev"]
    assert PROFILES["digital_city"]["target"] == "dev"
    assert "access_mode" not in PROFILES["digital_city"]["outputs"]["ci"]["config_options"]


def test_profiles_for_keeps_the_default_target_read_write() -> None:
    profiles = profiles_for(PROFILES, "digital_city", None, read_only=False)
    assert profiles["digital_city"]["target"] == "dev"
    assert "config_options" not in profiles["digital_city"]["outputs"]["dev"]


@pytest.mark.parametrize(("profile", "target"), [("other", None), ("digital_city", "prod")])
def test_profiles_for_rejects_unknown_names(profile: str, target: str | None) -> None:
    with pytest.raises(ValueError, match="not in"):
        profiles_for(PROFILES, profile, target, read_only=False)


def test_mf_project_links_the_target_path_as_target(tmp_path: Path) -> None:
    project, manifests, into = tmp_path / "project", tmp_path / "target_someone", tmp_path / "mf"
    for folder in (project, manifests, into):
        folder.mkdir()
    (project / "dbt_project.yml").write_text("name: p\n", encoding="utf-8")
    (manifests / "semantic_manifest.json").write_text("{}", encoding="utf-8")
    make_mf_project(project, manifests, PROFILES, into)
    assert (into / "target" / "semantic_manifest.json").read_text(encoding="utf-8") == "{}"
    assert (into / "dbt_project.yml").read_text(encoding="utf-8") == "name: p\n"
    assert "digital_city" in (into / "profiles.yml").read_text(encoding="utf-8")


def test_missing_semantic_manifest_fails_before_mf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--target-path", str(tmp_path), "--", "validate-configs"]) == 2
    assert "no semantic_manifest.json" in capsys.readouterr().err


def test_an_mf_command_is_required() -> None:
    with pytest.raises(SystemExit):
        run(["--target-path", "target"])


def validate_configs(built: BuiltProject, manifest_dir: Path) -> subprocess.CompletedProcess[str]:
    database = built.publish_dir / "digital_city.duckdb"
    args = ["--project-dir", str(built.root), "--target-path", str(manifest_dir), "--db", str(database), "--read-only"]
    return subprocess.run(
        [sys.executable, "-m", "digital_city", "mf", *args, "--", "validate-configs"],
        cwd=built.root,
        env=pipeline_env(built.root),
        capture_output=True,
        text=True,
        check=False,
    )


def test_validate_configs_passes_on_the_published_warehouse_without_writing_it(built_project: BuiltProject) -> None:
    database = built_project.publish_dir / "digital_city.duckdb"
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    done = validate_configs(built_project, built_project.root / "target")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Successfully validated metrics against data warehouse" in done.stdout
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before


def test_validate_configs_fails_on_a_column_the_warehouse_lacks(built_project: BuiltProject, tmp_path: Path) -> None:
    manifest = json.loads((built_project.root / "target" / "semantic_manifest.json").read_text(encoding="utf-8"))
    model = next(m for m in manifest["semantic_models"] if m["name"] == "market_size")
    next(d for d in model["dimensions"] if d["name"] == "measure_code")["expr"] = "no_such_column"
    (tmp_path / "semantic_manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    done = validate_configs(built_project, tmp_path)
    assert done.returncode != 0
    assert "no_such_column" in done.stdout + done.stderr


def test_report_figures_count_by_kind_as_the_catalogue_holds_them(built_project: BuiltProject, tmp_path: Path) -> None:
    """`mf query` counts the catalogue's figures by kind, the new kinds (survey ranks, sample sizes, cohorts, age
    groups) included, with the counts the published mart holds."""
    import duckdb

    database = built_project.publish_dir / "digital_city.duckdb"
    args = ["--project-dir", str(built_project.root), "--target-path", str(built_project.root / "target"),
            "--db", str(database), "--read-only"]
    query = ["query", "--metrics", "report_figures", "--group-by", "report_figure__figure_kind", "--csv",
             str(tmp_path / "kinds.csv")]
    done = subprocess.run([sys.executable, "-m", "digital_city", "mf", *args, "--", *query], cwd=built_project.root,
                          env=pipeline_env(built_project.root), capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    lines = (tmp_path / "kinds.csv").read_text(encoding="utf-8").split()
    assert lines[0] == "report_figure__figure_kind,report_figures", lines[0]
    counted = {kind: int(n) for kind, n in (line.split(",") for line in lines[1:])}
    with duckdb.connect(str(database), read_only=True) as con:
        held = dict(con.execute("select figure_kind, count(*) from marts.fct_report_figures group by 1").fetchall())
    assert counted == held
    assert {"value", "rank", "sample_size", "birth_cohort", "age_group"} <= counted.keys()
