"""Structure rules of the project over dbt's manifest (target/manifest.json), run by test_project_structure.py.

Each rule takes the manifest as a dict and returns its violations as readable strings; an empty list means the
rule holds. Layers are read from the model's folder: models/<layer>/...
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

Manifest = Mapping[str, Any]

PREFIXES = {"staging": ("stg_",), "intermediate": ("int_",), "marts": ("fct_", "dim_")}
# The layers a model of each layer may read; staging alone reads seeds and sources.
ALLOWED_PARENTS = {
    "staging": {"seed", "source"},
    "intermediate": {"staging", "intermediate"},
    "marts": {"intermediate", "marts"},
}
KEY_TESTS = {"unique", "not_null"}
COMBINATION_TESTS = {"unique_combination", "unique_combination_of_columns"}


def models(manifest: Manifest) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for unique_id, node in sorted(manifest.get("nodes", {}).items()):
        if node.get("resource_type") == "model":
            yield unique_id, node


def layer(node: Mapping[str, Any]) -> str:
    parts = str(node.get("original_file_path", "")).split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "models" else "?"


def parent_kind(manifest: Manifest, unique_id: str) -> str:
    """`seed`, `source`, or the layer of a parent model."""
    resource = unique_id.split(".", 1)[0]
    if resource == "model":
        return layer(manifest.get("nodes", {}).get(unique_id, {}))
    return resource


def undocumented(manifest: Manifest) -> list[str]:
    found = []
    for _, node in models(manifest):
        if not str(node.get("description") or "").strip():
            found.append(f"{node['name']}: no description")
        if not node.get("columns"):
            found.append(f"{node['name']}: no columns documented")
        for name, column in (node.get("columns") or {}).items():
            if not str(column.get("description") or "").strip():
                found.append(f"{node['name']}.{name}: no description")
    return found


def undocumented_output_columns(manifest: Manifest, output: Mapping[str, list[str]]) -> list[str]:
    """Columns the built relation has but the yml does not list, and the reverse; `output` maps model name to
    the relation's columns (read from the database)."""
    found = []
    for _, node in models(manifest):
        if node["name"] not in output:
            found.append(f"{node['name']}: not built, output columns unknown")
            continue
        built = {c.lower() for c in output[node["name"]]}
        documented = {c.lower() for c in node.get("columns") or {}}
        found += [f"{node['name']}.{c}: in the output but not in the yml" for c in sorted(built - documented)]
        found += [f"{node['name']}.{c}: in the yml but not in the output" for c in sorted(documented - built)]
    return found


def without_primary_key_test(manifest: Manifest) -> list[str]:
    tests_by_model: dict[str, list[Mapping[str, Any]]] = {}
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") == "test" and node.get("attached_node"):
            tests_by_model.setdefault(node["attached_node"], []).append(node)
    found = []
    for unique_id, node in models(manifest):
        kinds_by_column: dict[str, set[str]] = {}
        has_combination = False
        for test in tests_by_model.get(unique_id, []):
            name = (test.get("test_metadata") or {}).get("name", "")
            has_combination |= name in COMBINATION_TESTS
            if test.get("column_name") and name in KEY_TESTS:
                kinds_by_column.setdefault(test["column_name"], set()).add(name)
        if not has_combination and not any(kinds >= KEY_TESTS for kinds in kinds_by_column.values()):
            found.append(f"{node['name']}: no primary-key test (unique + not_null on a column, or unique_combination)")
    return found


def wrong_prefix(manifest: Manifest) -> list[str]:
    found = []
    for _, node in models(manifest):
        prefixes = PREFIXES.get(layer(node))
        if prefixes is None:
            path = node.get("original_file_path")
            found.append(f"{node['name']}: {path} is in no layer folder ({', '.join(PREFIXES)})")
        elif not node["name"].startswith(prefixes):
            found.append(f"{node['name']}: a {layer(node)} model must start with {' or '.join(prefixes)}")
    return found


def uncontracted_marts(manifest: Manifest) -> list[str]:
    found = []
    for _, node in models(manifest):
        if layer(node) == "marts" and not ((node.get("config") or {}).get("contract") or {}).get("enforced"):
            found.append(f"{node['name']}: mart without an enforced contract")
    return found


def layer_violations(manifest: Manifest) -> list[str]:
    """Seeds and sources read outside staging, and models that skip or climb a layer."""
    found = []
    for _, node in models(manifest):
        allowed = ALLOWED_PARENTS.get(layer(node), set())
        for parent in (node.get("depends_on") or {}).get("nodes", []):
            if parent.split(".", 1)[0] not in {"model", "seed", "source", "snapshot"}:
                continue
            kind = parent_kind(manifest, parent)
            if kind not in allowed:
                found.append(f"{node['name']} ({layer(node)}) reads {parent} ({kind}); allowed: {sorted(allowed)}")
    return found


RULES = {
    "documented": undocumented,
    "primary-key test": without_primary_key_test,
    "layer prefix": wrong_prefix,
    "mart contract": uncontracted_marts,
    "layering": layer_violations,
}
