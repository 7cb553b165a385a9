"""The published marts' public interface as an Open Data Contract Standard (ODCS v3) file, and how two of them differ.

`contracts/digital_city.datacontract.yaml` is committed. It is written only by `make release`
(`python -m digital_city contract release`), from the dbt manifest: every public, contract-enforced model (each
version of a versioned one, plus the unversioned name that points at its latest version) with its columns, their
exact types (the `data_type` the model's yml enforces), constraints, primary key, descriptions, group and owner.

`compare(committed, project)` sorts the differences into breaking ones (a relation gone; a column gone, renamed
or retyped; a constraint lost) and additive ones (anything else). A breaking change to the unversioned name of a
versioned model is allowed when one of its pinned versions (`<name>_v<n>`) still offers the committed interface:
that is how a breaking change ships.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from digital_city.publishing.layout import MART_SCHEMA

CONTRACT_PATH = Path("contracts") / "digital_city.datacontract.yaml"
CONTRACT_ID = "digital_city-marts"

# ODCS logical types for the DuckDB types the marts use; physicalType keeps the exact type.
LOGICAL_TYPES = (
    (re.compile(r"^(tinyint|smallint|integer|int|bigint|hugeint)$"), "integer"),
    (re.compile(r"^(decimal|numeric)(\(\d+,\d+\))?$|^(double|float|real)$"), "number"),
    (re.compile(r"^boolean$"), "boolean"),
    (re.compile(r"^date$"), "date"),
    (re.compile(r"^timestamp.*$"), "timestamp"),
    (re.compile(r"^(varchar|text|string)$"), "string"),
)

def how_to_version(marts: list[str]) -> str:
    """How to ship a breaking change to `marts` without breaking their consumers."""
    names = ", ".join(marts) or "the mart"
    pins = ", ".join(f"marts.{m}_v1" for m in marts) or "marts.<name>_v1"
    return (
        f"ship it as a new model version of {names}: add `versions:` to the model's yml with `latest_version: 2` and "
        f"a `deprecation_date` on version 1, keep version 1's SQL and columns as they are (consumers pin {pins}), "
        "then run `make release` (docs/contracts.md)"
    )


class ContractError(Exception):
    """For people: what is wrong and what to do."""


def normalise_type(data_type: str) -> str:
    return re.sub(r"\s+", "", (data_type or "").lower())


def logical_type(data_type: str) -> str:
    physical = normalise_type(data_type)
    for pattern, logical in LOGICAL_TYPES:
        if pattern.match(physical):
            return logical
    raise ContractError(f"no ODCS logical type for the data_type {data_type!r}: add it to LOGICAL_TYPES")


def custom(properties: list[dict[str, Any]] | None) -> dict[str, Any]:
    return {p["property"]: p["value"] for p in properties or []}


def _description(text: str | None) -> str:
    return " ".join((text or "").split())


def public_models(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(
        (
            node
            for node in manifest["nodes"].values()
            if node["resource_type"] == "model"
            and node.get("access") == "public"
            and node["config"].get("contract", {}).get("enforced")
        ),
        key=lambda node: (node["name"], str(node.get("version") or "")),
    )


def relation_of(node: dict[str, Any]) -> str:
    return node.get("alias") or node["name"]


def schema_object(node: dict[str, Any], relation: str, owner: dict[str, Any] | None, pins: str | None) -> dict[str, Any]:
    """One ODCS schema object: the relation `relation` with the interface of the model version `node`."""
    constraints = node.get("constraints") or []
    primary_key: list[str] = next((c["columns"] for c in constraints if c["type"] == "primary_key"), [])
    model_unique = sorted(",".join(c["columns"]) for c in constraints if c["type"] == "unique" and c.get("columns"))
    model_checks = sorted(c["expression"] for c in constraints if c["type"] == "check" and c.get("expression"))
    properties = []
    for column in node["columns"].values():
        kinds = [c["type"] for c in column.get("constraints") or []]
        checks = sorted(c["expression"] for c in column.get("constraints") or [] if c["type"] == "check")
        if not column.get("data_type"):
            raise ContractError(f"{node['name']}.{column['name']} has no data_type: a contracted column needs one")
        prop: dict[str, Any] = {
            "name": column["name"],
            "logicalType": logical_type(column["data_type"]),
            "physicalType": column["data_type"],
            "description": _description(column.get("description")),
            "required": "not_null" in kinds or column["name"] in primary_key,
            "unique": "unique" in kinds or primary_key == [column["name"]],
        }
        if column["name"] in primary_key:
            prop["primaryKey"] = True
            prop["primaryKeyPosition"] = primary_key.index(column["name"]) + 1
        if checks:
            prop["customProperties"] = [{"property": "checkConstraints", "value": checks}]
            prop["quality"] = [
                {
                    "name": f"check: {check}",
                    "type": "sql",
                    "description": f"check constraint holds: {check}",
                    "query": f"select count(*) from {relation} where not ({check})",
                    "mustBe": 0,
                }
                for check in checks
            ]
        properties.append(prop)
    props: list[dict[str, Any]] = [{"property": "dbtModel", "value": node["name"]}]
    if node.get("version") is not None:
        props.append({"property": "dbtVersion", "value": str(node["version"])})
        props.append({"property": "latestVersion", "value": str(node.get("latest_version"))})
    if pins:
        props.append({"property": "pointsAt", "value": pins})
    if node.get("deprecation_date"):
        props.append({"property": "deprecationDate", "value": str(node["deprecation_date"])[:10]})
    props.append({"property": "group", "value": node.get("group")})
    if owner:
        props.append({"property": "owner", "value": f"{owner.get('name')} <{owner.get('email')}>"})
    if model_unique:
        props.append({"property": "uniqueKeys", "value": model_unique})
    if model_checks:
        props.append({"property": "checkConstraints", "value": model_checks})
    quality: list[dict[str, Any]] = [
        {"name": "not empty", "type": "library", "metric": "rowCount", "mustBeGreaterThan": 0},
    ]
    # A composite primary key's uniqueness is checked by datacontract itself (primaryKeyPosition).
    for unique in model_unique:
        keys = unique.replace(",", ", ")
        quality.append({
            "name": f"unique ({keys})",
            "type": "sql",
            "description": f"unique constraint holds: ({keys})",
            "query": f"select count(*) from (select {keys} from {relation} group by {keys} having count(*) > 1)",
            "mustBe": 0,
        })
    return {
        "name": relation,
        "physicalName": relation,
        "physicalType": "table",
        "businessName": node["name"] if node.get("version") is None else f"{node['name']} v{node['version']}",
        "description": _description(node.get("description")),
        "customProperties": props,
        "properties": properties,
        "quality": quality,
    }


def interface_from_manifest(manifest: dict[str, Any], version: str = "1.0.0") -> dict[str, Any]:
    """The ODCS document for every public contracted model in a dbt manifest."""
    groups = {g["name"]: g for g in manifest.get("groups", {}).values()}
    objects = []
    owners = set()
    for node in public_models(manifest):
        owner = (groups.get(node.get("group")) or {}).get("owner")
        if owner:
            owners.add((owner.get("name"), owner.get("email")))
        objects.append(schema_object(node, relation_of(node), owner, None))
        # The unversioned name of a versioned model points at its latest version (macros/latest_version_view.sql).
        if node.get("version") is not None and str(node["version"]) == str(node.get("latest_version")):
            objects.append(schema_object(node, node["name"], owner, relation_of(node)))
    objects.sort(key=lambda o: o["name"])
    team = [{"username": email, "name": name, "role": "owner"} for name, email in sorted(owners)]
    return {
        "apiVersion": "v3.1.0",
        "kind": "DataContract",
        "id": CONTRACT_ID,
        "name": "digital_city published marts",
        "version": version,
        "status": "active",
        "domain": "digital_city",
        "dataProduct": "digital_city warehouse",
        "description": {
            "purpose": "The public interface of the marts `make build` publishes: warehouse/digital_city.duckdb "
            "(schema marts) and warehouse/parquet/<mart>.parquet. Written by `make release`; `make test` fails "
            "when the project no longer matches it (docs/contracts.md).",
            "usage": "Read-only. A dashboard that must not follow a new major version reads marts.<name>_v<n> "
            "(see README: Pinning a mart version).",
        },
        "team": team,
        "servers": [
            {
                "server": "warehouse",
                "type": "duckdb",
                "database": "warehouse/digital_city.duckdb",
                "schema": MART_SCHEMA,
                "description": "the live release (make build); make test points it at build/ci/warehouse/",
            },
            {
                "server": "parquet",
                "type": "local",
                "format": "parquet",
                "path": "warehouse/parquet/{model}.parquet",
                "description": "one Parquet file per mart, from the same release",
            },
        ],
        "schema": objects,
    }


def dump(document: dict[str, Any]) -> str:
    header = (
        "# The public interface of the published marts (Open Data Contract Standard v3). Generated: do not edit.\n"
        "# Written by `make release` from the dbt project; `make test` fails when the project differs from it.\n"
        "# docs/contracts.md says how to change it.\n"
    )
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120)


def load(path: Path) -> dict[str, Any]:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContractError(f"{path} does not exist: run `make release` to write the public interface") from None


def load_manifest(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContractError(f"{path} does not exist: run `dbt parse` (make release does) first") from None


@dataclass
class Comparison:
    breaking: list[str] = field(default_factory=list)
    additive: list[str] = field(default_factory=list)
    versioned: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not (self.breaking or self.additive or self.versioned)


def _columns(obj: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in obj.get("properties", [])}


def _checks(prop: dict[str, Any]) -> set[str]:
    return set(custom(prop.get("customProperties")).get("checkConstraints") or [])


def _primary_key(obj: dict[str, Any]) -> list[str]:
    cols = [p for p in obj.get("properties", []) if p.get("primaryKey")]
    return [p["name"] for p in sorted(cols, key=lambda p: p.get("primaryKeyPosition", 0))]


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What a consumer of `old` loses in `new` (same relation): one line per lost column, type or constraint."""
    name = old["name"]
    lines = []
    new_columns = _columns(new)
    for column, before in _columns(old).items():
        after = new_columns.get(column)
        if after is None:
            lines.append(f"{name}.{column}: column removed (or renamed)")
            continue
        if normalise_type(before["physicalType"]) != normalise_type(after["physicalType"]):
            lines.append(f"{name}.{column}: type changed from {before['physicalType']} to {after['physicalType']}")
        if before.get("required") and not after.get("required"):
            lines.append(f"{name}.{column}: not_null constraint removed")
        if before.get("unique") and not after.get("unique"):
            lines.append(f"{name}.{column}: unique constraint removed")
        for check in sorted(_checks(before) - _checks(after)):
            lines.append(f"{name}.{column}: check constraint removed: {check}")
    if _primary_key(old) != _primary_key(new):
        lines.append(f"{name}: primary key changed from ({', '.join(_primary_key(old))}) to "
                     f"({', '.join(_primary_key(new))})")
    before_props, after_props = custom(old.get("customProperties")), custom(new.get("customProperties"))
    for key in ("uniqueKeys", "checkConstraints"):
        for lost in sorted(set(before_props.get(key) or []) - set(after_props.get(key) or [])):
            lines.append(f"{name}: model constraint removed: {key} {lost}")
    return lines


