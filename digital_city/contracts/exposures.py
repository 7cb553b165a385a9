"""What each exposure (dbt's `exposures:`) reads of the published marts, and who follows a moved version pointer.

An exposure reads the relations of its refs (`ref('x')` reads marts.x, `ref('x', v=2)` the pinned marts.x_v2) and,
for a Superset dashboard (`meta.superset_asset`), the tables of the datasets its charts use. The unversioned name of
a versioned mart is a view over its latest version (macros/latest_version_view.sql): when a new latest version
ships, everything that reads that name changes under its users. `moved_under_readers` names those readers, so the
contract check refuses the change until they pin a version.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from digital_city.contracts.interface import custom


def superset_tables(asset: Path) -> set[str]:
    """The tables a Superset dashboard of the bundle reads: its charts' datasets (bundle: dashboards/superset/)."""
    bundle = asset.parent.parent
    dashboard = yaml.safe_load(asset.read_text(encoding="utf-8"))
    placed = {item["meta"]["uuid"] for item in dashboard["position"].values()
              if isinstance(item, dict) and item.get("type") == "CHART"}
    charts = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((bundle / "charts").glob("*.yaml"))]
    datasets = {d["uuid"]: d["table_name"] for d in
                (yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((bundle / "datasets").rglob("*.yaml")))}
    return {datasets[c["dataset_uuid"]] for c in charts if c["uuid"] in placed}


def exposure_reads(manifest: dict[str, Any], project_dir: Path) -> dict[str, tuple[str, set[str]]]:
    """exposure name -> (where it is defined or its asset, the mart relations it reads)."""
    reads = {}
    for exposure in manifest.get("exposures", {}).values():
        relations = {ref["name"] + (f"_v{ref['version']}" if ref.get("version") is not None else "")
                     for ref in exposure.get("refs", [])}
        where = exposure["original_file_path"]
        asset = (exposure.get("config", {}).get("meta") or {}).get("superset_asset")
        if asset:
            where = asset
            path = project_dir / asset
            if not path.is_file():
                relations.add(f"<{asset} does not exist>")
            else:
                relations |= superset_tables(path)
        reads[exposure["name"]] = (where, relations)
    return reads


def moved_under_readers(committed: dict[str, Any], project: dict[str, Any],
                        reads: dict[str, tuple[str, set[str]]]) -> list[str]:
    """One line per exposure that reads the unversioned name of a mart whose latest version changed."""
    before = {o["name"]: custom(o.get("customProperties")).get("pointsAt") for o in committed.get("schema", [])}
    lines = []
    for obj in project.get("schema", []):
        name, points_at = obj["name"], custom(obj.get("customProperties")).get("pointsAt")
        if name not in before or not points_at or before[name] == points_at:
            continue
        pinned = before[name] or f"{name}_v1"
        for exposure, (where, relations) in sorted(reads.items()):
            if name in relations:
                lines.append(f"{name}: now points at {points_at}, and exposure {exposure} ({where}) reads the "
                             f"unversioned name: pin it to marts.{pinned} (ref('{name}', v=...) / the dataset's "
                             f"table_name) before the new version ships")
    lines += [f"exposure {exposure} ({where}): superset_asset does not exist"
              for exposure, (where, relations) in sorted(reads.items()) if any(r.startswith("<") for r in relations)]
    return lines
