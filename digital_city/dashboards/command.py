"""Serve the project's dashboards in Apache Superset on 127.0.0.1 (make dashboards / make dashboards-stop).

    python -m digital_city dashboards [--publish-dir warehouse] [--home build/superset] [--port 8188]
    python -m digital_city dashboards --stop | --status
    python -m digital_city dashboards --export     (write the running instance's dashboards into the bundle)

Superset runs from .venv-superset (make superset), reads the published warehouse read-only, and keeps its
metadata database, configuration and generated secrets in --home. The first run generates the SECRET_KEY and
the admin password (files readable only by you) and prints the password once.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

import requests

from digital_city.dashboards import bundle
from digital_city.dashboards.client import Client
from digital_city.dashboards.server import ADMIN_USER, DEFAULT_HOME, DEFAULT_PORT, Instance, SupersetError
from digital_city.project import ROOT

DATABASE_FILE = "digital_city.duckdb"


def dashboard_slugs(bundle_dir: Path = bundle.BUNDLE_DIR) -> list[str]:
    return [str(d["slug"]) for d in bundle.load(bundle_dir)["dashboards"].values()]


def import_stamp(home: Path, uri: str, bundle_dir: Path) -> Path:
    digest = hashlib.sha256(uri.encode())
    for path in bundle.bundle_files(bundle_dir):
        digest.update(path.relative_to(bundle_dir).as_posix().encode() + b"\0" + path.read_bytes())
    return home / f".imported-{digest.hexdigest()[:16]}"


def serve(instance: Instance, warehouse: Path, bundle_dir: Path = bundle.BUNDLE_DIR, force_import: bool = False) -> dict[str, float]:
    """Bring the instance up with the bundle imported; returns the seconds each step took."""
    if not warehouse.is_file():
        raise SupersetError(f"{warehouse} does not exist: run `make build` first to publish the warehouse")
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    first_run = instance.prepare()
    seconds["bootstrap"] = instance.bootstrap()
    step = time.perf_counter()
    state, fresh = instance.start()
    seconds["start"] = time.perf_counter() - step
    print(f"Superset {'started' if fresh else 'already running'} on {instance.url} (pid {state['pid']}, log {instance.log_file})")
    uri = bundle.warehouse_uri(warehouse)
    stamp = import_stamp(instance.home, uri, bundle_dir)
    step = time.perf_counter()
    if force_import or not stamp.exists():
        client = Client(instance.url, instance.admin_password())
        client.import_bundle(bundle.zip_bundle(uri, bundle_dir))
        for old in instance.home.glob(".imported-*"):
            old.unlink()
        stamp.touch()
        print(f"imported {bundle_dir.relative_to(ROOT) if bundle_dir.is_relative_to(ROOT) else bundle_dir} "
              f"(database digital_city -> {uri})")
    seconds["import"] = time.perf_counter() - step
    seconds["total"] = time.perf_counter() - started
    for slug in dashboard_slugs(bundle_dir):
        print(f"  {instance.url}/superset/dashboard/{slug}/")
    if first_run:
        print(f"log in as {ADMIN_USER} with password {instance.admin_password()}")
        print(f"(generated now and shown only this once; it stays in {instance.password_file}, readable only by you)")
    else:
        print(f"log in as {ADMIN_USER}; the password is in {instance.password_file}")
    print("stop it with: make dashboards-stop")
    return seconds


def export(instance: Instance, bundle_dir: Path) -> int:
    client = Client(instance.url, instance.admin_password())
    # The dashboards the bundle holds (the project's own when exporting into an empty directory).
    ids = [client.dashboard(slug)["id"] for slug in dashboard_slugs(bundle_dir) or dashboard_slugs()]
    answer = client.session.get(
        f"{instance.url}/api/v1/dashboard/export/", params={"q": "!(" + ",".join(map(str, ids)) + ")"}, timeout=60
    )
    if answer.status_code != 200:
        raise SupersetError(f"export failed: HTTP {answer.status_code}: {answer.text[:500]}")
    written = bundle.normalise_export(answer.content, bundle_dir)
    print(f"wrote {len(written)} files into {bundle_dir}: review them with git diff")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m digital_city dashboards", description=__doc__.split("\n\n")[0])
    parser.add_argument("--publish-dir", type=Path, default=ROOT / "warehouse", help="holds digital_city.duckdb")
    parser.add_argument("--home", type=Path, default=DEFAULT_HOME, help="Superset's state and secrets (default build/superset)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--bundle", type=Path, default=bundle.BUNDLE_DIR)
    parser.add_argument("--reimport", action="store_true", help="import the bundle even if this one was imported already")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--stop", action="store_true", help="stop the server of --home")
    action.add_argument("--status", action="store_true", help="say whether the server of --home is running")
    action.add_argument("--export", action="store_true", help="write the running instance's dashboards into --bundle")
    args = parser.parse_args(argv)
    instance = Instance(home=args.home.resolve(), port=args.port)
    try:
        if args.stop:
            stopped = instance.stop()
            print(f"Superset {'stopped' if stopped else 'was not running'} ({instance.home})")
            return 0
        if args.status:
            state = instance.running()
            print(f"Superset running on port {state['port']}, pid {state['pid']}" if state else "Superset is not running")
            return 0 if state else 3
        if args.export:
            return export(instance, args.bundle.resolve())
        serve(instance, (args.publish_dir / DATABASE_FILE).absolute(), args.bundle.resolve(), args.reimport)
        return 0
    except (SupersetError, OSError, ValueError, requests.RequestException) as error:
        print(f"dashboards: {error}", file=sys.stderr)
        return 1
