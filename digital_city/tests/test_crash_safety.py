"""SIGKILL at every step of `make build`: readers keep the old release byte for byte, or get the complete new one,
never a mix; the next build succeeds with no manual cleanup.

Each case kills the real pipeline (python -m digital_city build) at a named point (digital_city/crash_points.py)
on the session's built copy of the project, publishing into a copy of its warehouse; the kills follow one another
on that copy, and one build after the last must succeed.
"""

from __future__ import annotations

import shutil
import signal
import time
from dataclasses import dataclass
from pathlib import Path

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


def test_a_build_killed_at_any_step_loses_nothing(built_project: BuiltProject) -> None:
    """One chain on one warehouse: each kill's build starts from what the kill before it left (its debris, its
    dropped locks), so every run after a kill is also the "next build" that must cope with it; one build after the
    last kill must then succeed, with no debris left. Six killed runs and one recovery instead of six of each."""
    warehouse = built_project.root / "warehouse-crash"
    shutil.rmtree(warehouse, ignore_errors=True)
    shutil.copytree(built_project.publish_dir, warehouse, symlinks=True)
    built_project.restore_good_db()
    first = Warehouse(warehouse).current_id()

    for point in KILL_POINTS:
        before = published_digests(warehouse)
        old = Warehouse(warehouse).current_id()
        started = time.perf_counter()
        select = SELECT_FOR_DBT if point.name == "dbt-build" else SELECT
        killed = run_pipeline(built_project.root, "--select", select, publish_dir=warehouse,
                              env={CRASH_ENV: point.name})
        seconds = time.perf_counter() - started
        assert killed.returncode == -signal.SIGKILL, \
            f"not killed at {point.name}:\n{killed.stdout[-2000:]}{killed.stderr[-2000:]}"
        assert point.step_reached in killed.stdout
        # The kill before this one held the work database's and the warehouse's locks: the kernel dropped both.
        assert "waiting:" not in killed.stderr, f"a lock outlived the kill before {point.name}"
        if point.switched:
            new = Warehouse(warehouse).current_id()
            assert new != old
            assert checksum_problems(warehouse / ".releases" / str(new)) == []
            assert Warehouse(warehouse).manifest(str(new))["previous_release_id"] == old
        else:
            assert published_digests(warehouse) == before, f"readers saw a change after a kill at {point.name}"
        if point.name == "dbt-build":
            # dbt was killed mid-write: the selected builds below start from the good database, as before the kill.
            built_project.restore_good_db()
        print(f"killed at {point.name} after {seconds:.1f}s")  # the closing note's table

    again = run_pipeline(built_project.root, "--select", SELECT, publish_dir=warehouse)
    assert again.returncode == 0, f"the build after the last kill failed:\n{again.stderr[-3000:]}"
    assert "waiting:" not in again.stderr
    after = Warehouse(warehouse)
    assert after.current_id() not in (None, first)
    assert checksum_problems(warehouse / ".releases" / str(after.current_id())) == []
    assert after.staging_dirs() == [], "staging debris was left behind"
