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
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digital_city import locks
from digital_city.crash_points import crash_point

# The dbt node after which the crash test kills a build "during dbt build": well inside the run.
CRASH_AFTER_NODES = 10
# Beside the work database: which release a finished build of it published, and the file's size and mtime then.
# Deleted when dbt starts, so a failed or killed build (or one whose publish was refused) leaves none.
STAMP_SUFFIX = ".built.json"
# Models whose SQL reads dbt's graph at compile time (macros/report_seed_carriers.sql): state:modified cannot see a
# change in what they read, so every incremental build rebuilds them and what depends on them.
GRAPH_READING_MACROS = ("macro.digital_city.report_seed_carriers",)
# dbt's state:modified compares a seed's contents only below this size (above it, only its path).
SEED_STATE_LIMIT = 1024 * 1024
# An incremental build compares contracts with the live release: a breaking change must stop it, not warn.
INCREMENTAL_ERRORS = ["NoNodesForSelectionCriteria", "UnversionedBreakingChange"]


@dataclass(frozen=True)
class Plan:
    """Which build runs: "full" (empty work database, every node), "incremental" (state:modified+ against the live
    release's dbt manifest, in the kept work database) or "selected" (the caller's --select/--exclude)."""

    kind: str
    why: str
    state_dir: Path | None = None
    always_rebuilt: tuple[str, ...] = ()
    base_release: str | None = None


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
    environment: dict[str, str] = field(default_factory=dict)
    plan: Plan = Plan("full", "")
    # Filled in by the steps as they run (nodes executed), read by the publish step and the summary.
    record: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


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
    if options.plan.kind == "incremental":
        args += ["--select", "state:modified+", *(f"{name}+" for name in options.plan.always_rebuilt),
                 "--state", str(options.plan.state_dir)]
        if not options.warn_error:
            args += ["--warn-error-options", json.dumps({"error": INCREMENTAL_ERRORS})]
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


def node_counter(record: dict[str, Any]) -> Callable[[Any], None]:
    record["nodes_executed"] = 0

    def on_event(event: Any) -> None:
        if event.info.name == "NodeFinished":
            record["nodes_executed"] += 1

    return on_event


def stamp_path(work_db: Path) -> Path:
    return work_db.with_name(work_db.name + STAMP_SUFFIX)


def write_stamp(work_db: Path, release_id: str) -> None:
    info = work_db.stat()
    stamp_path(work_db).write_text(json.dumps(
        {"release_id": release_id, "size": info.st_size, "mtime_ns": info.st_mtime_ns}) + "\n", encoding="utf-8")


