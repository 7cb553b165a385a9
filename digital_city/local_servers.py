"""What the servers the project starts itself share (Superset in dashboards/, PostgreSQL in postgres/): they listen
on the loopback address only, take a free port when their usual one is taken, and keep generated secrets in files
no other user can read."""

from __future__ import annotations

import os
import socket
from pathlib import Path

HOST = "127.0.0.1"


def write_private(path: Path, text: str) -> None:
    """Create `path` readable by its owner only; the mode is set at creation, so no other user can ever read it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text + "\n")


def free_port() -> int:
    """A port on HOST that nothing listens on now (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def port_free(port: int) -> bool:
    """Whether a server could listen on `port` of HOST now (nothing bound to it, ours or another's)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
        return True
