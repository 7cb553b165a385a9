import csv
from pathlib import Path

from digital_city.tests.support.seed_catalog import DOC, SeedEntry, catalog, embedded_table, render


def test_docs_table_matches_the_seeds():
    assert embedded_table(DOC.read_text(encoding="utf-8")) == render(catalog()), (
        "docs/seeds.md is out of date: run .venv/bin/python -m digital_city seed-catalog --write"
    )


def test_every_seed_has_a_theme():
    assert all(entry.theme for entry in catalog()), [e.name for e in catalog() if not e.theme]


def test_row_counts_come_from_the_csv(tmp_path: Path):
    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "s.yml").write_text(
        "seeds:\n  - name: s\n    description: Two rows. More.\n    config:\n      meta:\n        theme: T\n",
        encoding="utf-8",
    )
    with (folder / "s.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["k", "v"], ["a", "1"], ["b", "2"]])
    assert catalog(tmp_path) == [SeedEntry("report", "s", "T", 2, 2, "Two rows.")]
    assert "| T | `report/s` | 2 | 2 | Two rows. |" in render(catalog(tmp_path))
