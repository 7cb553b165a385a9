"""`python -m digital_city postgres start|stop|status|build`: the team-server warehouse (docs/postgres.md).

    start    initialise the cluster under build/postgres/ if missing and start it (a running one is reused)
    stop     stop it
    status   say whether it runs, where, and who may log in
    build    dbt build into a staging schema set, tested there, then switched in with one transaction
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from digital_city.postgres.blue_green import build
from digital_city.postgres.server import DATABASE, DEFAULT_HOME, HOST, OWNER, READER, Cluster, PostgresError


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m digital_city postgres", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["start", "stop", "status", "build"])
    parser.add_argument("--home", type=Path, default=DEFAULT_HOME, help="cluster home (default: build/postgres)")
    parser.add_argument("--warn-error", action="store_true", help="build: dbt warnings are errors")
    return parser.parse_args(argv)


def describe(cluster: Cluster) -> str:
    return (f"PostgreSQL on {HOST}:{cluster.port} and socket {cluster.socket_dir}, database {DATABASE}; "
            f"roles {OWNER} (builds) and {READER} (select on marts), passwords in {cluster.secrets_dir}/ "
            f"(readable only by you); log {cluster.log_file}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    cluster = Cluster(args.home.resolve())
    try:
        if args.action == "start":
            started = cluster.start()
            print(f"{'started' if started else 'already running'}: {describe(cluster)}")
            print("stop it with: make postgres-stop")
        elif args.action == "stop":
            print("PostgreSQL stopped" if cluster.stop() else "PostgreSQL was not running")
        elif args.action == "status":
            if cluster.running():
                print(f"running: {describe(cluster)}")
            else:
                print("PostgreSQL is not running" + ("" if cluster.initialised() else f" (no cluster in {cluster.data_dir})"))
                return 3
        else:
            cluster.start()
            return build(cluster, warn_error=args.warn_error).code
    except PostgresError as error:
        print(f"postgres: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # psycopg2.Error: the server refused or went away; say so without a traceback
        if type(error).__module__.split(".")[0] != "psycopg2":
            raise
        print(f"postgres: the server answered: {str(error).strip()} ({cluster.log_file})", file=sys.stderr)
        return 1
    return 0
