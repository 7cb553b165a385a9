"""List the kept releases of a warehouse, and switch back to an earlier one.

    python -m digital_city releases [--publish-dir warehouse] [--verify]
    python -m digital_city rollback [--publish-dir warehouse] [--to <release id>]

Rollback moves the `current` pointer only (one atomic rename, under the publish lock): the releases themselves are
never changed. Without --to it goes to the release the live one replaced when it was published; rolling back twice
goes back twice. The next `make build` publishes a new release on top, as usual.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from digital_city import locks
from digital_city.publishing.layout import Warehouse
from digital_city.publishing.files import checksum_problems
from digital_city.publishing.release import switch

DEFAULT_PUBLISH_DIR = Path("warehouse")


class RollbackError(Exception):
    pass


def describe(warehouse: Warehouse, release_id: str) -> str:
    manifest = warehouse.manifest(release_id)
    commit = str(manifest.get("source_commit", "unknown"))[:12]
    return f"{release_id} (built {manifest.get('built_at')} from commit {commit})"


def rollback(publish_dir: Path, to: str | None = None) -> tuple[str, str]:
    """Switch `publish_dir` to release `to` (default: the one the live release replaced); returns (from, to)."""
    warehouse = Warehouse(publish_dir)
    with locks.hold(publish_dir, f"the warehouse {publish_dir}/"):
        current = warehouse.current_id()
        if current is None:
            raise RollbackError(f"nothing is published in {publish_dir}/: run `make build` first")
        kept = warehouse.release_ids()
        if to is None:
            to = warehouse.manifest(current).get("previous_release_id")
            if not to:
                raise RollbackError(f"release {current} is the first one published here: there is nothing before it")
            if to not in kept:
                raise RollbackError(
                    f"release {current} replaced {to}, which has been pruned; kept: {', '.join(kept)} "
                    "(choose one with --to)"
                )
        elif to not in kept:
            raise RollbackError(f"no release {to} in {warehouse.releases}/; kept: {', '.join(kept)}")
        if to == current:
            raise RollbackError(f"release {to} is already the live one")
        problems = checksum_problems(warehouse.release_dir(to))
        if problems:
            raise RollbackError(f"release {to} does not match its manifest ({'; '.join(problems)}): not switching")
        switch(warehouse, to)
        return current, to


def list_releases(publish_dir: Path, verify: bool) -> int:
    warehouse = Warehouse(publish_dir)
    current = warehouse.current_id()
    kept = warehouse.release_ids()
    if not kept:
        print(f"no releases in {publish_dir}/: run `make build`")
        return 1
    damaged = 0
    for release_id in reversed(kept):
        marker = "*" if release_id == current else " "
        line = f"{marker} {describe(warehouse, release_id)}"
        if verify:
            problems = checksum_problems(warehouse.release_dir(release_id))
            damaged += bool(problems)
            line += "  " + ("; ".join(problems) if problems else "intact")
        print(line)
    print("(* = live: the release warehouse/current points at)")
    return 1 if damaged else 0


def rollback_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m digital_city rollback", description=__doc__.splitlines()[0])
    parser.add_argument("--publish-dir", type=Path, default=DEFAULT_PUBLISH_DIR)
    parser.add_argument("--to", help="the release id to switch to (python -m digital_city releases lists them)")
    args = parser.parse_args(argv)
    try:
        was, now = rollback(args.publish_dir, args.to)
    except (RollbackError, OSError) as error:
        print(f"rollback failed, nothing changed: {error}", file=sys.stderr)
        return 1
    warehouse = Warehouse(args.publish_dir)
    print(f"rolled back {args.publish_dir}/ from release {was}\n  to release {describe(warehouse, now)}")
    print("readers see it when they next connect; `make build` publishes a new release on top")
    return 0


def releases_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m digital_city releases", description=__doc__.splitlines()[0])
    parser.add_argument("--publish-dir", type=Path, default=DEFAULT_PUBLISH_DIR)
    parser.add_argument("--verify", action="store_true", help="check every file against its manifest's sha256")
    args = parser.parse_args(argv)
    return list_releases(args.publish_dir, args.verify)
