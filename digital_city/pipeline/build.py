"""The build `make build` runs: seed check -> dbt build -> publish (stage a release, validate it, switch it in).

Each step runs only if the one before passed, and the switch is the last thing that happens, so a bad seed, a
failed dbt test, a failed expectation, a full disk or a killed process leaves the published warehouse exactly as it
was. One build at a time uses a work database, and one publish at a time a warehouse (digital_city/locks.py): a
second build waits and says for whom. digital_city/tests/test_bad_input.py and test_crash_safety.py drive this
same entry point.

    python -m digital_city build --work-db build/work/digital_city.duckdb --publish-dir warehouse
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from digital_city import locks
from digital_city.crash_points import crash_point

# The dbt node after which the crash test kills a build "during dbt build": well inside the run.
CRASH_AFTER_NODES = 10


@dataclass(frozen=True)
class Options:
    project_dir: Path
    work_db: Path
    publish_dir: Path
    select: str | None = None
    exclude: str | None = None
    target: str | None = None
    target_path: str | None = None
    warn_error: bool = False
    force: bool = False
    # Set by build(): the hash of what this build is made from (digital_city/pipeline/inputs.py).
    inputs_sha256: str | None = None


def dbt_args(options: Options) -> list[str]:
    args = ["build", "--project-dir", str(options.project_dir), "--profiles-dir", str(options.project_dir)]
    if options.target:
        args += ["--target", options.target]
    if options.target_path:
        args += ["--target-path", options.target_path]
    if options.select:
        args += ["--select", options.select]
    if options.exclude:
        args += ["--exclude", options.exclude]
    if options.warn_error:
        args.append("--warn-error")
    return args


def seed_check_step(options: Options) -> int:
    from digital_city.pipeline import seed_check

    return seed_check.main(["--project-dir", str(options.project_dir)])


def crash_during_dbt() -> Callable[[Any], None]:
    finished = 0

    def on_event(event: Any) -> None:
        nonlocal finished
        if event.info.name == "NodeFinished":
            finished += 1
            if finished >= CRASH_AFTER_NODES:
                crash_point("dbt-build")

    return on_event


def dbt_step(options: Options) -> int:
    # dbt is imported here so a seed-check failure stops the pipeline without paying for dbt's import.
    from digital_city.pipeline import dbt_runner

    if options.select is None:
        # A full build starts from an empty file: nothing left from an earlier build can hide a failure.
        for stale in (options.work_db, options.work_db.with_name(options.work_db.name + ".wal")):
            stale.unlink(missing_ok=True)
    return dbt_runner.run(dbt_args(options), callbacks=[crash_during_dbt()])


def publish_step(options: Options) -> int:
    from digital_city.publishing import release
    from digital_city.validation.expectations import expectation_problems

    try:
        done = release.publish(
            options.work_db,
            options.publish_dir,
            options.project_dir,
            validate=expectation_problems,
            progress=lambda line: print(line, flush=True),
            inputs_sha256=options.inputs_sha256,
        )
    except release.PublishError as error:
        print(f"publish failed: {error}", file=sys.stderr)
        return 1
    print(release.published_message(done, options.publish_dir))
    return 0


STEPS: tuple[tuple[str, Callable[[Options], int]], ...] = (
    ("seed check", seed_check_step),
    ("dbt build", dbt_step),
    ("publish", publish_step),
)


def build(options: Options) -> int:
    # profiles.yml reads the work database from the environment; restore it afterwards so a caller in the same
    # process (pytest) does not inherit a path that belongs to this build.
    previous = os.environ.get("DIGITAL_CITY_WORK_DB")
    os.environ["DIGITAL_CITY_WORK_DB"] = str(options.work_db)
    try:
        with locks.hold(options.work_db, f"the work database {options.work_db}"):
            return run_steps(options)
    except KeyboardInterrupt:
        print(f"\nbuild interrupted: {options.publish_dir}/ was not touched", file=sys.stderr)
        return 130
    finally:
        if previous is None:
            os.environ.pop("DIGITAL_CITY_WORK_DB", None)
        else:
            os.environ["DIGITAL_CITY_WORK_DB"] = previous


def current_release(publish_dir: Path) -> str:
    from digital_city.publishing.layout import Warehouse

    current = Warehouse(publish_dir).current_id()
    return f"it still serves release {current}" if current else "nothing is published there yet"


def fast_path_release(options: Options) -> str | None:
    """The live release, if this build would make it again: a full build, outside CI, of the same inputs."""
    if options.force or options.select or options.exclude or os.environ.get("CI"):
        return None
    from digital_city.publishing.layout import Warehouse, read_manifest
    from digital_city.publishing.files import checksum_problems

    warehouse = Warehouse(options.publish_dir)
    current = warehouse.current_id()
    if current is None or not options.work_db.is_file():
        return None
    manifest = read_manifest(warehouse.release_dir(current)) or {}
    if manifest.get("inputs_sha256") != options.inputs_sha256:
        return None
    problems = checksum_problems(warehouse.release_dir(current))
    if problems:
        print(f"release {current} was built from these inputs but fails its checksums ({'; '.join(problems)}): "
              "building it again", flush=True)
        return None
    return current


def run_steps(options: Options) -> int:
    from dataclasses import replace

    from digital_city.pipeline.inputs import inputs_sha256

    options = replace(options, inputs_sha256=inputs_sha256(
        options.project_dir, [f"target={options.target or ''}", f"warn_error={options.warn_error}"]))
    unchanged = fast_path_release(options)
    if unchanged is not None:
        print(f"nothing changed since release {unchanged} (same seeds, models, macros, tests, code and locks): "
              f"{options.publish_dir}/ already serves it and its files match their checksums.\n"
              "`make build FORCE=1` rebuilds anyway; CI always does.")
        return 0
    options.work_db.parent.mkdir(parents=True, exist_ok=True)
    # profiles.yml spills to build/tmp relative to the working directory.
    (Path.cwd() / "build" / "tmp").mkdir(parents=True, exist_ok=True)
    for name, step in STEPS:
        print(f"\n=== {name}", flush=True)
        started = time.perf_counter()
        code = step(options)
        sys.stdout.flush()
        if code != 0:
            print(
                f"\npipeline stopped at {name} (exit {code}): {options.publish_dir}/ was not touched "
                f"({current_release(options.publish_dir)})",
                file=sys.stderr,
            )
            return code
        print(f"--- {name} ok ({time.perf_counter() - started:.1f}s)", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work-db", type=Path, required=True)
    parser.add_argument("--publish-dir", type=Path, required=True)
    parser.add_argument("--project-dir", type=Path, default=Path.cwd())
    parser.add_argument("--select", help="build only these nodes, on top of the existing work database")
    parser.add_argument("--exclude")
    parser.add_argument("--target")
    parser.add_argument("--target-path")
    parser.add_argument("--warn-error", action="store_true", help="dbt warnings fail the build (as in make test)")
    parser.add_argument("--force", action="store_true",
                        help="build even if nothing changed since the live release (CI always builds)")
    args = parser.parse_args(argv)
    return build(
        Options(
            project_dir=args.project_dir.resolve(),
            work_db=args.work_db,
            publish_dir=args.publish_dir,
            select=args.select,
            exclude=args.exclude,
            target=args.target,
            target_path=args.target_path,
            warn_error=args.warn_error,
            force=args.force,
        )
    )
