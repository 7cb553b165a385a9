"""`make build`'s pipeline against the two things that happen to it in real use: a BI tool holding the published
warehouse open, and a selector that matches nothing. Both run on the session's built copy of the project."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb

from digital_city.tests.project_copy import BuiltProject, pipeline_env, published_digests

# A publish directory of this module's own: the bad-input suite compares the shared one byte for byte.
READERS_DIR = Path("warehouse-readers")


def pipeline(project: BuiltProject, publish_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "digital_city", "build", "--work-db", "build/work/digital_city.duckdb",
               "--publish-dir", str(publish_dir), "--force", *extra]
    return subprocess.run(command, cwd=project.root, env=pipeline_env(project.root),
                          capture_output=True, text=True, check=False)


def test_a_reader_holding_the_published_file_does_not_block_the_build(built_project: BuiltProject) -> None:
    built_project.restore_good_db()
    first = subprocess.run(
        [sys.executable, "-m", "digital_city", "publish", "--work-db", "build/work/digital_city.duckdb",
         "--publish-dir", str(READERS_DIR)],
        cwd=built_project.root, env=pipeline_env(built_project.root), capture_output=True, text=True, check=False,
    )
    assert first.returncode == 0, first.stderr
    published = built_project.root / READERS_DIR / "digital_city.duckdb"
    before = published_digests(built_project.root / READERS_DIR)

    reader = duckdb.connect(str(published), read_only=True)
    try:
        (designations,) = reader.execute("select sum(designation_count) from marts.dim_pilot_program").fetchone()
        done = pipeline(built_project, READERS_DIR, "--warn-error", "--select", "dim_pilot_program")
        output = done.stdout + done.stderr
        assert done.returncode == 0, output[-3000:]
        assert "--- publish ok" in output, output[-3000:]
        # The open reader keeps the file it opened; the path now names a new release.
        assert reader.execute("select sum(designation_count) from marts.dim_pilot_program").fetchone() == (designations,)
    finally:
        reader.close()
    assert published_digests(built_project.root / READERS_DIR) != before
    with duckdb.connect(str(published), read_only=True) as fresh:
        assert fresh.execute("select count(*) from marts.dim_pilot_program").fetchone() == (13,)
    built_project.restore_good_db()


def test_a_selector_that_matches_nothing_fails_and_publishes_nothing(built_project: BuiltProject) -> None:
    # Without --warn-error (as `make build` runs) dbt alone only warns; the runner adds dbt's
    # --warn-error-options for NoNodesForSelectionCriteria, so the selection fails the build.
    built_project.restore_good_db()
    done = pipeline(built_project, Path("warehouse"), "--select", "no_such_model_anywhere")
    output = done.stdout + done.stderr
    assert done.returncode != 0, output[-3000:]
    assert "does not match any enabled nodes" in output, output[-3000:]
    assert published_digests(built_project.publish_dir) == built_project.published
