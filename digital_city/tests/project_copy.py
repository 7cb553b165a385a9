"""A copy of the project in a temporary directory, built by the real pipeline (digital_city.pipeline.build) as `make build` runs it.

The bad-input suite breaks seeds in this copy and the structure tests read its manifest and database, so the
repository's own build/, target/ and warehouse/ are never touched. conftest.py builds it once per session.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from digital_city.project import ROOT

PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "package.json", "package-lock.json", ".npmrc")
PROJECT_DIRS = ("seeds", "models", "macros", "tests", "analyses", "digital_city", "contracts", "dashboards")
# Every run uses the same work path: profiles.yml reads it from DIGITAL_CITY_WORK_DB, and a changed profile makes dbt
# re-parse the whole project instead of parsing partially.
WORK_DB = Path("build/work/digital_city.duckdb")
GOOD_DB = Path("build/good/digital_city.duckdb")
PUBLISH_DIR = Path("warehouse")


@dataclass(frozen=True)
class BuiltProject:
    root: Path
    pristine_seeds: Path
    manifest: dict[str, Any]
    published: dict[str, str]  # published file -> sha256

    @property
    def work_db(self) -> Path:
        return self.root / WORK_DB

    @property
    def good_db(self) -> Path:
        """A copy of the good build's work database, restored before each faulty build."""
        return self.root / GOOD_DB

    def restore_good_db(self) -> None:
        # A write-ahead log left by a failed run would be replayed onto the restored file.
        self.work_db.with_name(self.work_db.name + ".wal").unlink(missing_ok=True)
        shutil.copy2(self.good_db, self.work_db)

    @property
    def publish_dir(self) -> Path:
        return self.root / PUBLISH_DIR


def pipeline_env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBT_", "DIGITAL_CITY_"))}
    env.update(
        DBT_PROFILES_DIR=str(root),
        DBT_PROJECT_DIR=str(root),
        DBT_SEND_ANONYMOUS_USAGE_STATS="False",
        DO_NOT_TRACK="1",
        GX_ANALYTICS_ENABLED="False",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def run_pipeline(
    root: Path, *extra: str, publish_dir: Path = PUBLISH_DIR, env: dict[str, str] | None = None, force: bool = True
) -> subprocess.CompletedProcess[str]:
    """The pipeline as `make build` runs it; `force` (the default) skips the no-change fast path, so a test that builds
    twice from the same inputs gets two real builds."""
    command = [sys.executable, "-m", "digital_city", "build", "--work-db", str(WORK_DB), "--publish-dir", str(publish_dir)]
    return subprocess.run(
        [*command, "--warn-error", *(["--force"] if force else []), *extra],
        cwd=root,
        env={**pipeline_env(root), **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )


def published_digests(publish_dir: Path) -> dict[str, str]:
    """The live release's id and the sha256 of every file readers reach through the published paths."""
    digests = {"current ->": os.readlink(publish_dir / "current")}
    release = (publish_dir / "current").resolve()
    for path in sorted(release.rglob("*")):
        if path.is_file():
            digests[path.relative_to(release).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    for entry in ("digital_city.duckdb", "parquet", "manifest.json"):
        digests[f"{entry} ->"] = os.readlink(publish_dir / entry)
    return digests


def copy_project(root: Path) -> Path:
    """The project's sources (no build/, target/ or warehouse/) copied into `root`, as a fresh clone has them."""
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, root / name)
    ignore = shutil.ignore_patterns("__pycache__", ".pytest_cache")
    for name in PROJECT_DIRS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, root / name, ignore=ignore)
    return root


def build_project_copy(root: Path, pristine: Path) -> BuiltProject:
    """Copy the project into `root` (keeping its seeds in `pristine` too) and run the full pipeline there."""
    copy_project(root)
    shutil.copytree(root / "seeds", pristine)
    done = run_pipeline(root)
    if done.returncode != 0:
        output = f"{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
        raise RuntimeError(f"the good build failed (exit {done.returncode}):\n{output}")
    manifest = json.loads((root / "target" / "manifest.json").read_text(encoding="utf-8"))
    built = BuiltProject(root, pristine, manifest, published_digests(root / PUBLISH_DIR))
    built.good_db.parent.mkdir(parents=True)
    shutil.copy2(built.work_db, built.good_db)
    return built