def read_stamp(work_db: Path) -> dict[str, Any] | None:
    try:
        stamp = json.loads(stamp_path(work_db).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stamp if isinstance(stamp, dict) else None


def target_manifest(options: Options) -> Path:
    target = Path(options.target_path or os.environ.get("DBT_TARGET_PATH") or "target")
    return (target if target.is_absolute() else options.project_dir / target) / "manifest.json"


def dbt_step(options: Options) -> int:
    stamp_path(options.work_db).unlink(missing_ok=True)
    sys.stdout.flush()
    from digital_city.pipeline.validation_worker import ValidationWorker

    # Great Expectations imports on the other core while dbt imports and builds (forked before dbt is loaded).
    options.record["validator"] = ValidationWorker()
    # dbt is imported here so a seed-check failure stops the pipeline without paying for dbt's import.
    from digital_city.pipeline import dbt_runner

    if options.plan.kind == "full" and not (options.select or options.exclude):
        # A full build starts from an empty file: nothing left from an earlier build can hide a failure.
        for stale in (options.work_db, options.work_db.with_name(options.work_db.name + ".wal")):
            stale.unlink(missing_ok=True)
    code = dbt_runner.run(dbt_args(options), callbacks=[crash_during_dbt(), node_counter(options.record)])
    print(f"dbt executed {options.record['nodes_executed']} nodes ({options.plan.kind} build)", flush=True)
    if code == 0 and options.plan.kind == "incremental" and options.plan.state_dir is not None:
        dropped = drop_orphans(options.work_db, target_manifest(options), options.plan.state_dir / "manifest.json")
        if dropped:
            print(f"dropped {len(dropped)} relation(s) no longer in the project: {', '.join(dropped)}", flush=True)
    return code


def drop_orphans(work_db: Path, manifest: Path, previous: Path) -> list[str]:
    """Drop the relations of models and seeds that the project no longer has (dbt never drops them): a deleted
    model must leave the release as it would leave a full build's. Only the project's schemas are looked at."""
    import duckdb

    expected: set[tuple[str, str]] = set()
    schemas: set[str] = set()
    for path, current in ((manifest, True), (previous, False)):
        nodes = json.loads(path.read_text(encoding="utf-8")).get("nodes", {}) if path.is_file() else {}
        for node in nodes.values():
            if node["resource_type"] not in ("model", "seed", "snapshot"):
                continue
            schemas.add(node["schema"])
            if current:
                expected.add((node["schema"], node.get("alias") or node["name"]))
                if node.get("version") is not None:  # the unversioned view over the latest version
                    expected.add((node["schema"], node["name"]))
    dropped = []
    con = duckdb.connect(str(work_db))
    try:
        relations = con.execute(
            "select table_schema, table_name, table_type from information_schema.tables "
            "where table_catalog = current_database()").fetchall()
        for schema, name, kind in sorted(relations):
            if schema in schemas and (schema, name) not in expected:
                con.execute(f'drop {"view" if kind == "VIEW" else "table"} if exists "{schema}"."{name}" cascade')
                dropped.append(f"{schema}.{name}")
    finally:
        con.close()
    return dropped


def publish_step(options: Options) -> int:
    from digital_city.publishing import release
    validator = options.record.get("validator")
    if validator is None:
        from digital_city.validation.expectations import expectation_problems as validator

    try:
        done = release.publish(
            options.work_db,
            options.publish_dir,
            options.project_dir,
            validate=validator,
            progress=lambda line: print(line, flush=True),
            inputs_sha256=options.inputs_sha256,
            dbt_manifest=target_manifest(options),
            build_info={
                "kind": options.plan.kind,
                "why": options.plan.why,
                "base_release": options.plan.base_release,
                "select": options.select,
                "exclude": options.exclude,
                "nodes_executed": options.record.get("nodes_executed"),
                "environment": options.environment,
            },
        )
    except release.PublishError as error:
        print(f"publish failed: {error}", file=sys.stderr)
        return 1
    if options.plan.kind != "selected":
        # The work database now holds exactly what this release was built from: the next build may start from it.
        write_stamp(options.work_db, done.release_id)
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
    if (manifest.get("build") or {}).get("kind") == "selected":
        return None  # built from a selection: not what a whole build of these inputs makes
    problems = checksum_problems(warehouse.release_dir(current))
    if problems:
        print(f"release {current} was built from these inputs but fails its checksums ({'; '.join(problems)}): "
              "building it again", flush=True)
        return None
    return current


def fingerprint(options: Options) -> list[str]:
    """The build's options as inputs; a selection is one: its release must never pass for a whole build's."""
    return [f"target={options.target or ''}", f"warn_error={options.warn_error}",
            f"select={options.select or ''}", f"exclude={options.exclude or ''}"]


def plan(options: Options) -> Plan:
    """The cheapest build that publishes what a full build would, or the full build and why (one line)."""
    if options.select or options.exclude:
        chosen = " ".join(f"--{k} {v}" for k, v in (("select", options.select), ("exclude", options.exclude)) if v)
        return Plan("selected", f"{chosen}, on top of the work database")
    if options.force:
        return Plan("full", "FORCE=1 (--force) asks for it")
    if os.environ.get("CI"):
        return Plan("full", "CI is set: CI always builds everything")
    from digital_city.publishing.layout import Warehouse, read_manifest
    from digital_city.publishing.files import checksum_problems
    from digital_city.publishing.layout import DBT_MANIFEST

    warehouse = Warehouse(options.publish_dir)
    live = warehouse.current_id()
    if live is None:
        return Plan("full", f"no live release in {options.publish_dir}/")
    release_dir = warehouse.release_dir(live)
    built = (read_manifest(release_dir) or {}).get("build") or {}
    if not built or not (release_dir / DBT_MANIFEST).is_file():
        return Plan("full", f"release {live} keeps no dbt manifest to compare with")
    if built.get("kind") == "selected":
        selection = built.get("select") or built.get("exclude")
        return Plan("full", f"release {live} was built from a selection ({selection}), not the whole project")
    before = built.get("environment") or {}
    changed = sorted(k for k in set(before) | set(options.environment) if before.get(k) != options.environment.get(k))
    if changed:
        return Plan("full", f"{', '.join(changed)} changed since release {live}")
    if not options.work_db.is_file():
        return Plan("full", f"no work database {options.work_db}")
    stamp = read_stamp(options.work_db)
    if stamp is None:
        return Plan("full", f"the last build in {options.work_db} did not finish (failed, refused or killed)")
    if stamp.get("release_id") != live:
        return Plan("full", f"{options.work_db} holds the build of release {stamp.get('release_id')}, "
                            f"not of the live release {live}")
    info = options.work_db.stat()
    if (stamp.get("size"), stamp.get("mtime_ns")) != (info.st_size, info.st_mtime_ns):
        return Plan("full", f"{options.work_db} changed since release {live} was built (a dbt command run by hand?)")
    seeds = (options.project_dir / "seeds").rglob("*.csv")
    large = sorted(p.name for p in seeds if p.stat().st_size > SEED_STATE_LIMIT)
    if large:
        return Plan("full", f"dbt compares seeds over 1 MiB by path only, not content: {', '.join(large)}")
    problems = checksum_problems(release_dir)
    if problems:
        return Plan("full", f"release {live} fails its checksums ({'; '.join(problems)})")
    state = release_dir / Path(DBT_MANIFEST).parent
    nodes = json.loads((state / "manifest.json").read_text(encoding="utf-8")).get("nodes", {})
    readers = tuple(sorted(n["name"] for n in nodes.values()
                           if set(GRAPH_READING_MACROS) & set(n.get("depends_on", {}).get("macros", []))))
    also = f"; always rebuilt, as they read dbt's graph: {', '.join(readers)}" if readers else ""
    return Plan("incremental", f"state:modified+ against release {live}'s dbt manifest{also}",
                state_dir=state, always_rebuilt=readers, base_release=live)


def run_steps(options: Options) -> int:
    from dataclasses import replace

    from digital_city.pipeline.inputs import environment_parts, inputs_sha256

    options = replace(
        options,
        inputs_sha256=inputs_sha256(options.project_dir, fingerprint(options)),
        environment=environment_parts(options.project_dir, fingerprint(options)[:2]),
    )
    unchanged = fast_path_release(options)
    if unchanged is not None:
        print(f"nothing changed since release {unchanged} (same seeds, models, macros, tests, code and locks): "
              f"{options.publish_dir}/ already serves it and its files match their checksums.\n"
              "`make build FORCE=1` rebuilds anyway; CI always does.")
        return 0
    options = replace(options, plan=plan(options))
    print(f"build path: {options.plan.kind} ({options.plan.why})", flush=True)
    options.work_db.parent.mkdir(parents=True, exist_ok=True)
    # profiles.yml spills to build/tmp relative to the working directory.
    (Path.cwd() / "build" / "tmp").mkdir(parents=True, exist_ok=True)
    try:
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
    finally:
        if options.record.get("validator") is not None:
            options.record["validator"].close()
    print(f"\n{options.plan.kind} build: dbt executed {options.record.get('nodes_executed')} nodes", flush=True)
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
