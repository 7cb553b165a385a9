"""The file operations a release relies on: checksums, read-only modes, deletion of read-only trees and the atomic
repointing of a symlink."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from pathlib import Path

from digital_city.publishing.layout import MANIFEST_FILE


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checksum_problems(release: Path) -> list[str]:
    """What is wrong with a release directory: missing or altered files against its manifest (empty: intact)."""
    manifest = json.loads((release / MANIFEST_FILE).read_text(encoding="utf-8"))
    problems = []
    for name, expected in manifest["files"].items():
        path = release / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif file_sha256(path) != expected:
            problems.append(f"{name}: sha256 differs from the manifest")
    return problems


def make_read_only(release: Path) -> None:
    for path in sorted(release.rglob("*"), reverse=True):
        if not path.is_symlink():
            path.chmod(0o555 if path.is_dir() else 0o444)
    release.chmod(0o555)


def remove_tree(path: Path) -> None:
    """Delete a (read-only) release directory."""
    if not path.exists() and not path.is_symlink():
        return
    for sub in [path, *path.rglob("*")]:
        if sub.is_dir() and not sub.is_symlink():
            sub.chmod(sub.stat().st_mode | stat.S_IWUSR | stat.S_IXUSR)
    shutil.rmtree(path)


def point(link: Path, target: str) -> None:
    """Make `link` a symlink to `target` in one atomic step (a new link renamed over the old)."""
    if link.is_symlink() and os.readlink(link) == target:
        return
    fresh = link.with_name(f".{link.name}.new")
    if fresh.is_symlink() or fresh.exists():
        fresh.unlink()
    fresh.symlink_to(target)
    os.replace(fresh, link)
