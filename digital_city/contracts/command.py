"""`python -m digital_city contract check|release|test`: the committed public interface and the checks around it.

    contract check    compare the project (its dbt manifest) with contracts/digital_city.datacontract.yaml (make test)
    contract release  rewrite that file from the project; refuses a breaking change not shipped as a new version
    contract test     `datacontract test` of the committed contract against a published release (make test)
"""

from __future__ import annotations

import argparse
import re
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from digital_city.contracts.interface import (
    CONTRACT_PATH,
    how_to_version,
    Comparison,
    ContractError,
    compare,
    dump,
    interface_from_manifest,
    load,
    load_manifest,
    next_version,
    normalise_type,
)
from digital_city.contracts.exposures import exposure_reads, moved_under_readers
from digital_city.project import ROOT

CONTRACT_VENV = ".venv-contract"


def parse_project(project_dir: Path, target_path: Path) -> Path:
    """`dbt parse` of `project_dir` into `target_path`; the manifest it wrote."""
    from dbt.cli.main import dbtRunner

    args = ["parse", "--project-dir", str(project_dir), "--profiles-dir", str(project_dir),
            "--target-path", str(target_path), "--quiet"]
    result = dbtRunner().invoke(args)
    if not result.success:
        raise ContractError(f"dbt parse of {project_dir} failed: {result.exception or 'see the messages above'}")
    return target_path / "manifest.json"


def project_manifest(args: argparse.Namespace) -> Path:
    if args.manifest:
        return args.manifest
    target = args.project_dir / "target" / "contract"
    return parse_project(args.project_dir, target)


def report(comparison: Comparison, contract: Path) -> str:
    lines = []
    if comparison.breaking:
        lines.append(f"breaking change to the published interface ({contract}): a consumer of these marts would break")
        lines += [f"  - {line}" for line in comparison.breaking]
        marts = sorted({re.split(r"[.:]", line, maxsplit=1)[0] for line in comparison.breaking})
        lines.append(f"Undo the change, or {how_to_version(marts)}.")
    if comparison.unpinned:
        lines.append("a new latest version would change under the users of these exposures, which read the "
                     "unversioned name:")
        lines += [f"  - {line}" for line in comparison.unpinned]
    pending = comparison.versioned + comparison.additive
    if pending and not comparison.breaking and not comparison.unpinned:
        lines.append(f"the project's public interface differs from {contract} (no breaking change):")
        lines += [f"  - {line}" for line in pending]
        lines.append("run `make release` to publish the new interface")
    return "\n".join(lines)


