"""One build at a time per work database, one publish at a time per warehouse: advisory `flock` locks.

The kernel drops a flock when its process dies, however it dies, so a killed build never leaves a stale lock
behind and nobody has to delete a PID file. A second build does not fail: it says who holds the lock (pid,
command, start time) and waits for it; Ctrl-C stops the wait.

A process that already holds a lock passes it to the processes it starts through DIGITAL_CITY_HELD_LOCKS (the
lock files' absolute paths), so `make test` can hold the CI database's lock while its checks run the pipeline.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

HELD_ENV = "DIGITAL_CITY_HELD_LOCKS"


def lock_path_for(resource: Path) -> Path:
    """The lock file of a work database (`<db>.lock`), of Spark's Derby metastore directory (`metastore_db.lock`
    beside it: a fresh Spark build deletes the directory) or of a publish directory (`<dir>/.publish.lock`)."""
    if resource.suffix == ".duckdb" or resource.name == "metastore_db":
        return resource.with_name(resource.name + ".lock")
    return resource / ".publish.lock"


def held_by_parent(path: Path) -> bool:
    held = os.environ.get(HELD_ENV, "")
    return str(path.resolve()) in held.split(os.pathsep)


def describe_holder(handle: IO[str]) -> str:
    handle.seek(0)
    try:
        holder = json.loads(handle.read() or "{}")
    except json.JSONDecodeError:
        holder = {}
    pid = holder.get("pid")
    if not pid:
        return "another process (it has not said who it is yet)"
    started = holder.get("started_at", 0)
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(started)) if started else "an unknown time"
    ago = f", {time.time() - started:.0f} s ago" if started else ""
    return f"pid {pid} on {holder.get('host', '?')} (`{holder.get('command', '?')}`), started {when}{ago}"


@contextmanager
def hold(resource: Path, what: str) -> Iterator[None]:
    """Hold the lock of `resource` (a work database or a publish directory) for the duration of the block.

    `what` names the resource for people ("the work database build/work/digital_city.duckdb").
    """
    path = lock_path_for(resource)
    if held_by_parent(path):
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(
                f"waiting: {what} is in use by {describe_holder(handle)}.\n"
                f"         Only one build may use it at a time; this one continues when that one ends"
                f" (Ctrl-C to stop waiting). Lock file: {path}",
                file=sys.stderr,
                flush=True,
            )
            waited = time.monotonic()
            fcntl.flock(handle, fcntl.LOCK_EX)
            print(f"lock on {what} acquired after {time.monotonic() - waited:.1f} s", file=sys.stderr, flush=True)
        handle.seek(0)
        handle.truncate()
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": " ".join(sys.argv) or sys.executable,
            "started_at": time.time(),
        }
        handle.write(json.dumps(holder))
        handle.flush()
        previous = os.environ.get(HELD_ENV)
        os.environ[HELD_ENV] = os.pathsep.join(filter(None, [previous, str(path.resolve())]))
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop(HELD_ENV, None)
            else:
                os.environ[HELD_ENV] = previous
