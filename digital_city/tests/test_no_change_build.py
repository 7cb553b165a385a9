"""The no-change fast path of `make build` (digital_city/pipeline/inputs.py, build.fast_path_release): taken only when
nothing the build is made from changed since the live release, never in CI, never with --force."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from digital_city.pipeline.build import Options, fast_path_release, fingerprint
from digital_city.pipeline.inputs import inputs_sha256
from digital_city.publishing.layout import Warehouse
from digital_city.tests.project_copy import WORK_DB, BuiltProject, published_digests, run_pipeline


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    "changed",
    ["seeds/report/a.csv", "models/staging/stg_a.sql", "macros/m.sql", "tests/t.sql", "dbt_project.yml",
     "requirements.lock", "digital_city/publishing/release.py"],
)
def test_every_kind_of_input_changes_the_hash(tmp_path: Path, changed: str) -> None:
    for name in ["seeds/report/a.csv", "models/staging/stg_a.sql", "macros/m.sql", "tests/t.sql", "dbt_project.yml",
                 "requirements.lock", "digital_city/publishing/release.py"]:
        write(tmp_path / name, f"{name}\n")
    before = inputs_sha256(tmp_path)
    write(tmp_path / changed, "edited\n")
    assert inputs_sha256(tmp_path) != before


def test_caches_tests_and_docs_do_not_change_the_hash_but_options_do(tmp_path: Path) -> None:
    write(tmp_path / "models/a.sql", "select 1\n")
    before = inputs_sha256(tmp_path, ["target=dev"])
    write(tmp_path / "digital_city/__pycache__/x.cpython-311.pyc", "bytes")
    write(tmp_path / "digital_city/tests/test_x.py", "def test(): pass\n")
    write(tmp_path / "README.md", "prose\n")
    assert inputs_sha256(tmp_path, ["target=dev"]) == before
    assert inputs_sha256(tmp_path, ["target=ci"]) != before


def options_for(project: BuiltProject, **overrides: object) -> Options:
    base = Options(project_dir=project.root, work_db=project.root / WORK_DB, publish_dir=project.publish_dir,
                   warn_error=True)
    return Options(**{**base.__dict__, "inputs_sha256": inputs_sha256(project.root, fingerprint(base)),
                      **overrides})  # type: ignore[arg-type]


def test_an_unchanged_project_is_not_built_again(built_project: BuiltProject, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    live = Warehouse(built_project.publish_dir).current_id()
    before = published_digests(built_project.publish_dir)
    releases = sorted(p.name for p in Warehouse(built_project.publish_dir).releases.iterdir())

    again = run_pipeline(built_project.root, force=False, env={"CI": ""})

    assert again.returncode == 0, again.stderr
    assert f"nothing changed since release {live}" in again.stdout
    assert "=== dbt build" not in again.stdout
    assert published_digests(built_project.publish_dir) == before
    assert sorted(p.name for p in Warehouse(built_project.publish_dir).releases.iterdir()) == releases


def test_ci_force_selections_and_edits_always_build(built_project: BuiltProject,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    live = Warehouse(built_project.publish_dir).current_id()
    assert fast_path_release(options_for(built_project)) == live
    assert fast_path_release(options_for(built_project, force=True)) is None
    assert fast_path_release(options_for(built_project, select="dim_date")) is None
    assert fast_path_release(options_for(built_project, warn_error=False,
                                         inputs_sha256=inputs_sha256(built_project.root, fingerprint(
                                             options_for(built_project, warn_error=False))))) is None
    monkeypatch.setenv("CI", "true")
    assert fast_path_release(options_for(built_project)) is None
    monkeypatch.delenv("CI")

    model = next((built_project.root / "models").rglob("dim_date.sql"))
    original = model.read_bytes()
    try:
        model.write_bytes(original + b"\n-- an edit\n")
        assert fast_path_release(options_for(built_project)) is None
    finally:
        model.write_bytes(original)
    assert fast_path_release(options_for(built_project)) == live
    work_db = built_project.root / WORK_DB
    moved = work_db.with_name("moved.duckdb")
    os.rename(work_db, moved)
    try:
        assert fast_path_release(options_for(built_project)) is None, "no work database: build again"
    finally:
        os.rename(moved, work_db)


def test_a_release_whose_files_no_longer_match_is_built_again(built_project: BuiltProject,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    warehouse = Warehouse(built_project.publish_dir)
    live = warehouse.current_id()
    assert live is not None and fast_path_release(options_for(built_project)) == live
    parquet = sorted((warehouse.release_dir(live) / "parquet").glob("*.parquet"))[0]
    original, mode = parquet.read_bytes(), parquet.stat().st_mode
    parquet.chmod(0o644)
    try:
        parquet.write_bytes(original + b"tampered")
        assert fast_path_release(options_for(built_project)) is None
    finally:
        parquet.write_bytes(original)
        parquet.chmod(mode)
    assert fast_path_release(options_for(built_project)) == live
