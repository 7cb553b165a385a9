import re
from pathlib import Path

import duckdb
import pytest

from digital_city.validation.suites import SUITES, Reference, Suite, Total
from digital_city.validation.expectations import main, read_marts, validate
from digital_city.project import ROOT


TINY_SUITES = (
    Suite(
        mart="dim_thing",
        min_rows=2,
        max_rows=3,
        keys=("thing_key",),
        not_null=("label_zh",),
        ranges={"share_pct": (0, 100)},
        value_sets={"kind": ("a", "b")},
    ),
    Suite(
        mart="fct_thing_year",
        min_rows=1,
        max_rows=None,
        compound_keys=(("thing_key", "year"),),
        references=(Reference("thing_key", "dim_thing", "thing_key"),),
        totals=(Total("all_count", "fct_thing_year", "n"),),
    ),
)


def make_db(path: Path, extra_sql: str = "") -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(
        "create table marts.dim_thing as select * from (values ('t1', '甲', 10.5, 'a'), ('t2', '乙', 100.0, 'b'))"
        " as v (thing_key, label_zh, share_pct, kind)"
    )
    con.execute(
        "create table marts.fct_thing_year as select * from (values ('t1', 2019, 2, 5), ('t1', 2020, 3, 5))"
        " as v (thing_key, year, n, all_count)"
    )
    if extra_sql:
        con.execute(extra_sql)
    con.close()
    return path


def test_clean_marts_pass(tmp_path, capsys):
    assert validate(make_db(tmp_path / "w.duckdb"), TINY_SUITES) == 0
    out = capsys.readouterr().out
    assert "dim_thing: 6/6 expectations" in out
    assert "fct_thing_year: 4/4 expectations" in out


@pytest.mark.parametrize(
    ("fault", "named"),
    [
        ("insert into marts.dim_thing values ('t1', '丙', 1, 'a')", r"dim_thing: 5/6 .*\n  - unique\(thing_key\)"),
        ("update marts.dim_thing set label_zh = null where thing_key = 't2'", r"not null\(label_zh\)"),
        ("update marts.dim_thing set share_pct = 140 where thing_key = 't2'", r"share_pct between 0 and 100 .*140"),
        ("update marts.dim_thing set kind = 'z'", r"kind in \['a', 'b'\].*'z'"),
        ("insert into marts.fct_thing_year values ('t1', 2020, 0, 5)", r"unique\(thing_key, year\)"),
        ("insert into marts.fct_thing_year values ('t9', 2021, 0, 5)", r"thing_key exists in dim_thing.thing_key.*t9"),
        ("update marts.fct_thing_year set n = 4 where year = 2020", r"all_count equals sum of fct_thing_year.n \(6\)"),
        ("delete from marts.dim_thing where thing_key = 't2'", r"row count 2..3 .*observed 1"),
        ("create table marts.fct_orphan as select 1 as k", r"fct_orphan: no expectation suite"),
        ("drop table marts.fct_thing_year", r"fct_thing_year: 0/1 .*\n  - table marts.fct_thing_year does not exist"),
    ],
)
def test_each_fault_fails_and_names_the_expectation(tmp_path, capsys, fault, named):
    assert validate(make_db(tmp_path / "w.duckdb", fault), TINY_SUITES) == 1
    out = capsys.readouterr().out
    assert re.search(named, out), out


def test_date_ranges_take_iso_strings(tmp_path, capsys):
    days = (Suite("dim_day", min_rows=1, max_rows=None, keys=("day",), ranges={"day": ("2020-01-01", "2020-12-31")}),)
    good = "create table marts.dim_day as select date '2020-02-29' as day"
    assert validate(make_db(tmp_path / "good.duckdb", good), days + TINY_SUITES) == 0
    bad = "create table marts.dim_day as select unnest([date '2020-02-29', date '2021-01-01']) as day"
    assert validate(make_db(tmp_path / "bad.duckdb", bad), days + TINY_SUITES) == 1
    out = capsys.readouterr().out
    assert "day between 2020-01-01 and 2020-12-31 [ExpectColumnValuesToBeBetween]: 1 unexpected" in out


def test_database_is_opened_read_only(tmp_path):
    path = make_db(tmp_path / "w.duckdb")
    writer = duckdb.connect(str(path))
    try:
        with pytest.raises(duckdb.Error):
            read_marts(path)
    finally:
        writer.close()


def test_cli_rejects_a_missing_database(tmp_path):
    assert main(["--db", str(tmp_path / "none.duckdb")]) == 2


def test_every_mart_model_has_a_suite():
    marts = {p.stem for p in (ROOT / "models" / "marts").rglob("*.sql")}
    assert marts, "no mart models found"
    assert marts <= {s.mart for s in SUITES}, f"marts without a suite: {sorted(marts - {s.mart for s in SUITES})}"


def test_suite_names_are_unique():
    names = [s.mart for s in SUITES]
    assert len(names) == len(set(names))
