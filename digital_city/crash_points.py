"""Named points where the crash tests kill the build, to prove a SIGKILL at any step loses nothing.

`crash_point("staging")` does nothing unless DIGITAL_CITY_CRASH_AT names that point; then the process sends
itself SIGKILL right there, as the kernel's OOM killer or a power cut would, with no chance to clean up.
digital_city/tests/test_crash_safety.py sets the variable; nothing else should.
"""

from __future__ import annotations

import multiprocessing
import os
import signal

CRASH_ENV = "DIGITAL_CITY_CRASH_AT"


def crash_point(name: str) -> None:
    if os.environ.get(CRASH_ENV) == name:
        # In the validation worker (digital_city/pipeline/validation_worker.py) the build dies with it.
        parent = multiprocessing.parent_process()
        if parent is not None and parent.pid:
            os.kill(parent.pid, signal.SIGKILL)
        os.kill(os.getpid(), signal.SIGKILL)
