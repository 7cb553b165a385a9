"""The warehouse's own answers, to hold the dashboards to: MetricFlow's metrics, or a plain query on a mart.

Both read a published warehouse file read-only. MetricFlow runs through the same throwaway project that
`python -m digital_city mf --db <file> --read-only` builds (digital_city/semantic_layer.py), in one process for
all queries (mf_batch.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import yaml

from digital_city import semantic_layer
from digital_city.project import ROOT

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class MetricQuery:
    """One `mf query`: --metrics, --group-by, --end-time, --where."""

    metrics: list[str]
    group_by: list[str] = field(default_factory=list)
    end_time: str | None = None
    where: list[str] = field(default_factory=list)


def metricflow(queries: list[MetricQuery], database: Path, target_path: Path, project_dir: Path = ROOT) -> list[Rows]:
    """Each query's rows as dicts keyed by MetricFlow's column names (metric_time__year, pilot_designations...)."""
    if not (target_path / semantic_layer.SEMANTIC_MANIFEST).is_file():
        raise FileNotFoundError(f"no {semantic_layer.SEMANTIC_MANIFEST} in {target_path}: build or parse first")
    raw = yaml.safe_load((project_dir / "profiles.yml").read_text(encoding="utf-8"))
    profile = str(yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8"))["profile"])
    profiles = semantic_layer.profiles_for(raw, profile, None, read_only=True)
    with tempfile.TemporaryDirectory(prefix="digital-city-mf-") as scratch:
        mf_project = semantic_layer.make_mf_project(project_dir, target_path, profiles, Path(scratch))
        env = {k: v for k, v in os.environ.items() if not k.startswith("DBT_")}
        env.update(
            DIGITAL_CITY_WORK_DB=str(database),
            DBT_PROJECT_DIR=str(mf_project),
            DBT_PROFILES_DIR=str(mf_project),
            DBT_SEND_ANONYMOUS_USAGE_STATS="False",
            DO_NOT_TRACK="1",
        )
        done = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("mf_batch.py"))],
            input=json.dumps([asdict(q) for q in queries]),
            cwd=project_dir,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"MetricFlow failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    return [[dict(zip(t["columns"], row)) for row in t["rows"]] for t in json.loads(done.stdout)]


def sql(database: Path, statement: str) -> Rows:
    con = duckdb.connect(str(database), read_only=True)
    try:
        cursor = con.execute(statement)
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]
    finally:
        con.close()
