"""README.md's claim table is generated from marts.fct_report_claim_checks: regenerated from the session's build, it
must equal the committed table."""

from __future__ import annotations

from decimal import Decimal

from digital_city.tests.support.claim_table import README, embedded_table, number, read_rows, render
from digital_city.tests.project_copy import BuiltProject


def test_readme_claim_table_is_the_marts(built_project: BuiltProject) -> None:
    rows = read_rows(built_project.publish_dir / "digital_city.duckdb")
    assert len(rows) >= 15
    assert embedded_table(README.read_text(encoding="utf-8")) == render(rows), (
        "README.md's claim table differs from the mart: run "
        "`.venv/bin/python -m digital_city claim-table --db warehouse/digital_city.duckdb --write` after `make build`"
    )


def test_numbers_drop_trailing_zeros_and_group_thousands() -> None:
    assert number(Decimal("1101788040000.0000")) == "1,101,788,040,000"
    assert number(Decimal("14.2310")) == "14.231"
    assert number(Decimal("100.0000")) == "100"
    assert number(Decimal("1234.5000")) == "1,234.5"


def test_a_changed_verdict_changes_the_table() -> None:
    row = ("k", "en:holds", "s", Decimal("749.0000"), "count", "why")
    assert render([row]).splitlines()[-1] == "| `k` | en:holds | s | 749 count | why |"
    assert render([row]) != render([(*row[:1], "en:fails", *row[2:])])
