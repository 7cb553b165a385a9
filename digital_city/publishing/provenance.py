"""What a release records about where it came from: the source commit, whether the checkout was dirty, a hash of
the seeds, and the release id built from the time and the commit."""

from __future__ import annotations

import hashlib
import subprocess
from datetime import datetime
from pathlib import Path


def git(repo: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip()


def source_commit(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD") or "unknown"


def source_dirty(repo: Path) -> bool | None:
    status = git(repo, "status", "--porcelain", "--untracked-files=no")
    return None if status is None else bool(status)


def seeds_sha256(repo: Path) -> str:
    """One hash over every seed CSV (path and content), so two releases built from the same seeds say so."""
    digest = hashlib.sha256()
    for path in sorted((repo / "seeds").rglob("*.csv")):
        digest.update(path.relative_to(repo).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def new_release_id(commit: str, now: datetime) -> str:
    """`<UTC time to the millisecond>Z-<commit>`: sorts by build time and says what it was built from."""
    stamp = now.strftime("%Y%m%dT%H%M%S") + f".{now.microsecond // 1000:03d}Z"
    return f"{stamp}-{commit[:7] if commit != 'unknown' else 'nogit'}"
