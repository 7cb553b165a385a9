"""Print how long this machine takes to install, parse and build the warehouse, and how much memory it needs.

It measures and prints; it asserts nothing about speed, since timings depend on the machine and its load.
Everything it writes goes to a temporary directory: the work database, target/ and .venv/ are left alone.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from digital_city.bench_reference import write_reference_project
from digital_city.project import ROOT

BIN = Path(sys.executable).parent
LOCK = ROOT / "requirements.lock"


@dataclass(frozen=True)
class NodeCounts:
    seeds: int
    models: int
    data_tests: int
    unit_tests: int

    @property
    def total(self) -> int:
        return self.seeds + self.models + self.data_tests + self.unit_tests


@dataclass(frozen=True)
class Figure:
    name: str
    value: str
    note: str = ""


def count_nodes(manifest: dict) -> NodeCounts:
    """Count the project's own nodes in a dbt manifest.json (nodes from packages are not the project's work)."""
    project = manifest.get("metadata", {}).get("project_name")
    kinds = Counter(
        node["resource_type"]
        for node in manifest.get("nodes", {}).values()
        if project is None or node.get("package_name") == project
    )
    unit_tests = sum(
        1 for node in manifest.get("unit_tests", {}).values() if project is None or node.get("package_name") == project
    )
    return NodeCounts(kinds["seed"], kinds["model"], kinds["test"], unit_tests)


def seconds_by_kind(run_results: dict[str, Any]) -> dict[str, float]:
    """Summed execution time per node kind (seed, model, test, unit_test): where dbt's time goes inside the step."""
    totals: Counter[str] = Counter()
    for result in run_results.get("results", []):
        totals[str(result.get("unique_id", "?")).split(".", 1)[0]] += float(result.get("execution_time") or 0.0)
    return dict(totals)


def threads_used(run_results: dict[str, Any]) -> int:
    """Distinct worker threads that ran nodes: the profile's thread count as the build actually used it."""
    return len({r.get("thread_id") for r in run_results.get("results", []) if r.get("thread_id")})


def result_statuses(run_results: dict) -> Counter[str]:
    """How many executed nodes ended in each status (success, pass, error, fail, skipped, ...)."""
    return Counter(str(result.get("status")) for result in run_results.get("results", []))


def markdown_table(figures: list[Figure]) -> str:
    lines = ["| measure | value | note |", "| --- | ---: | --- |"]
    lines += [f"| {f.name} | {f.value} | {f.note} |" for f in figures]
    return "\n".join(lines)


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float  # user + system of the command and its children: less sensitive than wall time to other load
    max_rss_mib: float  # this command's own peak resident set (its largest process)


def timed(command: list[str], env: dict[str, str], log: Path, cwd: Path = ROOT) -> Timing:
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        # wait4 gives this child's own rusage; RUSAGE_CHILDREN would mix in every earlier command's peak.
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = Timing(time.perf_counter() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}; see {log}")
    return elapsed


STEP_LINE = re.compile(r"^--- (?P<step>.+) ok \((?P<seconds>[0-9.]+)s\)$", re.M)


def step_seconds(log: Path) -> dict[str, float]:
    """The pipeline's own per-step timings, from its `--- <step> ok (<seconds>s)` lines."""
    return {m["step"]: float(m["seconds"]) for m in STEP_LINE.finditer(log.read_text(encoding="utf-8"))}


def bench_reference(scratch: Path, env: dict[str, str]) -> tuple[Timing, int, list[Figure]]:
    """Time the generated reference project: parse once, then a warm `dbt build` into an empty database."""
    project = scratch / "reference"
    nodes = write_reference_project(project)
    ref_env = dict(env, DBT_PROFILES_DIR=str(project), DBT_PROJECT_DIR=str(project),
                   BENCH_REFERENCE_DB=str(scratch / "reference.duckdb"))
    timed([str(BIN / "dbt"), "parse"], ref_env, scratch / "reference-parse.log", cwd=project)
    build = timed([str(BIN / "dbt"), "build"], ref_env, scratch / "reference-build.log", cwd=project)
    return build, nodes, [
        Figure("reference project: warm `dbt build`", f"{build.wall:.1f} s",
               f"{nodes} nodes (3 seeds, 4 models, 9 data tests; digital_city/bench_reference.py); "
               f"{build.wall / nodes:.3f} s a node; CPU {build.cpu:.1f} s"),
    ]


