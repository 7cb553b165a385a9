"""The warehouse on Apache Spark (docs/spark.md): `python -m digital_city spark build [dbt options]`.

dbt runs in this process; dbt-spark's session method starts Spark's JVM as a child of it and keeps the session, so
the caller can read what was built without starting a second JVM (digital_city/tests/test_spark.py does). One
Spark build at a time: the embedded Derby metastore admits one process, and two builds would write the same Parquet
directories, so a build holds the lock of build/spark/metastore_db (digital_city/locks.py). Every build starts from
an empty warehouse and metastore under build/spark/, as the CI build does under build/ci/. Time and peak memory are
measured over the whole process tree, the JVM included (`time -v` sees only the Python process).
"""

from __future__ import annotations

import argparse
import os
import shutil
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from digital_city import locks
from digital_city.project import ROOT

SPARK_DIR = ROOT / "build" / "spark"
METASTORE = SPARK_DIR / "metastore_db"
TARGET_PATH = SPARK_DIR / "target"
LOG_PATH = SPARK_DIR / "logs"
SAMPLE_SECONDS = 0.2


@dataclass(frozen=True)
class SparkBuild:
    code: int
    seconds: float
    peak_mib: float
    statuses: dict[str, int]

    def summary(self) -> str:
        nodes = sum(self.statuses.values())
        counts = ", ".join(f"{status} {n}" for status, n in sorted(self.statuses.items()))
        return (f"Spark build: {nodes} nodes ({counts}) in {self.seconds:.1f} s; peak memory {self.peak_mib:.0f} MiB"
                f" (Python and the JVM together)")


def tree_rss_kib(pid: int) -> int:
    """Resident memory of `pid` and all its descendants, from /proc (0 for a process that has gone)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


class PeakMemory:
    """Samples this process tree's resident memory in a thread while the block runs; `.mib` is the peak."""

    def __init__(self) -> None:
        self.kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.kib = max(self.kib, tree_rss_kib(os.getpid()))
            self._stop.wait(SAMPLE_SECONDS)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.kib = max(self.kib, tree_rss_kib(os.getpid()))

    @property
    def mib(self) -> float:
        return self.kib / 1024


def hold_metastore():
    return locks.hold(METASTORE, f"the Spark metastore {METASTORE.relative_to(ROOT)} (another Spark build?)")


def build(dbt_args: list[str] | None = None) -> SparkBuild:
    """The seed check, then `dbt build --target spark` (plus `dbt_args`) into an empty build/spark/, under the
    metastore's lock. The seed check runs first as in `make build`: with ANSI mode off (dbt-spark's choice) Spark
    loads a cell its column type refuses as NULL, silently."""
    from dbt.cli.main import dbtRunner  # after the environment below is set: dbt reads it on import

    from digital_city.pipeline import seed_check

    if seed_check.main(["--project-dir", str(ROOT)]) != 0:
        return SparkBuild(1, 0.0, 0.0, {})
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
    with hold_metastore():
        for stale in (METASTORE, SPARK_DIR / "warehouse"):
            shutil.rmtree(stale, ignore_errors=True)
        SPARK_DIR.mkdir(parents=True, exist_ok=True)
        args = ["build", "--target", "spark", "--project-dir", str(ROOT), "--profiles-dir", str(ROOT),
                "--target-path", str(TARGET_PATH), "--log-path", str(LOG_PATH), *(dbt_args or [])]
        started = time.perf_counter()
        previous = Path.cwd()
        os.chdir(ROOT)  # the profile's warehouse and metastore paths are relative to the project
        try:
            with PeakMemory() as peak:
                result = dbtRunner().invoke(args)
        finally:
            os.chdir(previous)
        seconds = time.perf_counter() - started
    statuses = Counter(str(node.status) for node in getattr(result.result, "results", None) or [])
    return SparkBuild(0 if result.success else 1, seconds, peak.mib, dict(statuses))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m digital_city spark",
        description="build the warehouse on the spark target (docs/spark.md); run from .venv-spark (make spark-env)",
    )
    parser.add_argument("action", choices=["build"])
    parser.add_argument("dbt_args", nargs=argparse.REMAINDER, help="passed to dbt build, e.g. --select <model>+")
    options = parser.parse_args(argv)
    outcome = build(options.dbt_args)
    print(outcome.summary())
    return outcome.code
