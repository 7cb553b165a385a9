"""One build at a time: a second one waits, names the holder, and goes on when the holder ends, however it ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from digital_city import locks
from digital_city.project import ROOT

HOLDER = (
    "import sys, time; from pathlib import Path; from digital_city import locks\n"
    "with locks.hold(Path(sys.argv[1]), 'the thing'):\n"
    "    print('held', flush=True); sys.stdin.readline()\n"
)
WAITER = (
    "import sys; from pathlib import Path; from digital_city import locks\n"
    "with locks.hold(Path(sys.argv[1]), 'the work database x'):\n"
    "    print('got it', flush=True)\n"
)


def start(code: str, resource: Path, **kwargs: object) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != locks.HELD_ENV}
    return subprocess.Popen([sys.executable, "-c", code, str(resource)], cwd=ROOT, env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def wait_for_line(process: subprocess.Popen[str], expected: str) -> None:
    assert process.stdout is not None
    assert process.stdout.readline().strip() == expected


def test_lock_files_sit_beside_what_they_protect(tmp_path: Path) -> None:
    assert locks.lock_path_for(tmp_path / "w" / "db.duckdb") == tmp_path / "w" / "db.duckdb.lock"
    assert locks.lock_path_for(tmp_path / "warehouse") == tmp_path / "warehouse" / ".publish.lock"
    assert locks.lock_path_for(tmp_path / "spark" / "metastore_db") == tmp_path / "spark" / "metastore_db.lock"


def test_a_second_holder_waits_naming_the_first_and_goes_on_when_it_ends(tmp_path: Path) -> None:
    resource = tmp_path / "db.duckdb"
    holder = start(HOLDER, resource)
    try:
        wait_for_line(holder, "held")
        waiter = start(WAITER, resource)
        time.sleep(1.0)
        assert waiter.poll() is None, "the second holder did not wait"
        holder.communicate("done\n", timeout=30)
        out, err = waiter.communicate(timeout=30)
    finally:
        holder.kill()
    assert waiter.returncode == 0, err
    assert out.strip() == "got it"
    assert f"waiting: the work database x is in use by pid {holder.pid}" in err
    assert "started" in err and "Traceback" not in err


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    resource = tmp_path / "db.duckdb"
    holder = start(HOLDER, resource)
    wait_for_line(holder, "held")
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=30)
    waiter = start(WAITER, resource)
    out, err = waiter.communicate(timeout=30)
    assert waiter.returncode == 0 and out.strip() == "got it"
    assert "waiting" not in err  # the kernel dropped the lock with the process: nothing to wait for


def test_a_child_inherits_its_parents_lock_instead_of_waiting_for_it(tmp_path: Path) -> None:
    resource = tmp_path / "db.duckdb"
    with locks.hold(resource, "the parent's database"):
        child = subprocess.run([sys.executable, "-c", WAITER, str(resource)], cwd=ROOT, capture_output=True,
                               text=True, timeout=30)
    assert child.returncode == 0 and child.stdout.strip() == "got it" and "waiting" not in child.stderr
    assert locks.HELD_ENV not in os.environ or str(resource) not in os.environ[locks.HELD_ENV]


def test_ctrl_c_while_waiting_ends_the_build_without_a_traceback(tmp_path: Path) -> None:
    work_db = tmp_path / "work" / "digital_city.duckdb"
    holder = start(HOLDER, work_db)
    try:
        wait_for_line(holder, "held")
        env = {k: v for k, v in os.environ.items() if k != locks.HELD_ENV}
        build = subprocess.Popen(
            [sys.executable, "-m", "digital_city", "build", "--work-db", str(work_db),
             "--publish-dir", str(tmp_path / "warehouse"), "--project-dir", str(tmp_path)],
            cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        assert build.stderr is not None
        assert build.stderr.readline().startswith("waiting: the work database")
        build.send_signal(signal.SIGINT)
        out, err = build.communicate(timeout=30)
    finally:
        holder.kill()
    assert build.returncode == 130, out + err
    assert "build interrupted" in err and "Traceback" not in err
    assert locks.lock_path_for(work_db).exists()

