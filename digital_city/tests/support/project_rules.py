"""The project's structure rules that no dbt linter checks, run by digital_city/tests/test_project_structure.py.

dbt-bouncer (dbt-bouncer.yml, a step of `make test`) checks layers, names, lineage, parents, rejoins, access, contracts,
keys, model docs and line counts. What stays here needs the project's own conventions or its files:
- which seeds a model may read (bouncer cannot tell a lookup seed from a data seed),
- that every column, of models and seeds alike, is described by the one doc block named after it,
- that a lookup's label is spelled nowhere but in its lookup seed,
- that no yml file grows past 400 lines,
- that every group and exposure has the same owner (the maintainers),
- that every column a built model outputs is documented (needs the built database).

Each rule returns its violations as readable strings; an empty list means the rule holds.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

Manifest = Mapping[str, Any]

# Seed folders: data seeds (with provenance) are read by staging only; lookups (codes and their labels) by any model.
DATA_SEED_FOLDERS = ("seeds/report/", "seeds/reference/")
LOOKUP_SEED_FOLDER = "seeds/lookups/"
MAX_YML_LINES = 400
SQL_DIRS = ("models", "macros", "tests", "analyses")
YML_DIRS = ("models", "seeds")
SQL_LITERAL = re.compile(r"'((?:[^']|'')*)'")


def models(manifest: Manifest) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for unique_id, node in sorted(manifest.get("nodes", {}).items()):
        if node.get("resource_type") == "model":
            yield unique_id, node


def layer(node: Mapping[str, Any]) -> str:
    parts = str(node.get("original_file_path", "")).split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "models" else "?"


def seed_reads(manifest: Manifest) -> list[str]:
    """Data seeds are read only by staging models, each by exactly one, and a staging model reads one data seed and
    nothing else; lookup seeds may be read by any model except staging."""
    nodes = manifest.get("nodes", {})
    found = []
    for _, node in models(manifest):
        seeds = [p for p in (node.get("depends_on") or {}).get("nodes", []) if p.startswith("seed.")]
        paths = {p: str(nodes.get(p, {}).get("original_file_path", "")) for p in seeds}
        data = [p for p, path in paths.items() if path.startswith(DATA_SEED_FOLDERS)]
        lookups = [p for p, path in paths.items() if path.startswith(LOOKUP_SEED_FOLDER)]
        other = [p for p in seeds if p not in data and p not in lookups]
        name = node["name"]
        for p in other:
            found.append(f"{name} reads {p}, a seed outside {', '.join(DATA_SEED_FOLDERS)} and {LOOKUP_SEED_FOLDER}")
        if layer(node) == "staging":
            if len(data) != 1:
                found.append(f"{name} (staging) must read exactly one data seed, reads {sorted(data) or 'none'}")
            found += [f"{name} (staging) reads lookup {p}: labels are joined in intermediate models" for p in lookups]
        else:
            found += [f"{name} ({layer(node)}) reads data seed {p}: only staging reads data seeds" for p in data]
    return found


def column_docs(manifest: Manifest) -> list[str]:
    """Every column of every model and seed is described by the doc block named after it, so a column name means
    one thing, written once (models/docs/*.md)."""
    project = (manifest.get("metadata") or {}).get("project_name")
    blocks = {
        str(doc["name"]): str(doc.get("block_contents") or "").strip()
        for doc in (manifest.get("docs") or {}).values()
        if project is None or doc.get("package_name") == project
    }
    found = []
    for node in sorted(manifest.get("nodes", {}).values(), key=lambda n: n.get("unique_id", n["name"])):
        if node.get("resource_type") not in ("model", "seed"):
            continue
        for name, column in (node.get("columns") or {}).items():
            description = str(column.get("description") or "").strip()
            if name not in blocks:
                found.append(f"{node['name']}.{name}: no doc block `{name}` in models/docs/")
            elif description != blocks[name]:
                found.append(f"{node['name']}.{name}: describe it with '{{{{ doc(\"{name}\") }}}}', not its own text")
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


def owners(manifest: Manifest) -> list[str]:
    """Every group and every exposure has the one owner dbt_project.yml's vars name (the groups read the vars; the
    exposure file spells the owner out, so this holds the two together)."""
    group_owners = {
        (str((g.get("owner") or {}).get("name")), str((g.get("owner") or {}).get("email")))
        for g in (manifest.get("groups") or {}).values()
    }
    found = []
    if len(group_owners) != 1:
        found.append(f"the groups have {len(group_owners)} different owners: {sorted(group_owners)}")
    owner = next(iter(group_owners), None)
    for exposure in sorted((manifest.get("exposures") or {}).values(), key=lambda e: e["name"]):
        pair = (str((exposure.get("owner") or {}).get("name")), str((exposure.get("owner") or {}).get("email")))
        if owner is not None and pair != owner:
            found.append(f"exposure {exposure['name']}: owner {pair} is not the groups' owner {owner}")
    return found


RULES = {
    "seed reads": seed_reads,
    "column doc blocks": column_docs,
    "one owner": owners,
}


# ------------------------------------------------------------------------------------------------- file rules
def lookup_labels(root: Path) -> dict[str, str]:
    """label -> "<lookup>.<column>" for every label of every lookup seed (its columns after the code); labels that
    are also some lookup's code (qualifier_en `exact`) are codes, which data may carry."""
    labels: dict[str, str] = {}
    codes: set[str] = set()
    for path in sorted((root / LOOKUP_SEED_FOLDER).glob("lkp_*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            header, *rows = list(csv.reader(handle))
        for row in rows:
            codes.add(row[0])
            for column, value in zip(header[1:], row[1:], strict=True):
                if column.endswith(("_zh", "_en", "_en_short")) and value.strip():
                    labels.setdefault(value, f"{path.stem}.{column}")
    return {label: where for label, where in labels.items() if label not in codes}


def yaml_scalars(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key != "description":
                yield from yaml_scalars(item)
    elif isinstance(value, list):
        for item in value:
            yield from yaml_scalars(item)
    elif isinstance(value, str):
        yield value


def labels_spelled_twice(root: Path) -> list[str]:
    """A lookup's label is spelled only in its lookup seed: never as a SQL string literal (models, macros, tests,
    analyses), never as a value in a yml file (accepted values, unit-test rows), never in a second lookup."""
    labels = lookup_labels(root)
    found = []
    for folder in SQL_DIRS:
        for path in sorted((root / folder).rglob("*.sql")):
            text = path.read_text(encoding="utf-8")
            for literal in SQL_LITERAL.findall(text):
                value = literal.replace("''", "'")
                if value in labels:
                    found.append(f"{path.relative_to(root)}: '{value}' is a label of {labels[value]}")
    for folder in YML_DIRS:
        for path in sorted((root / folder).rglob("*.yml")):
            document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for value in yaml_scalars(document):
                if value in labels:
                    found.append(f"{path.relative_to(root)}: '{value}' is a label of {labels[value]}")
    seen: dict[str, str] = {}
    for path in sorted((root / LOOKUP_SEED_FOLDER).glob("lkp_*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            header, *rows = list(csv.reader(handle))
        for row in rows:
            for column, value in zip(header[1:], row[1:], strict=True):
                if value in labels and not column.endswith("_en_short"):
                    where = f"{path.stem}.{column}"
                    if value in seen and seen[value] != where:
                        found.append(f"{where}: '{value}' is also a label of {seen[value]}")
                    seen.setdefault(value, where)
    return found


def long_yml_files(root: Path) -> list[str]:
    found = []
    for folder in YML_DIRS:
        for path in sorted((root / folder).rglob("*.yml")):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_YML_LINES:
                found.append(f"{path.relative_to(root)}: {lines} lines (at most {MAX_YML_LINES}: split it)")
    return found


FILE_RULES = {
    "labels spelled once": labels_spelled_twice,
    "yml size": long_yml_files,
}
