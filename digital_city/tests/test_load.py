"""Readers of the DuckDB release while releases switch in (the short version of `make bench`'s load run).

Eight reader processes open the published file, query and close in a loop while three synthetic copies of the CI
release (digital_city/load.py) switch in: no query may fail, and each answer's release id must match its marker.
The PostgreSQL and Superset load checks sit with their servers (test_postgres.py, test_dashboards.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from digital_city import load
from digital_city.project import ROOT

CI_RELEASE = ROOT / "build" / "ci" / "warehouse" / "current"


@pytest.fixture(scope="module")
def live_release(request: pytest.FixtureRequest) -> Path:
    """The check sequence's published CI build; alone, the session's built project copy."""
    if CI_RELEASE.is_dir():
        return CI_RELEASE.resolve()
    return (request.getfixturevalue("built_project").publish_dir / "current").resolve()


def test_eight_readers_see_whole_releases_while_three_switch_in(live_release: Path):
    figures = load.duckdb_load(live_release, readers=8, switches=3, seconds=5)
    print(f"\n{figures.line()}")
    assert figures.failed == [] and figures.mixed == [], (figures.failed[:5], figures.mixed[:5])
    assert figures.releases_seen == {f"{load.SYNTHETIC_PREFIX}{k}" for k in range(4)}
    assert len(figures.latencies) >= 8 * 4


def test_an_answer_from_two_releases_is_reported():
    figures = load.Figures("check", 1)
    load.check_answer(figures, f"{load.SYNTHETIC_PREFIX}2", load.marker(2))
    load.check_answer(figures, f"{load.SYNTHETIC_PREFIX}2", load.marker(1))
    assert figures.mixed == [f"release {load.SYNTHETIC_PREFIX}2 answered with marker {load.marker(1)}"]


def test_synthetic_copies_stay_in_their_scratch_directory(live_release: Path, tmp_path: Path):
    before = sorted(os.listdir(live_release.parent))
    warehouse, ids = load.stage_duckdb(live_release, tmp_path / "scratch", 1)
    assert sorted(os.listdir(live_release.parent)) == before
    assert warehouse.current_id() == ids[0] and all(warehouse.release_dir(i).is_dir() for i in ids)
