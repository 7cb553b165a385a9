"""The README's claim table, rendered from marts.fct_report_claim_checks of a built warehouse.

    python -m digital_city.tests.support.claim_table --db warehouse/digital_city.duckdb           # print it
    python -m digital_city.tests.support.claim_table --db warehouse/digital_city.duckdb --write   # rewrite it in README.md

digital_city/tests/test_claim_table.py renders it from the test session's build and fails when README.md differs,
so the table never drifts from the mart.
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
from digital_city.project import ROOT

README = ROOT / "README.md"
START = "<!-- claim-table:start (generated: python -m digital_city.tests.support.claim_table --write) -->"
END = "<!-- claim-table:end -->"
QUERY = """
select claim_key, verdict_en, stated_value_raw, recomputed_value, recomputed_unit, explanation_en
from marts.fct_report_claim_checks
order by claim_order
"""


def number(value: Decimal) -> str:
    """1101788040000.0000 -> 1,101,788,040,000; 14.2310 -> 14.231."""
    normal = value.normalize()
    if normal == normal.to_integral_value():
        return f"{int(normal):,}"
    whole, _, fraction = format(normal, "f").partition(".")
    return f"{int(whole):,}.{fraction}"


def render(rows: list[tuple]) -> str:
    lines = ["| claim | verdict | stated | recomputed | why |", "| --- | --- | --- | --- | --- |"]
    for key, verdict, stated, value, unit, why in rows:
        lines.append(f"| `{key}` | {verdict} | {stated} | {number(Decimal(value))} {unit} | {why} |")
    return "\n".join(lines)


def read_rows(database: Path) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(QUERY).fetchall()


def embedded_table(readme: str) -> str:
    return readme[readme.index(START) + len(START) : readme.index(END)].strip()


def write(table: str, readme_path: Path = README) -> None:
    text = readme_path.read_text(encoding="utf-8")
    start, end = text.index(START) + len(START), text.index(END)
    readme_path.write_text(text[:start] + "\n" + table + "\n" + text[end:], encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "warehouse" / "digital_city.duckdb")
    parser.add_argument("--write", action="store_true", help="rewrite the table in README.md")
    args = parser.parse_args(argv)
    if not args.db.is_file():
        print(f"claim-table: {args.db} does not exist: run `make build` first (it publishes the warehouse)", file=sys.stderr)
        return 1
    table = render(read_rows(args.db))
    if args.write:
        write(table)
    else:
        print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
