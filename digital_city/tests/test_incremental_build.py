"""Incremental `make build` (digital_city/pipeline/build.py, plan): after an edit, only what changed and what depends on
it is rebuilt (dbt's state:modified+ against the live release's dbt manifest, in the kept work database), and the
release it publishes equals a full build's, mart by mart and row by row.

One project copy, one full build: it starts from the session build's work database and warehouse, builds a seed edit
with --select (which must not poison the next build), then the next plain build must be a full one (F); reverting the
edits is built incrementally and must equal the session's own full build of the pristine project, and re-applying
them incrementally must equal F. The edits cover an edited seed row, an edited staging model, an edited macro and a
new model; reverting them deletes that model. Last, deleting a contracted mart must stop the incremental build.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb
import pytest

from digital_city.pipeline.build import Options, fingerprint, plan, stamp_path
from digital_city.pipeline.inputs import environment_parts
from digital_city.project import ROOT
from digital_city.publishing.layout import Warehouse
from digital_city.tests.project_copy import WORK_DB, BuiltProject, copy_project, run_pipeline


@dataclass(frozen=True)
class Edit:
    path: str
    old: str | None  # None: a new file; `new` None: a deleted file
    new: str | None
    shows_in: str  # the mart in which the edit must show (a full build's release differs from the pristine one there)


NEW_MODEL = """{{ config(contract={'enforced': false}) }}
-- A model added by test_incremental_build.py: how many problems the report names.
select count(*) as problem_count from {{ ref('stg_report__city_problems') }}
"""

EDITS = [
    Edit("seeds/report/report_city_problems.csv", "Business models hard to sustain,",
         "Business models hard to sustain (edited),", "dim_city_problem"),
    Edit("models/staging/report/stg_report__leader_statements.sql", "trim(speaker_en) as speaker_en",
         "upper(trim(speaker_en)) as speaker_en", "fct_leader_statements"),
    Edit("macros/survey_rank_mart.sql", "    item_en,\n", "    lower(item_en) as item_en,\n",
         "fct_city_focus_ranks"),
    Edit("models/marts/smart_city/fct_incremental_probe.sql", None, NEW_MODEL, "fct_incremental_probe"),
]
# Deleting a contracted mart is a breaking change: the incremental build must stop on it, not warn.
CONTRACTED = ("models/marts/smart_city/dim_city_driver.sql", "models/marts/smart_city/dim_city_driver.yml")


def apply(root: Path, originals: dict[str, str]) -> None:
    for edit in EDITS:
        path = root / edit.path
        if edit.old is None:
            path.write_text(edit.new or "", encoding="utf-8")
        elif edit.new is None:
            path.unlink()
        else:
            text = originals[edit.path]
            assert text.count(edit.old) == 1, f"{edit.path} no longer holds {edit.old!r}: update this test's edit"
            path.write_text(text.replace(edit.old, edit.new), encoding="utf-8")


def revert(root: Path, originals: dict[str, str]) -> None:
    for edit in EDITS:
        path = root / edit.path
        if edit.old is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(originals[edit.path], encoding="utf-8")


def marts(database: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every published mart's columns and rows, sorted (a table with no order)."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        names = [n for (n,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
        found = {}
        for name in names:
            cursor = con.execute(f'select * from marts."{name}"')
            columns = tuple(f"{d[0]}:{d[1]}" for d in cursor.description)
            found[name] = [columns, *sorted(cursor.fetchall(), key=repr)]
        return found
    finally:
        con.close()


def assert_same_marts(got: Path, expected: Path) -> None:
    mine, theirs = marts(got), marts(expected)
    assert sorted(mine) == sorted(theirs), "the incremental release publishes other marts than the full build"
    differ = [name for name in theirs if mine[name] != theirs[name]]
    assert not differ, f"marts differing from the full build's, row by row: {differ}"


def build_info(publish_dir: Path) -> dict[str, Any]:
    warehouse = Warehouse(publish_dir)
    return warehouse.manifest(str(warehouse.current_id()))["build"]


def live_db(publish_dir: Path) -> Path:
    return (publish_dir / "current").resolve() / "digital_city.duckdb"


@dataclass
class Copy:
    root: Path
    originals: dict[str, str]
    pristine_db: Path  # the session's full build of the unedited project
    edited_db: Path | None = None  # the full build of the edited project
    full_nodes: int = 0


@pytest.fixture(scope="module")
def project(built_project: BuiltProject, tmp_path_factory: pytest.TempPathFactory) -> Copy:
    root = copy_project(tmp_path_factory.mktemp("incremental"))
    shutil.copy2(ROOT / "requirements.lock", root / "requirements.lock")  # a lock the fall-back test edits
    pristine_db = root.parent / "pristine.duckdb"
    shutil.copyfile(built_project.root / "warehouse" / built_project.published["current ->"] / "digital_city.duckdb",
                    pristine_db)
    shutil.copytree(built_project.publish_dir, root / "warehouse", symlinks=True)
    (root / WORK_DB).parent.mkdir(parents=True)
    shutil.copy2(built_project.good_db, root / WORK_DB)
    originals = {e.path: (root / e.path).read_text(encoding="utf-8") for e in EDITS if e.old is not None}
    return Copy(root, originals, pristine_db)


def build(copy: Copy, *extra: str) -> str:
    # CI=true (as in make test) forces full builds: this test lifts it, as a developer's shell has no CI.
    done = run_pipeline(copy.root, *extra, force=False, env={"CI": "", "DIGITAL_CITY_ALLOW_ROW_LOSS": "1"})
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def executed(stdout: str) -> int:
    found = re.findall(r"dbt executed (\d+) nodes", stdout)
    assert found, stdout[-2000:]
    return int(found[-1])


def test_a_selected_build_does_not_poison_the_next_build(project: Copy) -> None:
    apply(project.root, project.originals)
    selected = build(project, "--select", "report_city_problems")
    assert "build path: selected" in selected
    assert "(edited)" not in json.dumps(marts(live_db(project.root / "warehouse"))["dim_city_problem"]), \
        "the selected build was meant to leave dim_city_problem stale"

    after = build(project)
    assert "nothing changed" not in after
    assert re.search(r"build path: full \(release \S+ was built from a selection", after), after[:2000]
    project.edited_db = project.root.parent / "edited.duckdb"
    shutil.copyfile(live_db(project.root / "warehouse"), project.edited_db)
    project.full_nodes = executed(after)
    assert build_info(project.root / "warehouse")["nodes_executed"] == project.full_nodes

    # Each edit shows in the full build: a mart that differs from the pristine build's (or appears, or goes).
    edited, pristine = marts(project.edited_db), marts(project.pristine_db)
    for edit in EDITS:
        assert edited.get(edit.shows_in) != pristine.get(edit.shows_in), f"{edit.path} changed nothing"
    assert "(edited)" in json.dumps(edited["dim_city_problem"])


def test_reverting_the_edits_incrementally_equals_the_pristine_full_build(project: Copy) -> None:
    assert project.edited_db is not None, "the full build of the edited project did not run"
    revert(project.root, project.originals)
    done = build(project)
    assert "build path: incremental" in done, done[:2000]
    assert executed(done) < project.full_nodes
    assert re.search(r"dropped 1 relation\(s\) no longer in the project: \S+\.fct_incremental_probe", done), done
    assert_same_marts(live_db(project.root / "warehouse"), project.pristine_db)
    print(f"revert: incremental {executed(done)} nodes, full {project.full_nodes}")


def test_applying_the_edits_incrementally_equals_their_full_build(project: Copy) -> None:
    assert project.edited_db is not None, "the full build of the edited project did not run"
    apply(project.root, project.originals)
    done = build(project)
    assert "build path: incremental" in done, done[:2000]
    assert executed(done) < project.full_nodes
    assert_same_marts(live_db(project.root / "warehouse"), project.edited_db)
    print(f"apply: incremental {executed(done)} nodes, full {project.full_nodes}")


def test_what_cannot_be_proven_safe_falls_back_to_a_full_build(project: Copy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.chdir(project.root)

    def why(**overrides: Any) -> str:
        base = Options(project_dir=project.root, work_db=project.root / WORK_DB,
                       publish_dir=project.root / "warehouse", warn_error=True)
        base = replace(base, environment=environment_parts(project.root, fingerprint(base)[:2]))
        chosen = plan(replace(base, **overrides))
        return f"{chosen.kind}: {chosen.why}"

    live = Warehouse(project.root / "warehouse").current_id()
    assert why().startswith(f"incremental: state:modified+ against release {live}")
    assert "fct_report_figures" in why(), "the model that reads dbt's graph is not always rebuilt"
    assert why(force=True) == "full: FORCE=1 (--force) asks for it"
    assert why(select="dim_date").startswith("selected:")
    monkeypatch.setenv("CI", "true")
    assert why() == "full: CI is set: CI always builds everything"
    monkeypatch.delenv("CI")
    for name, part in (("requirements.lock", "requirements.lock"), ("profiles.yml", "profiles.yml"),
                       ("dbt_project.yml", "dbt_project.yml"),
                       ("digital_city/pipeline/build.py", "Python code (digital_city/)")):
        original = (project.root / name).read_bytes()
        (project.root / name).write_bytes(original + b"\n# an edit\n")
        try:
            assert why() == f"full: {part} changed since release {live}"
        finally:
            (project.root / name).write_bytes(original)
    other_dbt = {**environment_parts(project.root, ["target=", "warn_error=True"]), "dbt version": "another"}
    assert why(environment=other_dbt) == f"full: dbt version changed since release {live}"
    assert why(publish_dir=project.root / "nowhere") == f"full: no live release in {project.root / 'nowhere'}/"
    big = project.root / "seeds" / "big_seed.csv"
    big.write_text("a\n" + "1\n" * 600_000, encoding="utf-8")  # over 1 MiB: dbt compares it by path only
    try:
        assert why() == "full: dbt compares seeds over 1 MiB by path only, not content: big_seed.csv"
    finally:
        big.unlink()

    work_db = project.root / WORK_DB
    stamp = stamp_path(work_db)
    kept = stamp.read_bytes()
    stamp.unlink()  # as a failed or killed build leaves it
    try:
        assert "did not finish" in why()
    finally:
        stamp.write_bytes(kept)
    info = work_db.stat()
    os.utime(work_db, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))  # as a hand-run dbt command would
    try:
        assert "changed since release" in why() and "run by hand" in why()
    finally:
        os.utime(work_db, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert why().startswith("incremental:")


def test_deleting_a_contracted_mart_stops_the_incremental_build(project: Copy) -> None:
    live = Warehouse(project.root / "warehouse").current_id()
    assert build_info(project.root / "warehouse")["kind"] == "incremental"
    kept = {name: (project.root / name).read_bytes() for name in CONTRACTED}
    for name in CONTRACTED:
        (project.root / name).unlink()
    try:
        done = run_pipeline(project.root, force=False, env={"CI": ""})
    finally:
        for name, content in kept.items():
            (project.root / name).write_bytes(content)
    assert done.returncode != 0, done.stdout[-2000:]
    assert "build path: incremental" in done.stdout
    assert "Contracted model 'model.digital_city.dim_city_driver' was deleted or renamed" in done.stdout + done.stderr
    assert Warehouse(project.root / "warehouse").current_id() == live
