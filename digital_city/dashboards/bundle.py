"""The dashboards as code: a Superset export bundle (YAML) in dashboards/superset/, zipped for import.

The bundle is Superset's own export format (metadata.yaml, databases/, datasets/, charts/, dashboards/), so it
imports into any Superset 6 with its UI, CLI or REST API. Its one database entry holds no secret and no
machine-specific path: its URI is URI_PLACEHOLDER, which `zip_bundle` replaces with the absolute path of the
published warehouse (read-only) when the project imports it. metadata.yaml carries no `type`, so both the
dashboard import and the assets import (which also overwrites datasets and charts) accept it.

`normalise_export` turns a zip exported from Superset back into this layout: stable file names, readable
UTF-8, the placeholder URI. Change a dashboard in Superset's UI, export it, and run
`python -m digital_city dashboards --export` to write the change here.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from pathlib import Path
from typing import Any

import yaml

from digital_city.project import ROOT

BUNDLE_DIR = ROOT / "dashboards" / "superset"
# Four slashes: an absolute path. Replaced at import; a user importing by hand edits it (README).
URI_PLACEHOLDER = "duckdb:////path/to/digital-city/warehouse/digital_city.duckdb?access_mode=read_only"
ZIP_ROOT = "digital_city_dashboards"
KINDS = ("databases", "datasets", "charts", "dashboards")


def warehouse_uri(database: Path) -> str:
    """The read-only SQLAlchemy URI of a published warehouse file (duckdb-engine).

    The path is made absolute but symlinks are kept: the published name may point at a release directory, and
    Superset must follow that name to the next release, not stay on the file it points at today.
    """
    return f"duckdb:///{os.path.abspath(database)}?access_mode=read_only"


def bundle_files(bundle_dir: Path = BUNDLE_DIR) -> list[Path]:
    return sorted(p for p in bundle_dir.rglob("*.yaml") if p.is_file())


def load(bundle_dir: Path = BUNDLE_DIR) -> dict[str, dict[str, dict[str, Any]]]:
    """kind -> relative path -> parsed YAML, for every asset of the bundle."""
    assets: dict[str, dict[str, dict[str, Any]]] = {kind: {} for kind in (*KINDS, "metadata")}
    for path in bundle_files(bundle_dir):
        relative = path.relative_to(bundle_dir).as_posix()
        kind = relative.split("/", 1)[0] if "/" in relative else "metadata"
        assets.setdefault(kind, {})[relative] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return assets


def zip_bundle(uri: str, bundle_dir: Path = BUNDLE_DIR) -> bytes:
    """The bundle as the zip Superset imports, its database entry pointing at `uri`."""
    files = bundle_files(bundle_dir)
    if not any(p.name == "metadata.yaml" for p in files):
        raise FileNotFoundError(f"{bundle_dir}: no metadata.yaml, not a Superset export bundle")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            relative = path.relative_to(bundle_dir).as_posix()
            text = path.read_text(encoding="utf-8")
            if relative.startswith("databases/"):
                if URI_PLACEHOLDER not in text:
                    raise ValueError(f"{path}: sqlalchemy_uri is not the placeholder {URI_PLACEHOLDER}")
                text = text.replace(URI_PLACEHOLDER, uri)
            archive.writestr(f"{ZIP_ROOT}/{relative}", text)
    return out.getvalue()


def _slug(text: str) -> str:
    english = text.split(" · ", 1)[-1]
    return re.sub(r"[^a-z0-9]+", "_", english.lower()).strip("_")[:80] or "chart"


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)


def normalise_export(archive: bytes, bundle_dir: Path = BUNDLE_DIR) -> list[Path]:
    """Write a Superset export zip into `bundle_dir` in the bundle's layout; returns the files written."""
    written: list[Path] = []
    with zipfile.ZipFile(io.BytesIO(archive)) as exported:
        members = [m for m in exported.namelist() if m.endswith(".yaml")]
        for old in bundle_files(bundle_dir):
            old.unlink()
        for member in members:
            relative = member.split("/", 1)[1]
            data = yaml.safe_load(exported.read(member).decode("utf-8"))
            kind = relative.split("/", 1)[0] if "/" in relative else "metadata"
            if kind == "metadata":
                data = {"version": data["version"]}
                target = "metadata.yaml"
            elif kind == "databases":
                data["sqlalchemy_uri"] = URI_PLACEHOLDER
                target = f"databases/{data['database_name']}.yaml"
            elif kind == "datasets":
                # Column docs live in the dbt yml (and reach DuckDB as comments); a copy here would drift.
                data["description"] = None
                for column in data.get("columns") or []:
                    column["description"] = None
                target = f"{relative.rsplit('/', 1)[0]}/{data['table_name']}.yaml"
            elif kind == "charts":
                if data.get("query_context"):
                    context = json.loads(data["query_context"])
                    # The chart's id in the exporting Superset; the frontend adds the current one to each request.
                    context.get("form_data", {}).pop("slice_id", None)
                    data["query_context"] = json.dumps(context, ensure_ascii=False)
                target = f"charts/{_slug(data['slice_name'])}.yaml"
            elif kind == "dashboards":
                target = f"dashboards/{data.get('slug') or _slug(data['dashboard_title'])}.yaml"
            else:
                continue
            path = bundle_dir / target
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_dump(data), encoding="utf-8")
            written.append(path)
    return written