def _past(deprecation: str | None, today: date) -> bool:
    return bool(deprecation) and date.fromisoformat(str(deprecation)[:10]) < today


def compare(committed: dict[str, Any], project: dict[str, Any], today: date | None = None) -> Comparison:
    today = today or date.today()
    result = Comparison()
    old_objects = {o["name"]: o for o in committed.get("schema", [])}
    new_objects = {o["name"]: o for o in project.get("schema", [])}
    for name, old in old_objects.items():
        new = new_objects.get(name)
        if new is None:
            deprecation = custom(old.get("customProperties")).get("deprecationDate")
            if _past(deprecation, today):
                result.additive.append(f"{name}: removed after its deprecation date {deprecation}")
            else:
                result.breaking.append(f"{name}: the mart is no longer published (removed, renamed or made private)")
            continue
        lost = breaking_changes(old, new)
        if not lost:
            continue
        model = custom(new.get("customProperties")).get("dbtModel")
        pinned = [
            other for other_name, other in new_objects.items()
            if other_name != name and custom(other.get("customProperties")).get("dbtModel") == model
            and custom(other.get("customProperties")).get("dbtVersion") is not None
            and not breaking_changes(old, {**other, "name": name})
        ]
        if custom(new.get("customProperties")).get("pointsAt") and pinned:
            result.versioned.append(
                f"{name}: now points at {custom(new.get('customProperties'))['pointsAt']}; the committed interface "
                f"stays published as {', '.join(p['name'] for p in pinned)} ({'; '.join(lost)})"
            )
        else:
            result.breaking.extend(lost)
    for name in sorted(set(new_objects) - set(old_objects)):
        result.additive.append(f"{name}: new mart")
    for name in sorted(set(old_objects) & set(new_objects)):
        old, new = old_objects[name], new_objects[name]
        old_columns, new_columns = _columns(old), _columns(new)
        for column in new_columns:
            if column not in old_columns:
                result.additive.append(f"{name}.{column}: new column ({new_columns[column]['physicalType']})")
        if (_strip_version(old) != _strip_version(new)
                and not any(line.startswith(f"{name}") for line in result.additive + result.breaking + result.versioned)):
            result.additive.append(f"{name}: descriptions, constraints or ownership changed")
    if not result.breaking and not result.additive and not result.versioned:
        if _strip_version(committed) != _strip_version(project):
            result.additive.append("contract metadata changed (team, servers or description)")
    return result


def _strip_version(document: dict[str, Any]) -> Any:
    return {k: v for k, v in document.items() if k != "version"}


def next_version(committed: dict[str, Any] | None) -> str:
    if not committed:
        return "1.0.0"
    major, minor, *_ = (str(committed.get("version") or "1.0.0").split(".") + ["0", "0"])[:3]
    return f"{major}.{int(minor) + 1}.0"