def bench_pipeline(scratch: Path, env: dict[str, str], reference: Timing, reference_nodes: int) -> list[Figure]:
    """The `make build` pipeline into scratch paths: a full parse, a warm forced build, a no-change build."""
    target = scratch / "target"
    work_db, publish_dir = scratch / "work" / "digital_city.duckdb", scratch / "warehouse"
    parse = timed([str(BIN / "dbt"), "parse", "--no-partial-parse", "--target-path", str(target)], env,
                  scratch / "parse.log")
    pipeline = [str(BIN / "python"), "-m", "digital_city", "build", "--work-db", str(work_db),
                "--publish-dir", str(publish_dir), "--target-path", str(target)]
    timed(pipeline + ["--force"], env, scratch / "first-build.log")  # leaves dbt's partial-parse state warm
    warm = timed(pipeline + ["--force"], env, scratch / "warm-build.log")
    steps = step_seconds(scratch / "warm-build.log")
    # The fast path is off under CI by design; the bench measures what a developer's second `make build` costs.
    unchanged = timed(pipeline, {k: v for k, v in env.items() if k != "CI"}, scratch / "no-change-build.log")
    run_results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))
    statuses = result_statuses(run_results)
    executed = sum(statuses.values())
    counts = count_nodes(json.loads((target / "manifest.json").read_text(encoding="utf-8")))
    dbt_seconds = steps.get("dbt build", float("nan"))
    return [
        Figure("dbt parse (no partial parse)", f"{parse.wall:.1f} s", f"CPU {parse.cpu:.1f} s; peak RSS {parse.max_rss_mib:.0f} MiB"),
        Figure("warm full build (`make build FORCE=1`)", f"{warm.wall:.1f} s",
               f"from an empty work database, validated and published; CPU {warm.cpu:.1f} s; "
               f"{warm.wall / reference.wall:.1f}x the reference project's build"),
        *[Figure(f"  step: {name}", f"{seconds:.1f} s") for name, seconds in steps.items()],
        Figure("  peak RSS of the build (all steps, one process)", f"{warm.max_rss_mib:.0f} MiB"),
        Figure("no-change build (`make build`)", f"{unchanged.wall:.1f} s",
               f"nothing changed since the last release; peak RSS {unchanged.max_rss_mib:.0f} MiB"),
        Figure("nodes executed by dbt build", str(executed), ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))),
        Figure("seconds per executed node (dbt build step)", f"{dbt_seconds / executed:.3f} s" if executed else "n/a",
               f"{threads_used(run_results)} dbt thread(s); the reference project's {reference.wall / reference_nodes:.3f} s "
               "is mostly dbt's start-up spread over 16 nodes, so compare whole builds, not nodes"
               if executed else ""),
        Figure("  inside dbt build: summed node execution", ", ".join(
            f"{kind} {seconds:.1f} s" for kind, seconds in sorted(seconds_by_kind(run_results).items())),
            "the rest of the step is dbt's start-up, parse and per-node bookkeeping"),
        Figure("project nodes", str(counts.total),
               f"{counts.seeds} seeds, {counts.models} models, {counts.data_tests} data tests, {counts.unit_tests} unit tests"),
    ]


PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "package.json", "package-lock.json", ".npmrc", "pyproject.toml",
                 "requirements.lock")
PROJECT_DIRS = ("seeds", "models", "macros", "tests", "analyses", "digital_city")
# The staging model the incremental row edits (one line appended, as a developer's edit).
EDITED_MODEL = "stg_report__leader_statements"
RUNS = 3


@dataclass(frozen=True)
class Goal:
    measure: str
    value: str  # as measured
    ratio: str  # to the reference project's build in the same run, where the goal is a ratio
    goal: str
    met: bool | None  # None: not measured in this run


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def fresh_clone(target: Path) -> Path:
    """The project's sources as a clone has them (no build/, target/, warehouse/), for runs that edit or build."""
    target.mkdir(parents=True)
    for name in PROJECT_FILES:
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, target / name)
    for name in PROJECT_DIRS:
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    return target


