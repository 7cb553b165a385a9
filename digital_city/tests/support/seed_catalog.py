"""The seed catalogue in docs/seeds.md: each theme, its seed and row count, rendered from the seed yml and CSVs.

`python -m digital_city.tests.support.seed_catalog --write` refreshes the table; a pytest fails when the docs and the seeds disagree.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from digital_city.project import ROOT

SEEDS = ROOT / "seeds"
DOC = ROOT / "docs" / "seeds.md"
START = "<!-- seed-catalog:start -->"
END = "<!-- seed-catalog:end -->"


@dataclass(frozen=True)
class SeedEntry:
    folder: str
    name: str
    theme: str
    rows: int
    columns: int
    summary: str


def first_sentence(text: str) -> str:
    flat = " ".join(text.split())
    cut = flat.find(". ")
    return flat if cut < 0 else flat[: cut + 1]


def catalog(seeds_dir: Path = SEEDS) -> list[SeedEntry]:
    entries = []
    # One yml per seed, beside its CSV (seeds/<folder>/<seed>.yml).
    for yml in sorted(seeds_dir.glob("*/*.yml")):
        for seed in (yaml.safe_load(yml.read_text(encoding="utf-8")) or {}).get("seeds", []):
            path = yml.parent / f"{seed['name']}.csv"
            with path.open(encoding="utf-8", newline="") as handle:
                header, *rows = list(csv.reader(handle))
            theme = seed.get("config", {}).get("meta", {}).get("theme", "")
            entries.append(
                SeedEntry(yml.parent.name, seed["name"], theme, len(rows), len(header), first_sentence(seed["description"]))
            )
    return entries


def render(entries: list[SeedEntry]) -> str:
    lines = ["| theme | seed | rows | columns | what it holds |", "| --- | --- | ---: | ---: | --- |"]
    for e in entries:
        lines.append(f"| {e.theme} | `{e.folder}/{e.name}` | {e.rows} | {e.columns} | {e.summary} |")
    total = sum(e.rows for e in entries)
    lines.append(f"| **all** | {len(entries)} seeds | **{total}** | | |")
    return "\n".join(lines)


def embedded_table(doc: str) -> str:
    start, end = doc.index(START) + len(START), doc.index(END)
    return doc[start:end].strip()


def write(doc_path: Path = DOC) -> None:
    doc = doc_path.read_text(encoding="utf-8")
    start, end = doc.index(START) + len(START), doc.index(END)
    doc_path.write_text(doc[:start] + "\n" + render(catalog()) + "\n" + doc[end:], encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the table in docs/seeds.md")
    args = parser.parse_args(argv)
    if args.write:
        write()
    else:
        print(render(catalog()))
    return 0



if __name__ == "__main__":
    sys.exit(main())
