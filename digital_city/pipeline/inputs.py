"""What a build is made from, as one hash: the no-change fast path of `make build` compares it with the live release's.

A release's manifest records the hash of the inputs it was built from (`inputs_sha256`). A later full build whose
inputs hash the same, on a warehouse whose live release is intact, has nothing to do: the release it would publish
is the one already live. Anything that can change what a build produces or checks is an input: the dbt project
(seeds, models, macros, tests, analyses, dbt_project.yml, profiles.yml), the locked environment, the Python code
that checks, validates and publishes, and the build's own options. CI never takes the fast path (`CI` set), nor does
a build with `--force`, a selection, or a live release that fails its checksums.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

INPUT_DIRS = ("seeds", "models", "macros", "tests", "analyses", "snapshots", "digital_city")
INPUT_FILES = (
    "dbt_project.yml",
    "profiles.yml",
    "packages.yml",
    "pyproject.toml",
    "requirements.lock",
    "package-lock.json",
)
# Python's own caches and the project's tests do not change what a build produces.
IGNORED_PARTS = {"__pycache__", "tests"}
IGNORED_SUFFIXES = {".pyc"}


def input_files(project_dir: Path) -> list[Path]:
    files = [project_dir / name for name in INPUT_FILES if (project_dir / name).is_file()]
    for directory in INPUT_DIRS:
        root = project_dir / directory
        if not root.is_dir():
            continue
        for path in root.rglob("*"):
            relative = path.relative_to(root).parts
            if directory == "digital_city" and IGNORED_PARTS.intersection(relative):
                continue
            if path.is_file() and path.suffix not in IGNORED_SUFFIXES:
                files.append(path)
    return sorted(files)


def inputs_sha256(project_dir: Path, options: Iterable[str] = ()) -> str:
    """sha256 over every input file (path and content) and the build's options, in a fixed order."""
    digest = hashlib.sha256()
    for option in options:
        digest.update(b"option\0" + option.encode() + b"\0")
    for path in input_files(project_dir):
        digest.update(path.relative_to(project_dir).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
