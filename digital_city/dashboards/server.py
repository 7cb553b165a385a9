"""One Superset instance: its home directory, secrets, configuration, metadata database and server process.

Everything an instance owns sits in its home (build/superset/ for `make dashboards`; the dashboard check uses a
temporary one):
    secret_key, admin_password   generated on first use, mode 0600, never printed again after the first run
    superset_config.py           written on every start from CONFIG below (no secret in it: it reads secret_key)
    superset.db                  the metadata database (SQLite)
    server.json                  pid, port and start time of the running server; stale once that pid is gone
    server.log                   the server's output
The server is gunicorn in its own process group, bound to 127.0.0.1 only. A start first looks for a running
server of this home (server.json and /health), so a second `make dashboards` reuses it; a server killed at any
point leaves at most a stale server.json, which the next start removes together with any orphaned worker.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from digital_city.local_servers import HOST, free_port, port_free, write_private
from digital_city.project import ROOT

SUPERSET_VENV = ROOT / ".venv-superset"
BOOTSTRAP = Path(__file__).with_name("bootstrap.py")
DEFAULT_HOME = ROOT / "build" / "superset"
# Superset's own default is 8088; a different one leaves room for a Superset the user already runs.
DEFAULT_PORT = 8188
ADMIN_USER = "admin"

CONFIG = '''\
"""Superset configuration of this instance, written by digital_city/dashboards/server.py on every start.

