"""A disk that fills up during publish: the build says so, and readers keep the release they had, byte for byte.

The warehouse sits on a tmpfs just big enough for the live release and a few MB more, mounted in a private mount
namespace (`unshare -m`, as root), so staging the next release's 16 MB database runs out of space half-way. The
namespace vanishes with the test: nothing is mounted on the machine afterwards. Under CI=true (where CI runs as
root) the test must run; elsewhere, without root, it skips and says why.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from digital_city.tests.project_copy import WORK_DB, BuiltProject, pipeline_env

HEADROOM_BYTES = 3 * 1024 * 1024

# Runs inside the namespace: mount, copy the live warehouse in, publish, and report what readers see.
IN_NAMESPACE = r"""
import json, shutil, subprocess, sys
from pathlib import Path
from digital_city.tests.project_copy import published_digests
good, mount_point, size, work_db = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]
subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount_point)], check=True)
warehouse = mount_point / "warehouse"
shutil.copytree(good, warehouse, symlinks=True)
before = published_digests(warehouse)
done = subprocess.run([sys.executable, "-m", "digital_city", "publish", "--work-db", work_db,
                       "--publish-dir", str(warehouse)], capture_output=True, text=True)
after = published_digests(warehouse)
leftovers = sorted(p.name for p in (warehouse / ".releases").iterdir() if p.name.startswith("."))
print(json.dumps({"code": done.returncode, "stdout": done.stdout, "stderr": done.stderr,
                  "same": before == after, "leftovers": leftovers}))
"""


def size_of(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file() and not p.is_symlink())


def test_a_full_disk_during_publish_fails_clearly_and_keeps_the_release(built_project: BuiltProject) -> None:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        reason = "needs root and unshare(1) to mount a small tmpfs in a private mount namespace"
        if os.environ.get("CI"):
            pytest.fail(f"CI runs as root, yet this test cannot run: {reason}")
        pytest.skip(reason)
    live = (built_project.publish_dir / "current").resolve()
    size = size_of(live) + HEADROOM_BYTES
    assert (built_project.root / WORK_DB).stat().st_size > HEADROOM_BYTES, "the new database must not fit"
    mount_point = built_project.root / "full-disk"
    mount_point.mkdir(exist_ok=True)

    done = subprocess.run(
        ["unshare", "-m", "--propagation", "private", sys.executable, "-c", IN_NAMESPACE,
         str(built_project.publish_dir), str(mount_point), str(size), str(built_project.root / WORK_DB)],
        cwd=built_project.root, env=pipeline_env(built_project.root), capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])

    assert result["code"] == 1, result
    message = result["stderr"]
    assert "publish failed, the published warehouse is unchanged" in message
    assert "the disk is full" in message and "free some space" in message
    assert "Traceback" not in message
    assert result["same"], "readers saw a change after the disk filled up"
    assert result["leftovers"] == [], "the half-written release was left on the full disk"
    assert not any(mount_point.iterdir()), "the tmpfs leaked out of its namespace"
