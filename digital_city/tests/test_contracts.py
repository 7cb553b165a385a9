"""The committed public interface (contracts/digital_city.datacontract.yaml) against changes to the marts.

Each test changes a mart in a copy of the project and runs the check `make test` runs (`python -m digital_city
contract check`, which parses the copy with dbt: no build) and the release step `make release` runs. Parse-only,
so the whole file takes about a minute. The base copy is parsed once; each test copies it with its partial-parse
state.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from digital_city.project import ROOT
from digital_city.tests.project_copy import PROJECT_DIRS, PROJECT_FILES, pipeline_env

CONTRACT = Path("contracts/digital_city.datacontract.yaml")
MART_SQL = Path("models/marts/smart_city/dim_city.sql")
MART_YML = Path("models/marts/smart_city/dim_city.yml")
DROPPED = "age_65_plus_pct_2020"


def contract(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "digital_city", "contract", *args, "--project-dir", str(root)],
        cwd=root, env=pipeline_env(root), capture_output=True, text=True, check=False,
    )


@pytest.fixture(scope="module")
def parsed_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("contract-base")
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, root / name)
    for name in PROJECT_DIRS:  # dashboards/ among them: the check reads the Superset assets the exposures name
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    done = contract(root, "check")
    assert done.returncode == 0, f"the unchanged project must match its committed contract:\n{done.stdout}{done.stderr}"
    return root


@pytest.fixture
def project(parsed_copy: Path, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(parsed_copy, root, symlinks=True)
    return root


def drop_column(sql: str, column: str) -> str:
    without = re.sub(rf",\n\s+{column}\n", "\n", sql)
    assert without != sql, f"{column} is no longer the last column of {MART_SQL}: update this test"
    return without


def drop_from_yml(root: Path, column: str) -> None:
    path = root / MART_YML
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    model = document["models"][0]
    model["columns"] = [c for c in model["columns"] if c["name"] != column]
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")


def test_a_dropped_mart_column_fails_naming_mart_column_and_how_to_ship_it(project: Path) -> None:
    (project / MART_SQL).write_text(drop_column((project / MART_SQL).read_text(encoding="utf-8"), DROPPED),
                                    encoding="utf-8")
    drop_from_yml(project, DROPPED)
    committed = (project / CONTRACT).read_bytes()

    done = contract(project, "check")
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"dim_city.{DROPPED}: column removed" in done.stderr
    assert "breaking change" in done.stderr and "new model version of dim_city" in done.stderr
    assert "consumers pin marts.dim_city_v1" in done.stderr
    assert "Traceback" not in done.stderr

    refused = contract(project, "release")
    assert refused.returncode == 1 and "make release refused" in refused.stderr
    assert f"dim_city.{DROPPED}" in refused.stderr
    assert (project / CONTRACT).read_bytes() == committed


def test_a_retyped_column_is_breaking(project: Path) -> None:
    path = project / MART_YML
    text = path.read_text(encoding="utf-8")
    retyped = text.replace("data_type: bigint", "data_type: integer", 1)
    assert retyped != text
    path.write_text(retyped, encoding="utf-8")
    (project / MART_SQL).write_text(
        (project / MART_SQL).read_text(encoding="utf-8").replace("population_2020,", "population_2020::integer as population_2020,", 1),
        encoding="utf-8")
    done = contract(project, "check")
    assert done.returncode == 1
    assert "dim_city.population_2020: type changed from bigint to integer" in done.stderr


def test_an_added_column_asks_for_make_release_and_passes_after_it(project: Path) -> None:
    sql = (project / MART_SQL).read_text(encoding="utf-8")
    (project / MART_SQL).write_text(sql.replace(f"    {DROPPED}\n", f"    {DROPPED},\n    1 as contract_probe\n"),
                                    encoding="utf-8")
    path = project / MART_YML
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["models"][0]["columns"].append({"name": "contract_probe", "data_type": "integer", "description": "probe"})
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")

    done = contract(project, "check")
    assert done.returncode == 1
    assert "dim_city.contract_probe: new column (integer)" in done.stderr
    assert "run `make release` to publish the new interface" in done.stderr
    assert "breaking change to" not in done.stderr

    released = contract(project, "release")
    assert released.returncode == 0, released.stderr
    written = yaml.safe_load((project / CONTRACT).read_text(encoding="utf-8"))
    dim_city = next(o for o in written["schema"] if o["name"] == "dim_city")
    assert {"name": "contract_probe", "physicalType": "integer"}.items() <= next(
        p for p in dim_city["properties"] if p["name"] == "contract_probe").items()
    assert contract(project, "check").returncode == 0


def test_a_breaking_change_shipped_as_a_new_version_passes(project: Path) -> None:
    """v1 keeps the committed interface (marts.dim_city_v1); v2 drops a column and becomes what dim_city points at."""
    marts = project / MART_SQL.parent
    shutil.copy2(marts / "dim_city.sql", marts / "dim_city_v1.sql")
    (marts / "dim_city.sql").write_text(drop_column((marts / "dim_city.sql").read_text(encoding="utf-8"), DROPPED),
                                        encoding="utf-8")
    path = project / MART_YML
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    model = document["models"][0]
    model["latest_version"] = 2
    model["versions"] = [
        {"v": 2, "defined_in": "dim_city", "columns": [{"include": "all", "exclude": [DROPPED]}]},
        {"v": 1, "defined_in": "dim_city_v1", "deprecation_date": "2099-12-31"},
    ]
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")

    done = contract(project, "check")
    assert done.returncode == 1, "a new version changes the interface: the file must be released"
    assert "breaking change to" not in done.stderr, done.stderr
    assert "dim_city: now points at dim_city_v2" in done.stderr and "dim_city_v1" in done.stderr
    assert "run `make release`" in done.stderr

    released = contract(project, "release")
    assert released.returncode == 0, released.stderr
    assert contract(project, "check").returncode == 0
    names = {o["name"] for o in yaml.safe_load((project / CONTRACT).read_text(encoding="utf-8"))["schema"]}
    assert {"dim_city", "dim_city_v1", "dim_city_v2"} <= names


def test_a_mart_that_leaves_the_public_interface_is_breaking(project: Path) -> None:
    path = project / "models/marts/smart_city/fct_global_city_cases.yml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["models"][0]["config"] = {"access": "protected"}
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    done = contract(project, "check")
    assert done.returncode == 1
    assert "fct_global_city_cases: the mart is no longer published" in done.stderr


SCORECARD_YML = Path("models/marts/talent/fct_city_scorecard.yml")
SCORECARD_DATASET = Path("dashboards/superset/datasets/digital_city/fct_city_scorecard_v2.yaml")
EXPOSURES = Path("models/marts/_exposures.yml")


def ship_scorecard_v3(root: Path) -> None:
    """A new latest version of fct_city_scorecard (the same columns as v2): marts.fct_city_scorecard moves to v3."""
    (root / SCORECARD_YML.parent / "fct_city_scorecard_v3.sql").write_text(
        "select * from {{ ref('fct_city_scorecard', v=2) }}\n", encoding="utf-8")
    document = yaml.safe_load((root / SCORECARD_YML).read_text(encoding="utf-8"))
    model = document["models"][0]
    v2 = next(v for v in model["versions"] if v["v"] == 2)
    model["latest_version"] = 3
    model["versions"].insert(0, {"v": 3, "defined_in": "fct_city_scorecard_v3", "columns": v2["columns"]})
    (root / SCORECARD_YML).write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")


def test_a_new_latest_version_passes_when_every_exposure_pins_its_version(project: Path) -> None:
    ship_scorecard_v3(project)
    done = contract(project, "check")
    assert done.returncode == 1, "a new version changes the interface: the file must be released"
    assert "would change under" not in done.stderr and "breaking change to" not in done.stderr, done.stderr
    assert "fct_city_scorecard_v3: new mart" in done.stderr and "run `make release`" in done.stderr
    released = contract(project, "release")
    assert released.returncode == 0, released.stderr
    assert contract(project, "check").returncode == 0


@pytest.mark.parametrize("unpinned", ["superset dataset", "exposure ref"])
def test_a_new_latest_version_under_an_exposure_that_reads_the_unversioned_name_fails(project: Path, unpinned: str) -> None:
    """The talent dashboard reads marts.fct_city_scorecard, through its Superset dataset or its exposure's ref:
    a new latest version would change it under its users, so check and release refuse and say what to pin."""
    if unpinned == "superset dataset":
        path, old, new = project / SCORECARD_DATASET, "table_name: fct_city_scorecard_v2", "table_name: fct_city_scorecard"
    else:
        path, old, new = project / EXPOSURES, "ref('fct_city_scorecard', v=2)", "ref('fct_city_scorecard')"
    assert old in path.read_text(encoding="utf-8"), f"{path} no longer pins fct_city_scorecard: update this test"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    assert contract(project, "check").returncode == 0, "reading the unversioned name is allowed while it stays put"

    ship_scorecard_v3(project)
    done = contract(project, "check")
    assert done.returncode == 1
    where = "dashboards/superset/dashboards/talent-attraction.yaml"
    assert (f"fct_city_scorecard: now points at fct_city_scorecard_v3, and exposure talent_attraction_dashboard "
            f"({where}) reads the unversioned name: pin it to marts.fct_city_scorecard_v2") in done.stderr, done.stderr
    assert "run `make release`" not in done.stderr
    refused = contract(project, "release")
    assert refused.returncode == 1 and "make release refused" in refused.stderr, refused.stdout + refused.stderr
