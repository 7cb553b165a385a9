"""Readers under load while releases switch in: the DuckDB release, the PostgreSQL team server, Superset.

Every run is bounded by a deadline, talks only to files or 127.0.0.1, and stops by itself. The releases it switches
between are synthetic copies of a real one that differ only in their id and a marker (copy k lacks the last k days
of `dim_date`, so its last day says which copy answered); they live in a scratch directory or scratch schemas and never reach a published
warehouse. A reader asks for the release id and the marker in one query: an answer whose marker is not its release's
is a mix of two releases. `make bench` runs the full versions (python -m digital_city load); `make test` short ones.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from digital_city.publishing.layout import DATABASE_FILE, MANIFEST_FILE, Warehouse

SPINE_END = date(2035, 12, 31)  # dim_date's last day (its check constraint)
SYNTHETIC_PREFIX = "synthetic-load-"
QUERY = "select (select release_id from {release}), (select max(date_day) from marts.dim_date)"


def marker(k: int) -> date:
    return SPINE_END - timedelta(days=k)


@dataclass
class Figures:
    """What one run saw: every query either answered from one whole release, failed, or mixed two releases."""

    name: str
    clients: int
    switches: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    mixed: list[str] = field(default_factory=list)
    releases_seen: set[str] = field(default_factory=set)

    def add(self, other: Figures) -> None:
        self.latencies += other.latencies
        self.failed += other.failed
        self.mixed += other.mixed
        self.releases_seen |= other.releases_seen

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else float("nan")

    def line(self) -> str:
        return (f"{self.name}: {self.clients} clients, {self.switches} switches, {self.seconds:.0f} s: "
                f"{len(self.latencies)} answers, {len(self.failed)} failed, {len(self.mixed)} mixed; latency "
                f"p50 {self.percentile(0.5) * 1000:.1f} ms, p95 {self.percentile(0.95) * 1000:.1f} ms, "
                f"p99 {self.percentile(0.99) * 1000:.1f} ms, longest {max(self.latencies, default=0) * 1000:.1f} ms")

    def as_dict(self) -> dict[str, Any]:
        return {"clients": self.clients, "switches": self.switches, "seconds": round(self.seconds, 1),
                "answers": len(self.latencies), "failed": len(self.failed), "mixed": len(self.mixed),
                "p50_ms": round(self.percentile(0.5) * 1000, 1), "p95_ms": round(self.percentile(0.95) * 1000, 1),
                "p99_ms": round(self.percentile(0.99) * 1000, 1),
                "longest_ms": round(max(self.latencies, default=0) * 1000, 1)}


def check_answer(figures: Figures, release_id: str | None, day: date | None) -> None:
    expected = marker(int(release_id.removeprefix(SYNTHETIC_PREFIX))) if release_id else None
    if day != expected:
        figures.mixed.append(f"release {release_id} answered with marker {day}")
    figures.releases_seen.add(str(release_id))


def switch_on_schedule(switches: list[Callable[[], None]], started: float, seconds: float) -> None:
    """Run the switches evenly spaced inside the window, the last well before its end."""
    for i, do_switch in enumerate(switches, start=1):
        time.sleep(max(0.0, started + seconds * i / (len(switches) + 1) - time.monotonic()))
        do_switch()


# --- the DuckDB release ----------------------------------------------------------------------------------------

def stage_duckdb(live_release: Path, scratch: Path, count: int) -> tuple[Warehouse, list[str]]:
    """count + 1 synthetic copies of `live_release` under `scratch`, the first switched in."""
    import duckdb

    from digital_city.publishing.release import switch

    warehouse = Warehouse(scratch)
    warehouse.releases.mkdir(parents=True, exist_ok=True)
    ids = [f"{SYNTHETIC_PREFIX}{k}" for k in range(count + 1)]
    for k, release_id in enumerate(ids):
        target = warehouse.release_dir(release_id)
        target.mkdir()
        for name in (DATABASE_FILE, MANIFEST_FILE):
            shutil.copyfile(live_release / name, target / name)
        con = duckdb.connect(str(target / DATABASE_FILE))
        try:
            con.execute("update meta.release_info set release_id = ?", [release_id])
            con.execute("delete from marts.dim_date where date_day > ?", [marker(k)])
        finally:
            con.close()
        manifest = json.loads((target / MANIFEST_FILE).read_text(encoding="utf-8"))
        (target / MANIFEST_FILE).write_text(json.dumps({**manifest, "release_id": release_id, "synthetic": True}))
    switch(warehouse, ids[0])
    return warehouse, ids


def duckdb_reader(path: str, seconds: float, ready: Any, results: Any) -> None:
    """One reader process: connect, query, close, again, for `seconds` after every reader is ready."""
    import duckdb

    figures = Figures("reader", 1)
    query = QUERY.format(release="meta.release_info")
    duckdb.connect(path, read_only=True).close()  # imports and first open before the window opens
    ready.wait()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            con = duckdb.connect(path, read_only=True)
            try:
                release_id, day = con.execute(query).fetchone()
            finally:
                con.close()
        except duckdb.Error as error:
            figures.failed.append(str(error))
            continue
        figures.latencies.append(time.perf_counter() - started)
        check_answer(figures, release_id, day)
    results.put(figures)


def duckdb_load(live_release: Path, readers: int = 8, switches: int = 3, seconds: float = 30) -> Figures:
    """`readers` processes open the release, query and close in a loop while `switches` releases switch in."""
    from digital_city.publishing.release import switch

    figures = Figures("DuckDB release", readers, switches, seconds)
    context = multiprocessing.get_context("spawn")  # no DuckDB state forked from this process
    with tempfile.TemporaryDirectory(prefix="load-duckdb-") as scratch:
        warehouse, ids = stage_duckdb(live_release, Path(scratch), switches)
        ready, results = context.Barrier(readers + 1, timeout=120), context.Queue()
        path = str(warehouse.root / DATABASE_FILE)
        processes = [context.Process(target=duckdb_reader, args=(path, seconds, ready, results), daemon=True)
                     for _ in range(readers)]
        for process in processes:
            process.start()
        try:
            ready.wait()
            switch_on_schedule([lambda rid=rid: switch(warehouse, rid) for rid in ids[1:]], time.monotonic(), seconds)
            for _ in processes:
                figures.add(results.get(timeout=seconds + 60))
        finally:
            for process in processes:
                process.join(10)
                if process.is_alive():
                    process.kill()
    return figures


# --- the PostgreSQL team server --------------------------------------------------------------------------------

def stage_postgres(connection, count: int) -> list[str]:
    """Scratch schemas load_<k>_<layer>: every relation of the live layers copied as a table, plus the marker."""
    from digital_city.postgres.blue_green import LAYERS
    from digital_city.postgres.server import READER

    ids = [f"{SYNTHETIC_PREFIX}{k}" for k in range(count + 1)]
    with connection.cursor() as cursor:
        for k, release_id in enumerate(ids):
            for layer in LAYERS:
                schema = f"load_{k}_{layer}"
                cursor.execute(f"drop schema if exists {schema} cascade")
                cursor.execute(f"create schema {schema}")
                cursor.execute("select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                               "where n.nspname = %s and c.relkind in ('r', 'v', 'm')", (layer,))
                for (relation,) in cursor.fetchall():
                    cursor.execute(f'create table {schema}."{relation}" as select * from {layer}."{relation}"')
            cursor.execute(f"create table load_{k}_marts.release_marker as select %s::text as release_id", (release_id,))
            cursor.execute(f"delete from load_{k}_marts.dim_date where date_day > %s", (marker(k),))
            cursor.execute(f"grant select on all tables in schema load_{k}_marts to {READER}")
    connection.commit()
    return ids


def switch_postgres(connection, k: int) -> None:
    """Switch copy k in through the real blue/green switch (its next_* schemas are the copy's)."""
    from digital_city.postgres.blue_green import LAYERS, NEXT, OLD, drop_schemas, switch

    drop_schemas(connection, OLD)
    with connection.cursor() as cursor:
        for layer in LAYERS:
            cursor.execute(f"alter schema load_{k}_{layer} rename to {NEXT}{layer}")
    connection.commit()
    switch(connection)


def postgres_reader(connect: Callable[[], Any], seconds: float, ready: threading.Barrier, out: Figures) -> None:
    import psycopg2

    query = QUERY.format(release="marts.release_marker")
    try:
        connection = connect()
    except psycopg2.Error as error:
        out.failed.append(f"connect: {str(error).strip()}")
        ready.abort()
        return
    connection.autocommit = True
    try:
        ready.wait()
        deadline = time.monotonic() + seconds
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    cursor.execute(query)
                    release_id, day = cursor.fetchone()
                except psycopg2.Error as error:
                    out.failed.append(str(error).strip())
                    continue
                out.latencies.append(time.perf_counter() - started)
                check_answer(out, release_id, day)
    finally:
        connection.close()


def postgres_load(cluster: Any, readers: int = 32, switches: int = 3, seconds: float = 30,
                  during: Callable[[], None] | None = None) -> Figures:
    """`readers` bi_reader connections query in a loop while `switches` staged copies switch in; `during` runs
    once every reader is connected (the connection-limit check). The live schemas end as the last copy."""
    from digital_city.postgres.server import OWNER

    figures = Figures("PostgreSQL", readers, switches, seconds)
    owner = cluster.connect(OWNER)
    try:
        stage_postgres(owner, switches)
        switch_postgres(owner, 0)
        ready = threading.Barrier(readers + 1, timeout=60)
        outs = [Figures("reader", 1) for _ in range(readers)]
        threads = [threading.Thread(target=postgres_reader, args=(cluster.connect, seconds, ready, out))
                   for out in outs]
        for thread in threads:
            thread.start()
        try:
            ready.wait()
            started = time.monotonic()
            if during:
                during()
            switch_on_schedule([lambda k=k: switch_postgres(owner, k) for k in range(1, switches + 1)],
                               started, seconds)
        finally:
            for thread in threads:
                thread.join(seconds + 60)
        for out in outs:
            figures.add(out)
    finally:
        owner.close()
    return figures


# --- Superset --------------------------------------------------------------------------------------------------

def superset_client(url: str, password: str, chart_ids: list[int], seconds: float, ready: threading.Barrier,
                    out: Figures) -> None:
    from digital_city.dashboards.client import Client

    try:
        client = Client(url, password)
    except Exception as error:  # noqa: BLE001 - a refused login is one of the failures this run counts
        out.failed.append(f"log in: {error}")
        ready.abort()
        return
    ready.wait()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for chart_id in chart_ids:
            started = time.perf_counter()
            try:
                answer = client.session.get(f"{url}/api/v1/chart/{chart_id}/data/?format=json", timeout=60)
            except OSError as error:
                out.failed.append(f"chart {chart_id}: {error}")
                continue
            if answer.status_code != 200:
                out.failed.append(f"chart {chart_id}: HTTP {answer.status_code} {answer.text[:200]}")
                continue
            out.latencies.append(time.perf_counter() - started)


def superset_load(url: str, password: str, chart_ids: list[int], clients: int = 16, seconds: float = 60) -> Figures:
    """`clients` logged-in API clients request every dashboard chart's data in a loop."""
    figures = Figures("Superset chart data", clients, 0, seconds)
    ready = threading.Barrier(clients, timeout=120)
    outs = [Figures("client", 1) for _ in range(clients)]
    threads = [threading.Thread(target=superset_client, args=(url, password, chart_ids, seconds, ready, out))
               for out in outs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 180)
    for out in outs:
        figures.add(out)
    return figures


# --- the full runs (make bench) --------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    from digital_city.dashboards.client import Client
    from digital_city.dashboards.command import dashboard_slugs, serve
    from digital_city.dashboards.server import SUPERSET_VENV, Instance
    from digital_city.local_servers import free_port
    from digital_city.postgres.blue_green import build
    from digital_city.postgres.server import PG_BIN, Cluster
    from digital_city.project import ROOT

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publish-dir", type=Path, default=ROOT / "warehouse")
    parser.add_argument("--seconds", type=float, default=30, help="DuckDB and PostgreSQL window (Superset: twice)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench" / "load.json")
    args = parser.parse_args(argv)
    live = args.publish_dir / "current"
    if not live.is_dir():
        print(f"load: {live} does not exist: run `make build` first to publish a release", flush=True)
        return 1
    runs: list[Figures] = [duckdb_load(live.resolve(), readers=8, switches=3, seconds=args.seconds)]
    print(runs[-1].line(), flush=True)
    scratch = ROOT / "build" / "bench"
    if (PG_BIN / "initdb").is_file():
        cluster = Cluster(scratch / "postgres", preferred_port=0)
        cluster.destroy()
        try:
            cluster.start()
            built = build(cluster, target_path=cluster.home / "target", quiet=True)
            if not built.switched:
                print(f"load: the PostgreSQL build failed (dbt exit {built.code}); see {cluster.log_file}")
                return 1
            runs.append(postgres_load(cluster, readers=32, switches=3, seconds=args.seconds))
            print(runs[-1].line(), flush=True)
        finally:
            cluster.destroy()
    else:
        print(f"load: no PostgreSQL server in {PG_BIN}: its run is left out")
    if (SUPERSET_VENV / "bin" / "gunicorn").is_file():
        instance = Instance(home=scratch / "superset", port=free_port())
        try:
            serve(instance, args.publish_dir / DATABASE_FILE)
            client = Client(instance.url, instance.admin_password())
            charts = [c["id"] for slug in dashboard_slugs() for c in client.dashboard_charts(slug)]
            runs.append(superset_load(instance.url, instance.admin_password(), charts, clients=16,
                                      seconds=2 * args.seconds))
            print(runs[-1].line(), flush=True)
        finally:
            instance.stop()
    else:
        print(f"load: Superset is not installed in {SUPERSET_VENV} (make superset): its run is left out")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({r.name: r.as_dict() for r in runs}, indent=1) + "\n", encoding="utf-8")
    failed = sum(len(r.failed) + len(r.mixed) for r in runs)
    print(f"load figures: {args.out}" + (f"; {failed} failed or mixed answers" if failed else ""))
    return 1 if failed else 0
