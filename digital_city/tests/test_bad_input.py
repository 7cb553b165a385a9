"""Bad input never reaches readers: one fault at a time is injected into a seed of a built copy of the project, and
the real pipeline (python -m digital_city build, as `make build` runs it) must fail, name the file, column and rule, and
leave the published database and Parquet release byte-for-byte unchanged.

Faults the seed check catches stop before dbt; the others rebuild only the broken seed (and its tests) on a copy
of the good work database, so a case costs one dbt start, not a full build.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from digital_city.tests.project_copy import BuiltProject, published_digests, run_pipeline

SEED = "report_pilot_programs"
SEED_CSV = f"seeds/report/{SEED}.csv"
KEY, COUNT, CODE, NAME = "program_key", "designation_count", "lead_ministry_code", "program_name_zh"
LINE = 3  # the second data row: header is line 1


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
    # A well-formed but wrong count: dbt's tests allow it; the release no longer adds up to the report's 749.
    Fault(
        "wrong count (caught by great expectations)",
        set_cell(COUNT, "0"),
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
