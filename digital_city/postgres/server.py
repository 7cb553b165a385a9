"""One PostgreSQL cluster the project runs itself: its directories, secrets, configuration, roles and server process.

Debian's PostgreSQL 15 binaries (/usr/lib/postgresql/15/bin) run the cluster. `initdb` refuses to run as root, so
when we are root every server command runs as the `postgres` system user (runuser); as anyone else it runs as that
user. Everything a cluster owns sits in its home (build/postgres/ for `make postgres`; tests use their own):

    data/                  the cluster (owned by the server's user, mode 0700)
    socket/                the unix socket directory
    log/server.log         the server's output
    secrets/               owner_password, bi_reader_password: generated on first start, mode 0600, never committed
    port                   the TCP port chosen at initialisation (55432 unless taken), kept for every later start

Authentication (pg_hba.conf, written on every start): the cluster's own system user connects over the unix socket
with `peer`; everyone else logs in with a password, scram-sha-256, over the socket or 127.0.0.1. Nobody is trusted.
Roles: `digital_city_owner` owns the database `digital_city` and everything dbt builds in it; `bi_reader` may
connect and select from the marts schema, nothing else (dbt `grants` in dbt_project.yml; docs/postgres.md).
A second start finds the running server (pg_ctl status) and returns it.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from digital_city.local_servers import HOST, free_port, port_free, write_private
from digital_city.project import ROOT

PG_BIN = Path(os.environ.get("DIGITAL_CITY_PG_BIN", "/usr/lib/postgresql/15/bin"))
DEFAULT_HOME = ROOT / "build" / "postgres"
DEFAULT_PORT = 55432
DATABASE = "digital_city"
OWNER = "digital_city_owner"
READER = "bi_reader"
ROLES = (OWNER, READER)
# What one BI user may hold of the shared server: a runaway query is cancelled, a transaction left open is ended,
# and a refresh storm meets a connection limit that leaves the owner MAX_CONNECTIONS - READER_CONNECTIONS -
# reserved superuser slots (3) to build and switch. docs/postgres.md.
MAX_CONNECTIONS = 48
READER_CONNECTIONS = 32
READER_STATEMENT_TIMEOUT = "30s"
READER_IDLE_IN_TRANSACTION_TIMEOUT = "60s"
# A unix socket path longer than this does not fit in sockaddr_un (108 bytes with the terminating NUL).
MAX_SOCKET_PATH = 100


class PostgresError(RuntimeError):
    """Something the user can act on; the command line prints it without a traceback."""


def server_user() -> str:
    """The system user the server runs as: `postgres` when we are root (initdb refuses root), else ourselves."""
    if os.geteuid() == 0:
        return os.environ.get("DIGITAL_CITY_PG_OS_USER", "postgres")
    return pwd.getpwuid(os.geteuid()).pw_name


@dataclass(frozen=True)
class Cluster:
    home: Path = DEFAULT_HOME
    # The port a new cluster takes when it is free; 0: any free port (test clusters, beside a developer's server).
    preferred_port: int = DEFAULT_PORT

    # --- paths -------------------------------------------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def log_file(self) -> Path:
        return self.home / "log" / "server.log"

    @property
    def secrets_dir(self) -> Path:
        return self.home / "secrets"

    @property
    def port_file(self) -> Path:
        return self.home / "port"

    @property
    def socket_dir(self) -> Path:
        own = self.home / "socket"
        if len(str(own)) + len("/.s.PGSQL.55432") <= MAX_SOCKET_PATH:
            return own
        # A deep checkout: a short directory per cluster home instead, still owned by the server's user.
        digest = hashlib.sha256(str(self.home.resolve()).encode()).hexdigest()[:12]
        return Path("/tmp") / f"digital-city-pg-{digest}"

    def password_file(self, role: str) -> Path:
        return self.secrets_dir / f"{role}_password"

    # --- running commands as the server's user ------------------------------------------------------------------
    def as_server_user(self, command: list[str]) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", server_user(), "--", *command]
        return command

    def run(self, command: list[str], stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            self.as_server_user(command), input=stdin, capture_output=True, text=True, cwd="/",
            env={**os.environ, "LC_ALL": "C.UTF-8", "PGTZ": "UTC"},
        )
        if check and done.returncode != 0:
            raise PostgresError(f"{Path(command[0]).name} failed (exit {done.returncode}): "
                                f"{(done.stderr or done.stdout).strip()[-2000:]}")
        return done

    def give_to_server_user(self, path: Path, mode: int) -> None:
        path.mkdir(parents=True, exist_ok=True)
        os.chmod(path, mode)
        if os.geteuid() == 0:
            entry = pwd.getpwnam(server_user())
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def check_reachable(self) -> None:
        """The server's user must be able to enter every parent of the cluster home (initdb as root cannot)."""
        if os.geteuid() != 0:
            return
        probe = self.run(["test", "-w", str(self.data_dir)], check=False)
        if probe.returncode != 0:
            blocked = next((str(p) for p in [*reversed(self.home.resolve().parents), self.home.resolve()]
                            if not (p.stat().st_mode & 0o001)), str(self.home))
            raise PostgresError(
                f"the {server_user()!r} system user cannot reach {self.data_dir} ({blocked} is not searchable by "
                f"others): give it o+x (chmod o+x {blocked}) or put the checkout where that user can enter"
            )

    # --- state -------------------------------------------------------------------------------------------------
    def initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").is_file()

    @property
    def port(self) -> int:
        if self.port_file.is_file():
            return int(self.port_file.read_text().strip())
        return DEFAULT_PORT

    def running(self) -> bool:
        if not self.initialised():
            return False
        return self.run([str(PG_BIN / "pg_ctl"), "status", "-D", str(self.data_dir)], check=False).returncode == 0

    def password(self, role: str) -> str:
        path = self.password_file(role)
        if not path.is_file():
            raise PostgresError(f"{path} does not exist: run `make postgres` first")
        return path.read_text(encoding="utf-8").strip()

    def ensure_secrets(self) -> None:
        self.secrets_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.secrets_dir, 0o700)
        for role in ROLES:
            if not self.password_file(role).is_file():
                write_private(self.password_file(role), secrets.token_hex(24))

    # --- lifecycle ---------------------------------------------------------------------------------------------
    def initdb(self) -> None:
        if not (PG_BIN / "initdb").is_file():
            raise PostgresError(
                f"no PostgreSQL server in {PG_BIN}: install Debian's package (apt-get install postgresql) "
                "or set DIGITAL_CITY_PG_BIN to the directory holding initdb and pg_ctl"
            )
        if self.data_dir.exists() and any(self.data_dir.iterdir()):
            raise PostgresError(f"{self.data_dir} is not empty but holds no cluster: remove it and start again")
        self.home.mkdir(parents=True, exist_ok=True)
        self.give_to_server_user(self.data_dir, 0o700)
        self.check_reachable()
        # C collation: text sorts by code point, as DuckDB sorts it, so ordered aggregates agree across engines.
        self.run([str(PG_BIN / "initdb"), "-D", str(self.data_dir), "--encoding=UTF8", "--locale=C",
                  "--auth-local=peer", "--auth-host=scram-sha-256", "--no-instructions"])
        wanted = self.preferred_port
        port = wanted if wanted and port_free(wanted) else free_port()
        self.port_file.write_text(f"{port}\n", encoding="utf-8")

    def write_config(self) -> None:
        user = server_user()
        hba = (
            "# Written by digital_city/postgres/server.py on every start; edit that file, not this one.\n"
            "# TYPE  DATABASE  USER  ADDRESS  METHOD\n"
            f"local   all  {user}  peer\n"
            "local   all  all  scram-sha-256\n"
            "host    all  all  127.0.0.1/32  scram-sha-256\n"
        )
        conf = (
            "# Written by digital_city/postgres/server.py on every start; edit that file, not this one.\n"
            f"port = {self.port}\n"
            f"listen_addresses = '{HOST}'\n"
            f"unix_socket_directories = '{self.socket_dir}'\n"
            "password_encryption = 'scram-sha-256'\n"
            "timezone = 'UTC'\n"
            f"max_connections = {MAX_CONNECTIONS}\n"
            "shared_buffers = '128MB'\n"
            # A throwaway warehouse rebuilt from seeds: no need to wait for the disk on every commit.
            "fsync = off\n"
            "synchronous_commit = off\n"
            "full_page_writes = off\n"
        )
        for name, text in (("pg_hba.conf", hba), ("digital_city.conf", conf)):
            self.run(["tee", str(self.data_dir / name)], stdin=text)
        main_conf = self.run(["cat", str(self.data_dir / "postgresql.conf")]).stdout
        if "include_if_exists = 'digital_city.conf'" not in main_conf:
            self.run(["tee", "-a", str(self.data_dir / "postgresql.conf")],
                     stdin="\ninclude_if_exists = 'digital_city.conf'\n")

    def start(self, timeout: float = 60) -> bool:
        """Start the server unless it runs; True when this call started it."""
        if self.running():
            return False
        if not self.initialised():
            self.initdb()
        self.check_reachable()
        self.ensure_secrets()
        self.give_to_server_user(self.socket_dir, 0o755)
        self.give_to_server_user(self.log_file.parent, 0o755)
        self.write_config()
        if not port_free(self.port):
            raise PostgresError(f"port {self.port} on {HOST} is taken by another program: stop it, or remove "
                                f"{self.port_file} and start again to pick a free port")
        self.run([str(PG_BIN / "pg_ctl"), "start", "-w", "-t", str(int(timeout)), "-D", str(self.data_dir),
                  "-l", str(self.log_file)])
        self.bootstrap()
        return True

    def stop(self) -> bool:
        if not self.running():
            return False
        self.run([str(PG_BIN / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(self.data_dir)])
        return True

    def destroy(self) -> None:
        """Stop the server and remove its home (test clusters)."""
        self.stop()
        shutil.rmtree(self.home, ignore_errors=True)
        if self.socket_dir != self.home / "socket":
            shutil.rmtree(self.socket_dir, ignore_errors=True)

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run SQL as the cluster's superuser over the unix socket (peer authentication)."""
        done = self.run([str(PG_BIN / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                         "-h", str(self.socket_dir), "-p", str(self.port), "-d", database, "-f", "-"], stdin=sql)
        return done.stdout

    def bootstrap(self) -> None:
        """Roles, passwords (from the secret files: the SQL goes over stdin, never a command line) and database."""
        statements = []
        for role in ROLES:
            password = self.password(role)
            statements.append(
                f"select format('create role %I login', '{role}') "
                f"where not exists (select from pg_roles where rolname = '{role}') \\gexec\n"
                f"alter role {role} with login nosuperuser nocreatedb nocreaterole password '{password}';"
            )
        statements.append(
            f"alter role {READER} connection limit {READER_CONNECTIONS};\n"
            f"alter role {READER} set statement_timeout = '{READER_STATEMENT_TIMEOUT}';\n"
            f"alter role {READER} set idle_in_transaction_session_timeout = '{READER_IDLE_IN_TRANSACTION_TIMEOUT}';"
        )
        statements.append(
            f"select 'create database {DATABASE} owner {OWNER}' "
            f"where not exists (select from pg_database where datname = '{DATABASE}') \\gexec\n"
            # Nobody but the owner and bi_reader connects; nobody may create temporary tables.
            f"revoke all on database {DATABASE} from public;\n"
            f"grant connect on database {DATABASE} to {READER};\n"
        )
        self.psql("\n".join(statements))
        self.psql(
            f"alter schema public owner to {OWNER};\n"
            "revoke all on schema public from public;\n",
            database=DATABASE,
        )

    # --- clients -----------------------------------------------------------------------------------------------
    def dbt_env(self, role: str = OWNER) -> dict[str, str]:
        """The environment profiles.yml's `postgres` target reads (credentials only from here, never a file)."""
        return {
            "DIGITAL_CITY_PG_HOST": HOST,
            "DIGITAL_CITY_PG_PORT": str(self.port),
            "DIGITAL_CITY_PG_USER": role,
            "DIGITAL_CITY_PG_PASSWORD": self.password(role),
            "DIGITAL_CITY_PG_DATABASE": DATABASE,
        }

    def dsn(self, role: str = READER, password: str | None = None) -> str:
        secret = self.password(role) if password is None else password
        return f"host={HOST} port={self.port} dbname={DATABASE} user={role} password={secret} connect_timeout=10"

    def connect(self, role: str = READER, password: str | None = None):
        import psycopg2

        return psycopg2.connect(self.dsn(role, password))
