"""Print how long this machine takes to install, parse and build the warehouse, and how much memory it needs.

It measures and prints; it asserts nothing about speed, since timings depend on the machine and its load.
Everything it writes goes to a temporary directory: the work database, target/ and .venv/ are left alone.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
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


def threads_used(run_results: dict[str, Any]) -> int:
    """Distinct worker threads that ran nodes: the profile's thread count as the build actually used it."""
    return len({r.get("thread_id") for r in run_results.get("results", []) if r.get("thread_id")})


def result_statuses(run_results: dict) -> Counter[str]:
    """How many executed nodes ended in each status (success, pass, error, fail, skipped, ...)."""
    return Counter(str(result.get("status")) for result in run_results.get("results", []))


def max_rss_mib() -> float:
    """Largest resident set of any child process waited for so far; Linux reports ru_maxrss in KiB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def markdown_table(figures: list[Figure]) -> str:
    lines = ["| measure | value | note |", "| --- | ---: | --- |"]
    lines += [f"| {f.name} | {f.value} | {f.note} |" for f in figures]
    return "\n".join(lines)


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float  # user + system of the command and its children: less sensitive than wall time to other load


def timed(command: list[str], env: dict[str, str], log: Path) -> Timing:
    started, cpu_before = time.perf_counter(), children_cpu_seconds()
    with log.open("w", encoding="utf-8") as out:
        code = subprocess.call(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    elapsed = Timing(time.perf_counter() - started, children_cpu_seconds() - cpu_before)
    if code != 0:
        raise RuntimeError(f"{' '.join(command)} exited {code}; see {log}")
    return elapsed


def bench_dbt(scratch: Path, env: dict[str, str]) -> list[Figure]:
    target = scratch / "target"
    dbt_env = dict(env, DIGITAL_CITY_WORK_DB=str(scratch / "digital_city.duckdb"))
    (ROOT / "build" / "tmp").mkdir(parents=True, exist_ok=True)
    parse = timed(
        [str(BIN / "dbt"), "parse", "--no-partial-parse", "--target-path", str(target)], dbt_env, scratch / "parse.log"
    )
    figures = [
        Figure("dbt parse (no partial parse)", f"{parse.wall:.1f} s",
               f"CPU {parse.cpu:.1f} s; peak RSS so far {max_rss_mib():.0f} MiB")
    ]
    build_command = [str(BIN / "python"), "-m", "digital_city", "dbt", "build", "--target-path", str(target)]
    build = timed(build_command, dbt_env, scratch / "build.log")
    counts = count_nodes(json.loads((target / "manifest.json").read_text(encoding="utf-8")))
    run_results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))
    statuses = result_statuses(run_results)
    executed = sum(statuses.values())
    status_note = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
    figures += [
        Figure("dbt build into an empty database", f"{build.wall:.1f} s",
               f"CPU {build.cpu:.1f} s; peak RSS so far {max_rss_mib():.0f} MiB"),
        Figure("nodes executed by the build", str(executed), status_note),
        Figure("seconds per executed node (wall)", f"{build.wall / executed:.3f} s" if executed else "n/a",
               f"{threads_used(run_results)} dbt thread(s)"),
        Figure("seeds", str(counts.seeds)),
        Figure("models", str(counts.models)),
        Figure("data tests", str(counts.data_tests)),
        Figure("unit tests", str(counts.unit_tests)),
    ]
    return figures


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
    args = parser.parse_args(argv)
    env = dict(os.environ, DBT_PROFILES_DIR=str(ROOT), DBT_PROJECT_DIR=str(ROOT), DO_NOT_TRACK="1",
               DBT_SEND_ANONYMOUS_USAGE_STATS="False")
    with tempfile.TemporaryDirectory(prefix="digital-city-bench-") as tmp:
        scratch = Path(tmp)
        try:
            figures = bench_dbt(scratch, env)
            if not args.skip_install:
                figures.append(bench_install(scratch, env, cache=True))
                if not args.skip_cold:
                    figures.append(bench_install(scratch, env, cache=False))
        except (RuntimeError, subprocess.CalledProcessError) as error:
            print(f"bench failed: {error}", file=sys.stderr)
            for log in sorted(scratch.glob("*.log")):
                print(f"--- {log.name}\n" + log.read_text(encoding="utf-8")[-3000:], file=sys.stderr)
            return 1
    figures.append(Figure("peak memory of any child process", f"{max_rss_mib():.0f} MiB", "RUSAGE_CHILDREN ru_maxrss"))
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d %H:%M %Z')}, "
          f"load average at the end {load}")
    print(markdown_table(figures))
    return 0

