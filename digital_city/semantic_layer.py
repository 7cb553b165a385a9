"""Run MetricFlow's `mf` against a chosen dbt target path, profile target and database.

mf (dbt-metricflow 0.15) reads the semantic manifest only from `<project dir>/target/semantic_manifest.json`: it
ignores `--target-path` and DBT_TARGET_PATH. It connects with the profile's default target, read-write, and has no
`--target` option. In a tree where several people build into their own target paths and databases, and readers hold
the published warehouse open, plain `mf` would read someone else's manifest and lock the file. So this wrapper runs
mf from a throwaway project directory: dbt_project.yml linked from the project, `target` linked to the chosen target
path, and a profiles.yml copied from the project's with the chosen target as default (opened read-only on request).
The working directory stays the project root, so the relative database paths of profiles.yml still resolve.

    python -m digital_city mf [--target-path P] [--target ci] [--db FILE] [--read-only] [--parse] -- <mf args>

e.g. `python -m digital_city mf --target ci -- validate-configs`. Exit code: mf's, or 2 when no semantic
manifest exists at the target path.
"""

from __future__ import annotations

import argparse
import copy
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from digital_city.project import ROOT

BIN = Path(sys.executable).parent
SEMANTIC_MANIFEST = "semantic_manifest.json"
# mf hard-codes this directory name under the project directory.
MF_TARGET_DIR = "target"


def target_path(option: str | None, env: Mapping[str, str], project_dir: Path) -> Path:
    """The dbt target path as dbt resolves it: the option, else DBT_TARGET_PATH, else `target`, under the project."""
    chosen = Path(option or env.get("DBT_TARGET_PATH") or "target")
    return chosen if chosen.is_absolute() else project_dir / chosen


def profiles_for(raw: Mapping[str, Any], profile: str, target: str | None, read_only: bool) -> dict[str, Any]:
    """A copy of profiles.yml with `target` as the profile's default; read_only adds DuckDB's access_mode."""
    profiles = copy.deepcopy(dict(raw))
    if profile not in profiles:
        raise ValueError(f"profile {profile!r} not in profiles.yml")
    chosen = target or str(profiles[profile].get("target", "default"))
    outputs = profiles[profile].get("outputs") or {}
    if chosen not in outputs:
        raise ValueError(f"target {chosen!r} not in profile {profile!r} (has: {', '.join(sorted(outputs))})")
    profiles[profile]["target"] = chosen
    if read_only and outputs[chosen].get("type") == "duckdb":
        # dbt-duckdb always connects with read_only=False; the config option is what DuckDB honours.
        options = dict(outputs[chosen].get("config_options") or {})
        options["access_mode"] = "read_only"
        outputs[chosen]["config_options"] = options
    return profiles


def make_mf_project(project_dir: Path, manifest_dir: Path, profiles: Mapping[str, Any], into: Path) -> Path:
    """The directory mf is pointed at (DBT_PROJECT_DIR and DBT_PROFILES_DIR); its logs go to `<into>/logs`."""
    (into / "dbt_project.yml").symlink_to(project_dir / "dbt_project.yml")
    (into / MF_TARGET_DIR).symlink_to(manifest_dir.resolve(), target_is_directory=True)
    # mf runs from this throwaway directory: the profile's plugins are imported from the real project.
    for profile in profiles.values():
        for output in profile.get("outputs", {}).values():
            if "module_paths" in output:
                output["module_paths"] = [str(project_dir.resolve())]
    (into / "profiles.yml").write_text(yaml.safe_dump(dict(profiles), allow_unicode=True), encoding="utf-8")
    (into / "logs").mkdir()
    return into


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m digital_city mf", description=__doc__.split("\n\n")[0])
    parser.add_argument("--project-dir", type=Path, default=ROOT)
    parser.add_argument("--target-path", help="dbt target path holding semantic_manifest.json (default: dbt's)")
    parser.add_argument("--target", help="profile target mf connects with (default: the profile's default)")
    parser.add_argument("--db", help="database file; sets DIGITAL_CITY_WORK_DB, which every target of profiles.yml reads")
    parser.add_argument("--read-only", action="store_true", help="open the database read-only (published warehouse)")
    parser.add_argument("--parse", action="store_true", help="run `dbt parse` into the target path first")
    parser.add_argument("mf_args", nargs=argparse.REMAINDER, help="arguments for mf, after --")
    args = parser.parse_args(argv)
    args.mf_args = args.mf_args[1:] if args.mf_args[:1] == ["--"] else args.mf_args
    if not args.mf_args:
        parser.error("no mf command given (e.g. -- validate-configs)")
    return args


def run(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    project_dir = args.project_dir.resolve()
    env = dict(os.environ)
    if args.db:
        env["DIGITAL_CITY_WORK_DB"] = args.db
    manifest_dir = target_path(args.target_path, env, project_dir)
    if args.parse:
        parse = [sys.executable, "-m", "digital_city", "dbt", "parse", "--project-dir", str(project_dir)]
        parse += ["--profiles-dir", str(project_dir), "--target-path", str(manifest_dir)]
        code = subprocess.call([*parse, *(["--target", args.target] if args.target else [])], cwd=project_dir, env=env)
        if code != 0:
            return code
    if not (manifest_dir / SEMANTIC_MANIFEST).is_file():
        print(
            f"no {SEMANTIC_MANIFEST} in {manifest_dir}: run `dbt parse --target-path {manifest_dir}` (or a build) "
            "first, or pass --parse",
            file=sys.stderr,
        )
        return 2
    raw = yaml.safe_load((project_dir / "profiles.yml").read_text(encoding="utf-8"))
    profile = str(yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8"))["profile"])
    profiles = profiles_for(raw, profile, args.target, args.read_only)
    if profiles[profile]["outputs"][profiles[profile]["target"]].get("type") == "postgres" and "DIGITAL_CITY_PG_PASSWORD" not in env:
        # The team server (docs/postgres.md): mf reads the marts as bi_reader, with the password from build/postgres/.
        from digital_city.postgres.server import READER, Cluster, PostgresError

        try:
            env.update(Cluster().dbt_env(READER))
        except PostgresError as error:
            print(f"mf: {error}", file=sys.stderr)
            return 2
    with tempfile.TemporaryDirectory(prefix="digital-city-mf-") as scratch:
        mf_project = make_mf_project(project_dir, manifest_dir, profiles, Path(scratch))
        env.update(DBT_PROJECT_DIR=str(mf_project), DBT_PROFILES_DIR=str(mf_project))
        env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
        env.setdefault("DO_NOT_TRACK", "1")
        return subprocess.call([str(BIN / "mf"), *args.mf_args], cwd=project_dir, env=env)


def main(argv: list[str] | None = None) -> int:
    return run(sys.argv[1:] if argv is None else argv)