Edit that file, not this one. No secret is written here: SECRET_KEY is read from secret_key beside this file.
"""

from pathlib import Path

HOME = Path(__file__).resolve().parent
SECRET_KEY = (HOME / "secret_key").read_text(encoding="utf-8").strip()
SQLALCHEMY_DATABASE_URI = "sqlite:///" + str(HOME / "superset.db")
DATA_DIR = str(HOME / "data")
# A single local user: the in-memory rate limiter needs no storage server (and says nothing about it).
RATELIMIT_STORAGE_URI = "memory://"
# Nothing leaves the machine. SCARF_ANALYTICS alone does not stop the telemetry pixel (its address is compiled into
# the frontend), so the Content-Security-Policy confines images, scripts, styles, fonts and connections to this
# server: a browser refuses any other host before a request is made. Superset's default policy allows the pixel's
# and the map tiles' hosts; this one allows none.
SCARF_ANALYTICS = False
TALISMAN_ENABLED = True
THEME_FONT_URL_ALLOWED_DOMAINS = []
TALISMAN_CONFIG = TALISMAN_DEV_CONFIG = {
    "content_security_policy": {
        "base-uri": ["'self'"],
        "default-src": ["'self'"],
        "img-src": ["'self'", "blob:", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": "'none'",
        "style-src": ["'self'", "'unsafe-inline'"],
        "font-src": ["'self'", "data:"],
        "script-src": ["'self'", "'strict-dynamic'"],
    },
    "content_security_policy_nonce_in": ["script-src"],
    "force_https": False,
    "session_cookie_secure": False,
}
FEATURE_FLAGS = {"DASHBOARD_RBAC": False}
# Chart data straight from DuckDB: the warehouse is small and a rebuilt release must show at once.
DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
'''


class SupersetError(RuntimeError):
    """Something the user can act on; the command line prints it without a traceback."""


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped by its parent) is not a server.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][:1] != "Z"
    except (OSError, IndexError):
        return True


def group_members(pgid: int) -> list[int]:
    """Processes whose process group is `pgid` (a dead server's orphaned gunicorn workers), read from /proc."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid:
            members.append(int(stat.parent.name))
    return members


def alive_members(pgid: int) -> list[int]:
    return [pid for pid in group_members(pgid) if pid_alive(pid)]


@dataclass(frozen=True)
class Instance:
    home: Path = DEFAULT_HOME
    port: int = DEFAULT_PORT
    venv: Path = SUPERSET_VENV

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def config_path(self) -> Path:
        return self.home / "superset_config.py"

    @property
    def secret_key_file(self) -> Path:
        return self.home / "secret_key"

    @property
    def password_file(self) -> Path:
        return self.home / "admin_password"

    @property
    def state_file(self) -> Path:
        return self.home / "server.json"

    @property
    def log_file(self) -> Path:
        return self.home / "server.log"

    def bootstrapped_marker(self) -> Path:
        # Named after the lock, so a Superset upgrade runs the migrations again.
        lock = (ROOT / "requirements-superset.lock").read_bytes()
        return self.home / f".bootstrapped-{hashlib.sha256(lock).hexdigest()[:16]}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SUPERSET_", "FLASK_"))}
        env.update(
            SUPERSET_CONFIG_PATH=str(self.config_path),
            FLASK_APP="superset.app:create_app()",
            PYTHONDONTWRITEBYTECODE="1",
            DIGITAL_CITY_SUPERSET_ADMIN=ADMIN_USER,
        )
        return env

    # -- secrets and configuration -------------------------------------------------------------------------------

    def prepare(self) -> bool:
        """Create the home, secrets and configuration; True when the secrets were made now (a first run)."""
        if not (self.venv / "bin" / "gunicorn").is_file():
            raise SupersetError(f"Superset is not installed in {self.venv}: run `make superset` (make dashboards does)")
        self.home.mkdir(parents=True, exist_ok=True)
        self.home.chmod(0o700)
        created = False
        for path, length in ((self.secret_key_file, 48), (self.password_file, 18)):
            if not path.exists():
                write_private(path, secrets.token_urlsafe(length))
                created = True
            elif path.stat().st_mode & 0o077:
                raise SupersetError(f"{path} is readable by other users: chmod 600 {path}")
        self.config_path.write_text(CONFIG, encoding="utf-8")
        return created

    def admin_password(self) -> str:
        return self.password_file.read_text(encoding="utf-8").strip()

    def bootstrap(self) -> float:
        """Migrate the metadata database and create the admin, unless this Superset version already did; seconds."""
        marker = self.bootstrapped_marker()
        if marker.exists():
            return 0.0
        started = time.perf_counter()
        env = dict(self.env(), DIGITAL_CITY_SUPERSET_PASSWORD=self.admin_password())
        done = subprocess.run(
            [str(self.venv / "bin" / "python"), str(BOOTSTRAP)],
            cwd=self.home,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            (self.home / "bootstrap.log").write_text(done.stdout + done.stderr, encoding="utf-8")
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
            raise SupersetError(
                f"Superset's metadata database could not be set up (exit {done.returncode}); "
                f"full output in {self.home / 'bootstrap.log'}:\n{tail}"
            )
        for old in self.home.glob(".bootstrapped-*"):
            old.unlink()
        marker.touch()
        return time.perf_counter() - started

    # -- the server process ---------------------------------------------------------------------------------------

    def read_state(self) -> dict[str, int | str] | None:
        try:
            return json.loads(self.state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def healthy(self, port: int | None = None) -> bool:
        try:
            answer = requests.get(f"http://{HOST}:{port or self.port}/health", timeout=2)
        except requests.RequestException:
            return False
        return answer.status_code == 200 and answer.text.strip() == "OK"

    def running(self) -> dict[str, int | str] | None:
        """The state of this home's server if it is alive and answers its health check."""
        state = self.read_state()
        if state and pid_alive(int(state["pid"])) and self.healthy(int(state["port"])):
            return state
        return None

    def clear_stale(self, wait: float = 10) -> None:
        """Remove what a dead server left: its state file and any worker still in its process group."""
        state = self.read_state()
        if state is None:
            self.state_file.unlink(missing_ok=True)
            return
        pgid = int(state["pid"])
        if pid_alive(pgid):
            return
        # gunicorn's worker notices a dead master only at its next loop; until then it holds the port.
        deadline = time.monotonic() + wait
        while True:
            members = alive_members(pgid)
            if not members or time.monotonic() > deadline:
                break
            for member in members:
                try:
                    os.kill(member, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.1)
        self.state_file.unlink(missing_ok=True)

    def start(self, timeout: float = 120) -> tuple[dict[str, int | str], bool]:
        """Start the server, or find the one running; returns its state and whether it was started now."""
        state = self.running()
        if state is not None:
            return state, False
        state = self.read_state()
        if state and pid_alive(int(state["pid"])):
            # Alive but not answering: a server still starting, or a hung one. Wait for it, then give up on it.
            if self.wait_healthy(int(state["pid"]), int(state["port"]), timeout):
                return state, False
            self.stop()
        self.clear_stale()
        if not port_free(self.port):
            raise SupersetError(
                f"port {self.port} on {HOST} is in use by another program: stop it or choose another port (--port)"
            )
        log = open(self.log_file, "ab")  # noqa: SIM115 - handed to the child, closed below
        try:
            process = subprocess.Popen(
                [
                    str(self.venv / "bin" / "gunicorn"),
                    "--bind", f"{HOST}:{self.port}",
                    "--workers", "1",
                    "--worker-class", "gthread",
                    "--threads", "8",
                    "--timeout", "120",
                    "--limit-request-line", "0",
                    "--limit-request-field_size", "0",
                    "superset.app:create_app()",
                ],
                cwd=self.home,
                env=self.env(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()
        state = {"pid": process.pid, "port": self.port, "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        fresh = self.state_file.with_suffix(".json.new")
        fresh.write_text(json.dumps(state) + "\n", encoding="utf-8")
        os.replace(fresh, self.state_file)
        if not self.wait_healthy(process.pid, self.port, timeout, process):
            self.stop()
            tail = "\n".join(self.log_file.read_text(encoding="utf-8", errors="replace").splitlines()[-20:])
            raise SupersetError(f"Superset did not come up on {self.url} within {timeout:.0f} s; {self.log_file}:\n{tail}")
        return state, True

    def wait_healthy(self, pid: int, port: int, timeout: float, process: subprocess.Popen | None = None) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                return False
            if process is None and not pid_alive(pid):
                return False
            if self.healthy(port):
                return True
            time.sleep(0.25)
        return False

    def stop(self, timeout: float = 15) -> bool:
        """Stop this home's server (its whole process group); False when none was running."""
        state = self.read_state()
        if state is None:
            return False
        pgid = int(state["pid"])
        was_running = pid_alive(pgid)
        for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5)):
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline and alive_members(pgid):
                _reap(pgid)
                time.sleep(0.1)
            if not alive_members(pgid):
                break
        _reap(pgid)
        self.state_file.unlink(missing_ok=True)
        return was_running


def _reap(pid: int) -> None:
    """Collect the exit status of a server this process started, so it does not linger as a zombie."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