def bench_goals(scratch: Path, env: dict[str, str]) -> list[Goal]:
    """Every row of issue 26's goal table, each timed RUNS times (median) beside the reference project's build."""
    project = scratch / "reference"
    write_reference_project(project)
    ref_env = dict(env, DBT_PROFILES_DIR=str(project), DBT_PROJECT_DIR=str(project),
                   BENCH_REFERENCE_DB=str(scratch / "reference.duckdb"))
    timed([str(BIN / "dbt"), "parse"], ref_env, scratch / "reference-parse.log", cwd=project)
    references: list[float] = []

    def reference_now() -> float:
        # Timed just before each measured run: on a shared machine the load changes within minutes.
        seconds = timed([str(BIN / "dbt"), "build"], ref_env, scratch / f"reference-build-{len(references)}.log",
                        cwd=project).wall
        references.append(seconds)
        return seconds

    def paired(command: list[str], environment: dict[str, str], log: str, cwd: Path) -> tuple[Timing, float]:
        reference = reference_now()
        measured = timed(command, environment, scratch / log, cwd=cwd)
        return measured, measured.wall / reference

    goals: list[Goal] = []

    # An analyst's first command: no Makefile variables, no build/ folder.
    clone = fresh_clone(scratch / "clone")
    analyst = {k: v for k, v in env.items() if not k.startswith(("DBT_PROFILES_DIR", "DBT_PROJECT_DIR", "CI"))}
    try:
        plain, ratio = paired([str(BIN / "dbt"), "build"], analyst, "plain-dbt-build.log", clone)
        goals.append(Goal("plain `dbt build` in a fresh clone", f"passes, {plain.wall:.1f} s",
                          f"{ratio:.1f}x", "passes", True))
    except RuntimeError:
        goals.append(Goal("plain `dbt build` in a fresh clone", "fails (see plain-dbt-build.log)", "", "passes", False))
    shutil.rmtree(clone / "build", ignore_errors=True)

    developer = {k: v for k, v in env.items() if k != "CI"}  # CI always builds in full: measure a developer's builds
    developer.update(DBT_PROFILES_DIR=str(clone), DBT_PROJECT_DIR=str(clone))
    pipeline = [str(BIN / "python"), "-m", "digital_city", "build", "--work-db", "build/work/digital_city.duckdb",
                "--publish-dir", "warehouse"]
    first = timed(pipeline, developer, scratch / "first-build.log", cwd=clone)
    full_runs = [paired(pipeline + ["--force"], developer, f"full-build-{i}.log", clone) for i in range(RUNS)]
    full = [t for t, _ in full_runs]
    model = next((clone / "models").rglob(f"{EDITED_MODEL}.sql"))
    edit_runs = []
    for i in range(RUNS):
        with model.open("a", encoding="utf-8") as out:
            out.write(f"-- bench edit {i}\n")
        edit_runs.append(paired(pipeline, developer, f"edit-build-{i}.log", clone))
    edits = [t for t, _ in edit_runs]
    edit_logs = "".join((scratch / f"edit-build-{i}.log").read_text(encoding="utf-8") for i in range(RUNS))
    incremental = [int(n) for n in re.findall(r"incremental build: dbt executed (\d+) nodes", edit_logs)]
    full_nodes = re.findall(r"full build: dbt executed (\d+) nodes", (scratch / "full-build-0.log").read_text())
    unchanged = [timed(pipeline, developer, scratch / f"no-change-{i}.log", cwd=clone) for i in range(RUNS)]

    edit_s, full_s = median([t.wall for t in edits]), median([t.wall for t in full])
    edit_ratio, full_ratio = median([r for _, r in edit_runs]), median([r for _, r in full_runs])
    goals.insert(0, Goal("reference project `dbt build` (the unit of every ratio; timed before each run)",
                         f"{median(references):.1f} s", f"{min(references):.1f}-{max(references):.1f} s", "", None))
    goals.append(Goal(f"one staging model edited ({EDITED_MODEL}) -> new release published", f"{edit_s:.1f} s",
                      f"{edit_ratio:.1f}x", "<= 2x the reference build", edit_ratio <= 2))
    goals.append(Goal("  nodes executed: incremental / full",
                      f"{'/'.join(map(str, incremental)) or '?'} / {full_nodes[0] if full_nodes else '?'}", "",
                      f"all {RUNS} edits took the incremental path", len(incremental) == RUNS))
    goals.append(Goal("warm full build (`make build FORCE=1`)", f"{full_s:.1f} s", f"{full_ratio:.1f}x",
                      "<= 3x the reference build", full_ratio <= 3))
    for step, seconds in step_seconds(scratch / "full-build-0.log").items():
        goals.append(Goal(f"  step: {step} (first full run)", f"{seconds:.1f} s", "", "", None))
    goals.append(Goal("fresh-clone `make test` with CI=true", *last_make_test(), "<= 300 s", make_test_met()))
    no_change = median([t.wall for t in unchanged])
    goals.append(Goal("no-change `make build`", f"{no_change:.1f} s", "", "<= 5 s", no_change <= 5))
    peak = max(t.max_rss_mib for t in [first, *full, *edits, *unchanged])
    goals.append(Goal("peak memory of any DuckDB-path step", f"{peak:.0f} MiB", "", "<= 500 MiB", peak <= 500))
    return goals


