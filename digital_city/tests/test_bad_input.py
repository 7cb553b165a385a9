"""Bad input never reaches readers: one fault at a time is injected into a seed of a built copy of the project, and
the real pipeline (python -m digital_city build, as `make build` runs it) must fail, name the file, column and rule, and
leave the published database and Parquet release byte-for-byte unchanged.

Faults the seed check catches stop before dbt; the others rebuild only the broken seed (and its tests) on a copy
of the good work database, so a case costs one dbt start, not a full build.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
import yaml

from digital_city.tests.support import quotes
from digital_city.tests.project_copy import BuiltProject, pipeline_env, published_digests, run_pipeline

SEED = "report_pilot_programs"
SEED_CSV = f"seeds/report/{SEED}.csv"
KEY, COUNT, CODE, NAME = "program_key", "designation_count", "lead_ministry_code", "program_name_zh"
LINE = 3  # the second data row: header is line 1
CENSUS = "seeds/reference/ref_census_2020_city.csv"
MEMBERS = "seeds/reference/ref_pilot_program_members.csv"
MENTIONS = "seeds/report/report_city_mentions.csv"
SURVEY = "seeds/report/report_survey_findings.csv"


def read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def set_cell(column: str, value: str, line: int = LINE) -> Callable[[Path], None]:
    def mutate(path: Path) -> None:
        rows = read_rows(path)
        rows[line - 1][rows[0].index(column)] = value
        write_rows(path, rows)

    return mutate


def copy_key_from_line_2(path: Path) -> None:
    rows = read_rows(path)
    rows[LINE - 1][0] = rows[1][0]
    write_rows(path, rows)


def set_cell_where(key_column: str, key: str, column: str, value: str) -> Callable[[Path], None]:
    """Set `column` of the row whose `key_column` is `key`: faults that need one particular figure."""
    def mutate(path: Path) -> None:
        rows = read_rows(path)
        header = rows[0]
        matches = [row for row in rows[1:] if row[header.index(key_column)] == key]
        assert len(matches) == 1, f"{path.name} has {len(matches)} rows with {key_column} = {key}"
        matches[0][header.index(column)] = value
        write_rows(path, rows)

    return mutate


def copy_cell_from_line_2(column: str) -> Callable[[Path], None]:
    def mutate(path: Path) -> None:
        rows = read_rows(path)
        position = rows[0].index(column)
        rows[LINE - 1][position] = rows[1][position]
        write_rows(path, rows)

    return mutate


def duplicate_header(path: Path) -> None:
    rows = read_rows(path)
    rows[0][rows[0].index("note")] = KEY
    write_rows(path, rows)


def oversized(path: Path) -> None:
    # Well-formed: one row's note holds 1.2 MB of text, as a paste gone wrong would.
    set_cell("note", "x" * 1_200_000)(path)


def delete_lookup_row(code: str) -> Callable[[Path], None]:
    def mutate(path: Path) -> None:
        rows = read_rows(path)
        write_rows(path, [row for row in rows if row[0] != code])

    return mutate


def add_column(path: Path) -> None:
    write_rows(path, [[*row, "surprise" if n == 0 else "x"] for n, row in enumerate(read_rows(path))])


def drop_column(path: Path) -> None:
    rows = read_rows(path)
    position = rows[0].index("note")
    write_rows(path, [row[:position] + row[position + 1 :] for row in rows])


def ragged(path: Path) -> None:
    rows = read_rows(path)
    rows[LINE - 1].append("stray")
    write_rows(path, rows)


def broken_utf8(path: Path) -> None:
    rows = read_rows(path)
    name = rows[LINE - 1][rows[0].index(NAME)]
    data = path.read_bytes()
    # Cut the name's first character to one byte of its three: an invalid sequence in the middle of a row.
    encoded = name.encode("utf-8")
    path.write_bytes(data.replace(encoded, encoded[:1] + encoded[3:], 1))


def add_bom(path: Path) -> None:
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())


def empty(path: Path) -> None:
    path.write_bytes(b"")


def delete(path: Path) -> None:
    path.unlink()


def unconditional_percent_test(test: object) -> bool:
    if test == "percent_bounds":
        return True
    if isinstance(test, dict) and "percent_bounds" in test:
        # A test limited by `where` (e.g. to unit = 'percent' rows) would not see a value put in another row.
        return not ((test["percent_bounds"] or {}).get("config") or {}).get("where")
    return False


def percent_column(seeds: Path) -> tuple[str, str] | None:
    """A (seed csv path, column) whose column carries an unconditional percent_bounds test, if any seed has one."""
    for yml in sorted(seeds.rglob("*.yml")):
        for seed in (yaml.safe_load(yml.read_text(encoding="utf-8")) or {}).get("seeds") or []:
            for column in seed.get("columns") or []:
                if any(unconditional_percent_test(t) for t in column.get("data_tests") or []):
                    csv_path = yml.parent / f"{seed['name']}.csv"
                    return csv_path.relative_to(seeds.parent).as_posix(), column["name"]
    return None


@dataclass(frozen=True)
class Fault:
    id: str
    mutate: Callable[[Path], None]
    expected: tuple[str, ...]  # every one must appear in the pipeline's output
    stage: str  # the pipeline step that must stop it
    seed_csv: str = SEED_CSV
    select: str | None = None  # dbt selector, for faults only dbt or GX can see


DBT = "dbt build"
# Stands for the seed and column percent_column() finds: which seed has one is not this test's choice.
PERCENT = "<percent column>"

FAULTS = [
    Fault(
        "duplicate key",
        copy_key_from_line_2,
        (SEED_CSV, f"column: {KEY}", "rule:   unique", "n_records=2"),
        DBT,
        select=SEED,
    ),
    Fault("null key", set_cell(KEY, ""), (SEED_CSV, f"column: {KEY}", "rule:   not_null"), DBT, select=SEED),
    Fault(
        "negative count",
        set_cell(COUNT, "-5"),
        (SEED_CSV, f"column: {COUNT}", "rule:   value_between"),
        DBT,
        select=SEED,
    ),
    Fault(
        "unknown accepted value",
        set_cell(CODE, "ministry_of_magic"),
        # A code is checked against its lookup seed (seeds/lookups/lkp_lead_ministry.csv).
        (SEED_CSV, f"column: {CODE}", "rule:   relationships", "ministry_of_magic"),
        DBT,
        select=SEED,
    ),
    Fault("percent above 100", set_cell(PERCENT, "140"), (f"column: {PERCENT}", "rule:   percent_bounds"), DBT, PERCENT),
    Fault(
        "text in a numeric column",
        set_cell(COUNT, "ninety"),
        (f"{SEED_CSV} line 3 column {COUNT}: not integer",),
        "seed check",
    ),
    Fault("broken UTF-8 byte", broken_utf8, (f"{SEED_CSV} line 3 column {NAME}: invalid UTF-8",), "seed check"),
    Fault("stray BOM", add_bom, (f"{SEED_CSV} line 1 column {KEY}: byte-order mark",), "seed check"),
    Fault("extra column", add_column, (f"{SEED_CSV} line 1 column surprise: extra column",), "seed check"),
    Fault("missing column", drop_column, (f"{SEED_CSV} line 1 column note: missing column",), "seed check"),
    Fault("empty file", empty, (f"{SEED_CSV}: empty file",), "seed check"),
    Fault("missing file", delete, (f"{SEED_CSV}: file missing",), "seed check"),
    Fault("ragged row", ragged, (f"{SEED_CSV} line 3: ragged row",), "seed check"),
    Fault(
        "a fraction in an integer column",
        set_cell(COUNT, "5.5"),
        (f"{SEED_CSV} line 3 column {COUNT}: not integer (a fraction, which DuckDB would round to a whole number",),
        "seed check",
    ),
    Fault(
        "more decimal places than declared",
        set_cell("age_0_14_pct_2020", "13.475"),
        (f"{CENSUS} line 3 column age_0_14_pct_2020: not decimal(6,2) (more than 2 decimal places",),
        "seed check",
        seed_csv=CENSUS,
    ),
    Fault(
        "a boolean written as yes",
        set_cell("lookup_is_parent_city", "yes"),
        (f"{MENTIONS} line 3 column lookup_is_parent_city: not boolean (not true/false",),
        "seed check",
        seed_csv=MENTIONS,
    ),
    Fault(
        "a malformed date",
        set_cell("announce_date", "2014-09-31"),
        (f"{MEMBERS} line 3 column announce_date: not date (DuckDB cannot read '2014-09-31' as DATE)",),
        "seed check",
        seed_csv=MEMBERS,
    ),
    Fault(
        "a key with a trailing space",
        lambda path: set_cell(KEY, read_rows(path)[LINE - 1][0] + " ")(path),
        (f"{SEED_CSV} line 3 column {KEY}: surrounding whitespace",),
        "seed check",
    ),
    Fault("a duplicate header", duplicate_header, (f"{SEED_CSV} line 1 column {KEY}: duplicate column",), "seed check"),
    Fault("an oversized file", oversized, (f"{SEED_CSV}: oversized file", "load a data set as a dbt source"),
          "seed check"),
    Fault(
        "a share written as a fraction (0.4 for 40%)",
        set_cell_where("value_raw", "40%", "value", "0.4"),
        (SURVEY, "column: value", "rule:   printed_percent_matches", "value_raw=40%"),
        DBT,
        seed_csv=SURVEY,
        select="report_survey_findings",
    ),
    Fault(
        "a duplicate entity in a member list",
        copy_cell_from_line_2("entity_name"),
        (MEMBERS, "rule:   unique_combination", "program_key, entity_name"),
        DBT,
        seed_csv=MEMBERS,
        select="ref_pilot_program_members",
    ),
    Fault(
        "a member name that matches no division",
        set_cell("entity_name", "不存在市"),
        (MEMBERS, "rule:   has_match_in", "entity_name=不存在市"),
        DBT,
        seed_csv=MEMBERS,
        select="ref_pilot_program_members",
    ),
    Fault(
        "a traditional-character variant of a city name",
        set_cell_where("city_key", "wuhan", "lookup_name_zh", "武漢"),
        (MENTIONS, "column: lookup_name_zh", "rule:   relationships", "武漢"),
        DBT,
        seed_csv=MENTIONS,
        select="report_city_mentions",
    ),
    Fault(
        "a year out of range",
        set_cell("designation_year", "2031"),
        (MEMBERS, "column: designation_year", "rule:   value_between", "2031"),
        DBT,
        seed_csv=MEMBERS,
        select="ref_pilot_program_members",
    ),
    Fault(
        "a quote too long to be a quote",
        set_cell("quote_zh", "试" * 200),
        (SEED_CSV, "column: quote_zh", "rule:   quote_length"),
        DBT,
        select=SEED,
    ),
    Fault(
        "a label removed from its lookup",
        delete_lookup_row("smart_city"),
        ("lkp_program_family", "rule:   relationships", "smart_city"),
        DBT,
        seed_csv="seeds/lookups/lkp_program_family.csv",
        select="lkp_program_family+",
    ),
    # A well-formed but wrong figure: every input test passes; the claim it feeds flips its pinned verdict, and the
    # message names the claim and the seed rows it rests on.
    Fault(
        "a wrong IDC forecast (caught by a pinned claim verdict)",
        set_cell_where("market_figure_key", "idc_core_tech_investment_2023", "value", "28900000000"),
        ("assert_claim_verdicts_pinned", "claim_key=market_2023_over_1_trillion_on_top", "pinned_verdict=holds",
         "computed_verdict=fails", "inputs=report_market_figures (IDC 2023"),
        DBT,
        seed_csv="seeds/report/report_market_figures.csv",
        select="report_market_figures+",
    ),
    # A well-formed but wrong count: dbt's tests allow it; the release no longer adds up to the report's 749. The row
    # is a programme without a member list: for a listed one, a count below its list already fails dbt's test
    # (int_pilot_member_list_coverage.member_list_status not_null).
    Fault(
        "wrong count (caught by great expectations)",
        set_cell_where(KEY, "smart_city_pilot_b2", COUNT, "0"),
        ("designations: 1/2 expectations", "no longer adds the pilot designations up to the report's 749"),
        "publish",
        select=f"{SEED}+,+dim_pilot_program",
    ),
]


@pytest.fixture
def project(built_project: BuiltProject) -> Iterator[BuiltProject]:
    yield built_project
    # Leave the shared copy as the good build left it: other tests of the session read it too.
    seeds = built_project.root / "seeds"
    shutil.rmtree(seeds)
    shutil.copytree(built_project.pristine_seeds, seeds)
    built_project.restore_good_db()


@pytest.mark.parametrize("fault", FAULTS, ids=[f.id for f in FAULTS])
def test_bad_seed_stops_the_pipeline_and_leaves_the_warehouse_alone(project: BuiltProject, fault: Fault) -> None:
    if fault.seed_csv == PERCENT:
        found = percent_column(project.root / "seeds")
        if found is None:
            pytest.skip("no seed has a column with an unconditional percent_bounds test")
        seed_csv, column = found
        mutate = set_cell(column, "140", line=2)
        expected = tuple(e.replace(PERCENT, column) for e in fault.expected) + (seed_csv,)
        select = Path(seed_csv).stem
    else:
        seed_csv, mutate, expected, select = fault.seed_csv, fault.mutate, fault.expected, fault.select

    mutate(project.root / seed_csv)
    extra: list[str] = []
    if select:
        # The broken seed is rebuilt on a copy of the good database: its neighbours are there for tests that join.
        project.restore_good_db()
        extra = ["--select", select]
    done = run_pipeline(project.root, *extra)
    output = done.stdout + done.stderr

    assert done.returncode != 0, f"the pipeline accepted {fault.id}:\n{output[-3000:]}"
    assert f"pipeline stopped at {fault.stage}" in output, output[-3000:]
    for text in expected:
        assert text in output, f"{text!r} not in the output:\n{output[-4000:]}"
    assert published_digests(project.publish_dir) == project.published, "the published warehouse changed"


def test_the_good_build_published_a_database_and_parquet(built_project: BuiltProject) -> None:
    assert "digital_city.duckdb" in built_project.published
    assert "parquet/dim_pilot_program.parquet" in built_project.published
    assert "manifest.json" in built_project.published


def test_a_seed_with_windows_line_endings_gives_the_same_warehouse(project: BuiltProject) -> None:
    """Valid input keeps working: CRLF line endings are a way of saving a file, not a different seed."""
    seed = project.root / SEED_CSV
    seed.write_bytes(seed.read_bytes().replace(b"\n", b"\r\n"))
    project.restore_good_db()
    done = run_pipeline(project.root, "--select", f"{SEED}+", publish_dir=Path("warehouse-crlf"))
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    good, crlf = project.publish_dir / "digital_city.duckdb", project.root / "warehouse-crlf" / "digital_city.duckdb"
    with duckdb.connect() as con:
        con.execute(f"attach '{good}' as good (read_only)")
        con.execute(f"attach '{crlf}' as crlf (read_only)")
        marts = [name for (name,) in con.execute(
            "select table_name from information_schema.tables where table_catalog = 'good' "
            "and table_schema = 'marts' and table_type = 'BASE TABLE' order by 1").fetchall()]
        assert marts
        for mart in marts:
            checksums = [con.execute(f"select count(*), sum(hash(t)) from {db}.marts.{mart} as t").fetchone()
                         for db in ("good", "crlf")]
            assert checksums[0] == checksums[1], f"{mart} differs when {SEED_CSV} has CRLF line endings"


def test_a_quote_edited_away_from_the_report_fails_make_test(project: BuiltProject) -> None:
    """The report text is not part of a build, so the quote check is a test of `make test`: it must catch this."""
    report = quotes.report_text_path()
    if not report.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"the report text is missing at {report}: CI always has it beside the checkout")
        pytest.skip(f"report text not found at {report}; the quote check cannot run here")
    set_cell("quote_zh", "此句不在报告中")(project.root / SEED_CSV)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "digital_city/tests/test_quotes.py::test_every_seed_quote_is_verbatim_in_the_report"],
        cwd=project.root, env={**pipeline_env(project.root), "DIGITAL_CITY_REPORT_TEXT": str(report.resolve())},
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 1, done.stdout[-3000:]
    assert f"{SEED}.csv line 3" in done.stdout and "此句不在报告中" in done.stdout, done.stdout[-3000:]