def check_main(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    contract = args.project_dir / args.contract
    committed = load(contract)
    manifest = load_manifest(project_manifest(args))
    project = interface_from_manifest(manifest, version=committed.get("version", "1.0.0"))
    comparison = compare(committed, project)
    comparison.unpinned = moved_under_readers(committed, project, exposure_reads(manifest, args.project_dir))
    if comparison.same:
        print(f"contract check: the project matches {args.contract} ({len(project['schema'])} relations, "
              f"version {committed.get('version')}) in {time.perf_counter() - started:.1f}s")
        return 0
    print(f"contract check failed: {report(comparison, args.contract)}", file=sys.stderr)
    return 1


def release_main(args: argparse.Namespace) -> int:
    contract = args.project_dir / args.contract
    committed = load(contract) if contract.exists() else None
    manifest = load_manifest(project_manifest(args))
    project = interface_from_manifest(manifest, version=(committed or {}).get("version", "1.0.0"))
    if committed is not None:
        comparison = compare(committed, project)
        comparison.unpinned = moved_under_readers(committed, project, exposure_reads(manifest, args.project_dir))
        if comparison.breaking or comparison.unpinned:
            print(f"make release refused: {report(comparison, args.contract)}", file=sys.stderr)
            return 1
        if comparison.same:
            print(f"make release: {args.contract} is up to date (version {committed.get('version')}); nothing to do")
            return 0
        for line in comparison.versioned + comparison.additive:
            print(f"  - {line}")
    project["version"] = next_version(committed)
    contract.parent.mkdir(parents=True, exist_ok=True)
    contract.write_text(dump(project), encoding="utf-8")
    print(f"make release: wrote {args.contract} version {project['version']} ({len(project['schema'])} relations); "
          "commit it with the change")
    return 0


def datacontract_bin(project_dir: Path) -> Path:
    path = project_dir / CONTRACT_VENV / "bin" / "datacontract"
    if not path.exists():
        raise ContractError(f"{path} does not exist: run `make contract-tools` (make test does) first")
    return path


def test_main(args: argparse.Namespace) -> int:
    contract = args.project_dir / args.contract
    release = args.release.resolve()
    database = release / "digital_city.duckdb"
    if not database.exists():
        raise ContractError(f"{database} does not exist: publish a release first (make build)")
    tool = datacontract_bin(args.project_dir)
    problems = exact_type_problems(load(contract), release)
    if problems:
        print(f"contract test: release {release.name} does not have the contract's exact types:", file=sys.stderr)
        print("\n".join(f"  - {p}" for p in problems), file=sys.stderr)
        return 1
    print(f"contract test: every column of release {release.name} has the contract's exact type (manifest.json)")
    codes = []
    with tempfile.TemporaryDirectory(prefix="contract-test-") as tmp:
        # The committed contract's servers name warehouse/; the copy points them at the release under test.
        document = load(contract)
        for server in document.get("servers", []):
            if server["type"] == "duckdb":
                server["database"] = str(database)
            if server["type"] == "local":
                server["path"] = str(release / "parquet" / "{model}.parquet")
        tested = Path(tmp) / "contract.yaml"
        tested.write_text(dump(document), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("DATACONTRACT_")}
        env["HOME"] = tmp  # no ~/.datacontract config from the user's machine
        for server in args.server:
            print(f"datacontract test --server {server} ({release})", flush=True)
            started = time.perf_counter()
            done = subprocess.run([str(tool), "test", str(tested), "--server", server], env=env, cwd=tmp,
                                  capture_output=True, text=True)
            out = done.stdout + done.stderr
            print(summarise(out, verbose=done.returncode != 0 or args.verbose))
            print(f"  {server}: exit {done.returncode} in {time.perf_counter() - started:.1f}s", flush=True)
            codes.append(done.returncode)
    return 0 if not any(codes) else 1


def exact_type_problems(document: dict, release: Path) -> list[str]:
    """datacontract checks logical types (integer, number, ...); the release manifest has the exact DuckDB types."""
    import json

    tables = {t["name"]: {c["name"]: c["type"] for c in t["columns"]}
              for t in json.loads((release / "manifest.json").read_text(encoding="utf-8"))["tables"]}
    problems = []
    for obj in document.get("schema", []):
        published = tables.get(obj["name"])
        if published is None:
            problems.append(f"{obj['name']}: not in the release")
            continue
        for prop in obj.get("properties", []):
            actual = published.get(prop["name"])
            if actual is None:
                problems.append(f"{obj['name']}.{prop['name']}: missing")
            elif normalise_type(actual) != normalise_type(prop["physicalType"]):
                problems.append(f"{obj['name']}.{prop['name']}: {actual}, the contract says {prop['physicalType']}")
    return problems


def summarise(output: str, verbose: bool) -> str:
    if verbose:
        return output.rstrip()
    lines = output.splitlines()
    warnings = sum(1 for line in lines if line.startswith("│ warning"))
    keep = [line for line in lines if "Data contract" in line]
    if warnings:
        keep.append(f"  {warnings} warning(s), e.g. Parquet column types, which datacontract cannot check yet "
                    "(the types are checked against the DuckDB file, and by the exact-type check above)")
    return "\n".join(keep) or output.rstrip()[-2000:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("check", "release", "test"):
        one = sub.add_parser(name)
        one.add_argument("--project-dir", type=Path, default=ROOT)
        one.add_argument("--contract", type=Path, default=CONTRACT_PATH, help="relative to the project dir")
        if name in ("check", "release"):
            one.add_argument("--manifest", type=Path, help="a dbt manifest to read (default: dbt parse the project)")
        if name == "test":
            one.add_argument("--release", type=Path, default=ROOT / "warehouse" / "current",
                             help="a release directory (default: the live one, warehouse/current)")
            one.add_argument("--server", action="append", default=None,
                             help="server(s) of the contract to test (default: warehouse and parquet)")
            one.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    args.project_dir = args.project_dir.resolve()
    if getattr(args, "server", False) is None:
        args.server = ["warehouse", "parquet"]
    entry = {"check": check_main, "release": release_main, "test": test_main}[args.command]
    try:
        return entry(args)
    except ContractError as error:
        print(f"contract {args.command}: {error}", file=sys.stderr)
        return 1
