"""Great Expectations in a process started when dbt starts, so its import (most of its fixed cost: pandas, altair,
scipy and every expectation class, ~4 s of a ~7 s validation on an idle machine) overlaps the dbt build on the other
core instead of following it. The suites, the Data Docs and the verdict are the same: the worker runs
`expectation_problems` and hands back the problems it found.

The worker dies with the build (PR_SET_PDEATHSIG), so a killed build leaves no process holding its locks or output.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

PR_SET_PDEATHSIG = 1


def _warm() -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: the worker still exits when the build closes its pipe
    import great_expectations  # noqa: F401 - the point: import while dbt runs

    import digital_city.validation.expectations  # noqa: F401


def _validate(release: Path, manifest: dict[str, Any]) -> list[str]:
    from digital_city.validation.expectations import expectation_problems

    try:
        return expectation_problems(release, manifest)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()


class ValidationWorker:
    def __init__(self) -> None:
        # fork: the build's modules are already imported, and nothing has started a thread yet.
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"),
                                         initializer=_warm)
        self._pool.submit(int)  # start the worker (and its imports) now

    def __call__(self, release: Path, manifest: dict[str, Any]) -> list[str]:
        sys.stdout.flush()
        return self._pool.submit(_validate, release, manifest).result()

    def close(self) -> None:
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.kill()