def last_make_test() -> tuple[str, str]:
    record = read_make_test_record()
    if record is None:
        return "not measured here: `make bench` does not run `make test`; run `CI=true make test`", ""
    return (f"{record['seconds']:.0f} s (last `make test`, {record['finished']}, CI={record.get('ci') or 'unset'}, "
            f"load {record.get('load')}, {record.get('result')})", "")


def make_test_met() -> bool | None:
    record = read_make_test_record()
    if record is None or record.get("result") != "passed":
        return None
    return float(record["seconds"]) <= 300


def read_make_test_record() -> dict[str, Any] | None:
    from digital_city.checks.run_all import TIMINGS

    try:
        return json.loads(TIMINGS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def goals_table(goals: list[Goal]) -> str:
    mark = {True: "met", False: "MISSED", None: "-"}
    lines = ["| measure | measured (median of 3) | ratio to reference (median of 3 pairs) | goal | |",
             "| --- | ---: | ---: | --- | --- |"]
    lines += [f"| {g.measure} | {g.value} | {g.ratio} | {g.goal} | {mark[g.met] if g.goal else ''} |" for g in goals]
    return "\n".join(lines)


def bench_install(scratch: Path, env: dict[str, str], cache: bool) -> Figure:
    venv = scratch / ("venv-warm" if cache else "venv-cold")
    uv = str(BIN / "uv")
    subprocess.run([uv, "venv", "--quiet", "--python", str(BIN / "python"), str(venv)], check=True, env=env)
    command = [uv, "pip", "sync", "--quiet", "--python", str(venv / "bin" / "python"), str(LOCK)]
    if not cache:
        command.insert(3, "--no-cache")
    elapsed = timed(command, env, scratch / f"install-{'warm' if cache else 'cold'}.log")
    shutil.rmtree(venv, ignore_errors=True)
    if cache:
        return Figure("fresh install, warm uv cache", f"{elapsed.wall:.1f} s",
                      "uv pip sync requirements.lock into a new venv")
    return Figure("fresh install, no uv cache", f"{elapsed.wall:.1f} s", "--no-cache: every wheel downloaded from PyPI")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-install", action="store_true", help="skip both fresh-install timings")
    parser.add_argument("--skip-cold", action="store_true", help="skip the install without uv's cache (downloads)")
    parser.add_argument("--goals-only", action="store_true", help="only the goal table of issue 26")
    args = parser.parse_args(argv)
    env = dict(os.environ, DBT_PROFILES_DIR=str(ROOT), DBT_PROJECT_DIR=str(ROOT), DO_NOT_TRACK="1",
               DBT_SEND_ANONYMOUS_USAGE_STATS="False")
    with tempfile.TemporaryDirectory(prefix="digital-city-bench-") as tmp:
        scratch = Path(tmp)
        try:
            goals = bench_goals(scratch, env)
            figures: list[Figure] = []
            if not args.goals_only:
                reference, reference_nodes, figures = bench_reference(scratch, env)
                figures += bench_pipeline(scratch, env, reference, reference_nodes)
            if not args.skip_install and not args.goals_only:
                figures.append(bench_install(scratch, env, cache=True))
                if not args.skip_cold:
                    figures.append(bench_install(scratch, env, cache=False))
        except (RuntimeError, subprocess.CalledProcessError) as error:
            print(f"bench failed: {error}", file=sys.stderr)
            for log in sorted(scratch.glob("*.log")):
                print(f"--- {log.name}\n" + log.read_text(encoding="utf-8")[-3000:], file=sys.stderr)
            return 1
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in ("dbt-core", "dbt-duckdb", "duckdb"))
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {versions}, "
          f"{time.strftime('%Y-%m-%d %H:%M %Z')}, load average at the end {load}")
    print(goals_table(goals))
    if figures:
        print()
        print(markdown_table(figures))
    return 0

