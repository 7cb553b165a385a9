"""The consumer-view suites on a real release: the session's good build passes; each kind of damage a consumer
could receive is caught by the suite that owns it, and named.

Each case copies the good release into a writable directory, damages one thing the way a bad model, a bad export
or a bad seed would, and validates it in-process (GX is imported once per session).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from digital_city.publishing.layout import DATABASE_FILE, MANIFEST_FILE
from digital_city.tests.project_copy import BuiltProject
from digital_city.validation.expectations import Outcome, main, run_suites


def writable_copy(built_project: BuiltProject, target: Path) -> Path:
    shutil.copytree((built_project.publish_dir / "current").resolve(), target)
    for path in [target, *target.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(target / "data_docs")
    return target


def rewrite_parquet(release: Path, mart: str, select: str) -> None:
    """Rewrite one Parquet file from the release's own table through `select` (over relation `t`)."""
    path = release / "parquet" / f"{mart}.parquet"
    with duckdb.connect() as con:
        con.execute(f"create table t as select * from read_parquet('{path}')")
        con.execute(f"copy ({select}) to '{path}' (format parquet)")


def change_database(release: Path, sql: str) -> None:
    with duckdb.connect(str(release / DATABASE_FILE)) as con:
        con.execute(sql)


def by_suite(outcomes: list[Outcome]) -> dict[str, Outcome]:
    return {o.suite: o for o in outcomes}


def run(release: Path, tmp_path: Path) -> dict[str, Outcome]:
    manifest = json.loads((release / MANIFEST_FILE).read_text(encoding="utf-8"))
    return by_suite(run_suites(release, manifest, tmp_path / "docs"))


def test_the_good_release_passes_and_carries_its_data_docs(built_project: BuiltProject, tmp_path: Path) -> None:
    live = (built_project.publish_dir / "current").resolve()
    index = live / "data_docs" / "index.html"
    assert index.is_file(), "the published release has no Data Docs"
    pages = list((live / "data_docs" / "validations").rglob("*.html"))
    assert len(pages) >= 6, pages
    outcomes = run(writable_copy(built_project, tmp_path / "release"), tmp_path)
    assert {name: o.failures for name, o in outcomes.items()} == {name: [] for name in outcomes}
    assert set(outcomes) == {"files", "release_info", "designations", "market_endpoints", "market_currency",
                             "city_keys"}
    assert all(o.total >= 1 and o.passed == o.total for o in outcomes.values())


Damage = Callable[[Path], None]

CASES: list[tuple[str, Damage, str, str]] = [
    (
        "one Parquet cell differs from the database",
        lambda r: rewrite_parquet(r, "dim_city", "select * replace (case when city_code = 110100 "
                                  "then city_name_zh || '！' else city_name_zh end as city_name_zh) from t"),
        "files",
        "content differs",
    ),
    (
        "a Parquet file lost a row",
        lambda r: rewrite_parquet(r, "fct_global_city_cases", "select * from t limit 7"),
        "files",
        "different number of rows",
    ),
    (
        "release_info disagrees with the manifest",
        lambda r: change_database(r, "update meta.release_info set source_commit = 'deadbeef'"),
        "release_info",
        "disagrees with the release's manifest.json",
    ),
    (
        "a designations total no longer adds up to 749",
        lambda r: change_database(r, "update marts.dim_pilot_program set designation_count = designation_count + 1 "
                                     "where table_row_order = 1"),
        "designations",
        "749",
    ),
    (
        "a printed market endpoint changed",
        lambda r: rewrite_parquet(r, "fct_market_size", "select * replace (case when market_year = 2023 and "
                                  "measure_code = 'core_tech_investment' then 39000000000.00 else value_usd end "
                                  "as value_usd) from t"),
        "market_endpoints",
        "389 亿美元",
    ),
    (
        "a CNY value is not USD times the rate",
        lambda r: change_database(r, "update marts.fct_market_size set value_cny = value_cny + 1 "
                                     "where market_year = 2020 and measure_code = 'total_market' "
                                     "and multiplier_reading = 'on_top'"),
        "market_currency",
        "times that year's CNY/USD rate",
    ),
    (
        "a fact file names a city dim_city does not have",
        lambda r: rewrite_parquet(r, "fct_city_pilot_coverage",
                                  "select * replace (case when city_code = 110100 then 999999 else city_code end "
                                  "as city_code) from t"),
        "city_keys",
        "999999",
    ),
]


@pytest.mark.parametrize(("damage", "suite", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_damage_is_caught_by_its_suite(
    built_project: BuiltProject, tmp_path: Path, damage: Damage, suite: str, message: str
) -> None:
    release = writable_copy(built_project, tmp_path / "release")
    damage(release)
    outcome = run(release, tmp_path)[suite]
    assert outcome.failures, f"suite {suite} did not notice"
    assert any(message in failure for failure in outcome.failures), outcome.failures


def test_the_command_rechecks_a_published_release(built_project: BuiltProject, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--release", str(built_project.publish_dir / "current"), "--docs", str(tmp_path / "d")]) == 0
    assert "great expectations passed: 6 suites" in capsys.readouterr().out
    assert (tmp_path / "d" / "index.html").is_file()
    assert main(["--release", str(tmp_path / "nothing")]) == 2
