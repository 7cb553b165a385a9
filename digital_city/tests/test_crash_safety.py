"""SIGKILL at every step of `make build`: readers keep the old release byte for byte, or get the complete new one,
never a mix; the next build succeeds with no manual cleanup.

Each case kills the real pipeline (python -m digital_city build) at a named point (digital_city/crash_points.py)
on the session's built copy of the project, publishing into a copy of its warehouse, then builds again.
"""

from __future__ import annotations

import shutil
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from digital_city.crash_points import CRASH_ENV
from digital_city.publishing.layout import Warehouse
from digital_city.publishing.files import checksum_problems
from digital_city.tests.project_copy import BuiltProject, published_digests, run_pipeline

# Enough dbt nodes for the kill during dbt to land mid-run (build.CRASH_AFTER_NODES), yet a short build; the
# other points need only some dbt node to run.
SELECT_FOR_DBT = "+dim_pilot_program"
SELECT = "dim_date"


@dataclass(frozen=True)
class KillPoint:
    name: str
    step_reached: str  # the pipeline's last step header before the kill
    switched: bool  # killed after the switch: readers must see the complete new release


KILL_POINTS = [
    KillPoint("seed-check", "=== seed check", switched=False),
    KillPoint("dbt-build", "=== dbt build", switched=False),
    KillPoint("staging", "=== publish", switched=False),
    KillPoint("validation", "=== publish", switched=False),
    KillPoint("switch", "=== publish", switched=False),
    KillPoint("after-switch", "=== publish", switched=True),
]


@pytest.fixture
def warehouse(built_project: BuiltProject, request: pytest.FixtureRequest) -> Path:
    """A copy of the good build's warehouse, private to one test (releases are relative links: they copy)."""
    target = built_project.root / f"warehouse-crash-{request.node.callspec.id}"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(built_project.publish_dir, target, symlinks=True)
    built_project.restore_good_db()
    return target


@pytest.mark.parametrize("point", KILL_POINTS, ids=[p.name for p in KILL_POINTS])
def test_a_build_killed_at_any_step_loses_nothing(built_project: BuiltProject, warehouse: Path, point: KillPoint) -> None:
    before = published_digests(warehouse)
    old = Warehouse(warehouse).current_id()

    started = time.perf_counter()
    select = SELECT_FOR_DBT if point.name == "dbt-build" else SELECT
    killed = run_pipeline(built_project.root, "--select", select, publish_dir=warehouse, env={CRASH_ENV: point.name})
    seconds = time.perf_counter() - started
    assert killed.returncode == -signal.SIGKILL, f"not killed at {point.name}:\n{killed.stdout[-2000:]}{killed.stderr[-2000:]}"
    assert point.step_reached in killed.stdout

    if point.switched:
        new = Warehouse(warehouse).current_id()
        assert new != old
        assert checksum_problems(warehouse / ".releases" / str(new)) == []
        assert Warehouse(warehouse).manifest(str(new))["previous_release_id"] == old
    else:
        assert published_digests(warehouse) == before, f"readers saw a change after a kill at {point.name}"

    built_project.restore_good_db()
    again = run_pipeline(built_project.root, "--select", SELECT, publish_dir=warehouse)
    assert again.returncode == 0, f"the build after a kill at {point.name} failed:\n{again.stderr[-3000:]}"
    # The killed build held the work database's and the warehouse's locks: the kernel dropped both with it.
    assert "waiting:" not in again.stderr
    after = Warehouse(warehouse)
    assert after.current_id() not in (None, old)
    assert checksum_problems(warehouse / ".releases" / str(after.current_id())) == []
    assert after.staging_dirs() == [], "staging debris was left behind"
    print(f"killed at {point.name} after {seconds:.1f}s; recovered by the next build")  # the closing note's table

