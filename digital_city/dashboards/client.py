"""Superset's REST API, as far as the project uses it: log in, import the bundle, read charts and their data."""

from __future__ import annotations

from typing import Any

import requests

from digital_city.dashboards.server import ADMIN_USER, SupersetError


class Client:
    def __init__(self, base_url: str, password: str, username: str = ADMIN_USER, timeout: float = 60) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self.session = requests.Session()
        answer = self.session.post(
            f"{base_url}/api/v1/security/login",
            json={"username": username, "password": password, "provider": "db", "refresh": False},
            timeout=timeout,
        )
        if answer.status_code != 200:
            raise SupersetError(f"could not log in to {base_url} as {username!r} (HTTP {answer.status_code}): {answer.text[:300]}")
        self.session.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
        # Writes through the API also need Flask-WTF's CSRF token, tied to the session cookie this call sets.
        token = self.call("GET", "/api/v1/security/csrf_token/")["result"]
        self.session.headers.update({"X-CSRFToken": token, "Referer": base_url})

    def call(self, method: str, path: str, expect: tuple[int, ...] = (200, 201), **kwargs: Any) -> dict[str, Any]:
        answer = self.session.request(method, f"{self.base_url}{path}", timeout=self.timeout, **kwargs)
        if answer.status_code not in expect:
            raise SupersetError(f"{method} {path}: HTTP {answer.status_code}: {answer.text[:1500]}")
        return answer.json()

    def import_bundle(self, archive: bytes) -> None:
        """Import (and overwrite) every asset of the bundle: database entry, datasets, charts, dashboards."""
        self.call(
            "POST",
            "/api/v1/assets/import/",
            files={"bundle": ("digital_city_dashboards.zip", archive, "application/zip")},
            data={"passwords": "{}"},
        )

    def dashboard(self, id_or_slug: int | str) -> dict[str, Any]:
        return self.call("GET", f"/api/v1/dashboard/{id_or_slug}")["result"]

    def dashboard_charts(self, id_or_slug: int | str) -> list[dict[str, Any]]:
        return self.call("GET", f"/api/v1/dashboard/{id_or_slug}/charts")["result"]

    def chart(self, chart_id: int) -> dict[str, Any]:
        return self.call("GET", f"/api/v1/chart/{chart_id}")["result"]

    def chart_data(self, chart_id: int) -> list[dict[str, Any]]:
        """The chart's data as Superset serves it from the chart's saved query context (post-processing applied)."""
        return self.call("GET", f"/api/v1/chart/{chart_id}/data/?format=json&type=full")["result"]

    def database_id(self, name: str) -> int:
        found = self.call("GET", "/api/v1/database/", params={"q": f"(filters:!((col:database_name,opr:eq,value:{name})))"})
        if not found["result"]:
            raise SupersetError(f"no database {name!r} in Superset")
        return int(found["result"][0]["id"])

    def run_sql(self, database_id: int, sql: str, schema: str = "marts") -> requests.Response:
        """Run a statement through SQL Lab (synchronously); the raw response, errors included."""
        return self.session.post(
            f"{self.base_url}/api/v1/sqllab/execute/",
            json={"database_id": database_id, "sql": sql, "schema": schema, "runAsync": False, "client_id": None},
            timeout=self.timeout,
        )
