from pathlib import Path

import pytest

from digital_city.pipeline.seed_check import (
    ROOT, RULES_DOC, Problem, check_csv, check_seeds, column_type, declared_seeds, main, rules_doc,
)

TYPES = {"k": "varchar", "n": "integer", "share": "decimal(6,2)", "day": "date", "flag": "boolean", "x": "double"}
GOOD = "k,n,share,day,flag,x\na,1,12.50,2020-10-01,true,1.5e3\nb,,,,,\n"


def write_seed(tmp_path: Path, body: bytes | str, types: dict[str, str] | None = TYPES) -> Path:
    seeds = tmp_path / "seeds" / "report"
    seeds.mkdir(parents=True, exist_ok=True)
    entry = "  - name: s\n"
    if types is not None:
        entry += "    config:\n      column_types:\n" + "".join(f"        {c}: {t}\n" for c, t in types.items())
    (seeds / "_s.yml").write_text("version: 2\nseeds:\n" + entry, encoding="utf-8")
    path = seeds / "s.csv"
    path.write_bytes(body.encode("utf-8") if isinstance(body, str) else body)
    return path


def problems(tmp_path: Path, body: bytes | str, types: dict[str, str] | None = TYPES) -> list[str]:
    write_seed(tmp_path, body, types)
    return [str(p) for p in check_seeds(tmp_path / "seeds", tmp_path)]


def test_good_seed_and_blank_cells_pass(tmp_path):
    assert problems(tmp_path, GOOD) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", "seeds/report/s.csv: empty file (no header and no rows)"),
        ("k,n,share,day,flag,x\n", "seeds/report/s.csv line 1: empty file (header but no rows)"),
        ("\ufeff" + GOOD, "seeds/report/s.csv line 1 column k: byte-order mark"),
        (GOOD.replace("b,,", "b,,,"), "seeds/report/s.csv line 3: ragged row (7 fields, header has 6)"),
        (GOOD.replace(",x\n", ",x,extra\n").replace("1.5e3\n", "1.5e3,1\n").replace(",,\n", ",,,\n"),
         "seeds/report/s.csv line 1 column extra: extra column"),
        (GOOD.replace(",flag", "").replace(",true", "").replace(",,\n", ",\n"),
         "seeds/report/s.csv line 1 column flag: missing column"),
        (GOOD.replace("a,1,", "a,one,"), "seeds/report/s.csv line 2 column n: not integer (DuckDB cannot read 'one' as INTEGER)"),
        (GOOD.replace("a,1,", "a,3000000000,"), "column n: not integer (DuckDB cannot read '3000000000' as INTEGER)"),
        (GOOD.replace("12.50", "12.505"), "column share: not decimal(6,2) (more than 2 decimal places"),
        (GOOD.replace("12.50", "12345.5"), "column share: not decimal(6,2) (more than 4 digits before the point"),
        (GOOD.replace("12.50", "12%"), "column share: not decimal(6,2) (DuckDB cannot read '12%'"),
        (GOOD.replace("2020-10-01", "2020-02-30"), "column day: not date (DuckDB cannot read '2020-02-30' as DATE)"),
        (GOOD.replace("2020-10-01", "01/10/2020"), "column day: not date (DuckDB cannot read '01/10/2020' as DATE)"),
        (GOOD.replace("true", "yes"), "column flag: not boolean (not true/false"),
        (GOOD.replace("1.5e3", "1,5"), "line 2: ragged row"),
        (GOOD.replace("1.5e3", "n/a"), "column x: not double (DuckDB cannot read 'n/a' as DOUBLE)"),
        (GOOD + "\n", "line 4: blank line"),
    ],
)
def test_each_rule_names_file_line_and_column(tmp_path, body, expected):
    found = problems(tmp_path, body)
    assert any(expected in p for p in found), found


def test_broken_utf8_reports_its_line(tmp_path):
    body = GOOD.encode("utf-8").replace(b"b,,", b"\xe4\xb8,,")
    assert problems(tmp_path, body) == [
        "seeds/report/s.csv line 3 column k: invalid UTF-8 (byte e4 b8 at offset 53)"
    ]


def test_broken_utf8_inside_a_later_column_names_that_column(tmp_path):
    body = GOOD.encode("utf-8").replace(b"2020-10-01", b"2020-\xff0-01")
    assert problems(tmp_path, body) == [
        "seeds/report/s.csv line 2 column day: invalid UTF-8 (byte ff at offset 36)"
    ]


def test_multiline_quoted_field_keeps_line_numbers(tmp_path):
    """A line break inside a cell is a control character (a cell is one line); the lines after it still count."""
    body = 'k,n,share,day,flag,x\n"two\nlines",1,,,,\nc,bad,,,,\n'
    assert problems(tmp_path, body) == [
        "seeds/report/s.csv line 2 column k: control or format character (U+000A '\\n' at character 4 of "
        "'two\\nlines': a cell is one line of visible text, and an invisible character makes a key or label that "
        "prints the same but differs)",
        "seeds/report/s.csv line 4 column n: not integer (DuckDB cannot read 'bad' as INTEGER)",
    ]


def test_missing_file_undeclared_seed_and_missing_column_types(tmp_path):
    path = write_seed(tmp_path, GOOD)
    path.rename(path.with_name("other.csv"))
    found = [str(p) for p in check_seeds(tmp_path / "seeds", tmp_path)]
    assert found == [
        "seeds/report/s.csv: file missing (declared in seeds/report/_s.yml)",
        "seeds/report/other.csv: undeclared seed (no yml entry with column_types)",
    ]
    (tmp_path / "seeds" / "report" / "other.csv").unlink()
    assert problems(tmp_path, GOOD, types=None) == [
        "seeds/report/s.csv: no column_types (declare them in seeds/report/_s.yml)"
    ]


def test_unknown_declared_type_is_a_problem(tmp_path):
    assert problems(tmp_path, "k\na\n", {"k": "geometry"}) == [
        "seeds/report/s.csv line 1 column k: unsupported declared type (geometry)"
    ]


def test_a_column_of_bad_values_is_capped(tmp_path):
    body = "k,n\n" + "".join(f"r{i},x\n" for i in range(20))
    types = {"k": "varchar", "n": "integer"}
    found = check_csv(write_seed(tmp_path, body, types), types, tmp_path)
    assert len(found) == 6
    assert found[-1] == Problem("seeds/report/s.csv", "not integer", "further lines not listed", column="n")


def test_strict_rules_where_duckdb_would_change_a_value(tmp_path):
    """DuckDB's cast rounds 5.5 into an INTEGER and 12.505 into DECIMAL(6,2), and reads "yes" as true: not here."""
    assert column_type("SMALLINT").rule("5.5") == "a fraction, which DuckDB would round to a whole number"
    assert column_type("bigint").rule("-9") is None
    assert column_type("integer").rule("ninety") is None  # not a number at all: DuckDB's cast reports it
    assert column_type("decimal(20,4)").rule("-0.5") is None
    assert column_type("decimal(6,2)").rule("1.005") == "more than 2 decimal places"
    assert column_type("boolean").rule("yes") == "not true/false"
    assert column_type("varchar").rule is None
    assert column_type("interval") is None
    found = problems(tmp_path, GOOD.replace("a,1,", "a,5.5,"))
    assert found == ["seeds/report/s.csv line 2 column n: not integer (a fraction, which DuckDB would round to a "
                     "whole number: '5.5')"]


def test_surrounding_whitespace_is_a_problem(tmp_path):
    assert problems(tmp_path, GOOD.replace("a,1,", "a ,1,")) == [
        "seeds/report/s.csv line 2 column k: surrounding whitespace ('a ': trim it (keys and labels must match "
        "exactly))"
    ]


def test_project_seeds_pass(capsys):
    assert main(["--project-dir", str(ROOT)]) == 0
    assert "seed check passed" in capsys.readouterr().out


def test_docs_rule_table_matches_the_declarations():
    doc = (ROOT / RULES_DOC).read_text(encoding="utf-8")
    assert doc == rules_doc(doc, declared_seeds(ROOT / "seeds")), (
        "docs/seeds.md is out of date: run .venv/bin/python -m digital_city seed-check --write-rules"
    )


def test_the_postgres_build_stops_at_the_seed_check(tmp_path, capsys):
    """The team-server build runs the seed check first too: a bad seed never reaches a staging schema."""
    from digital_city.postgres import blue_green

    class NoServer:
        def connect(self, role):
            raise AssertionError(f"the build connected as {role} despite a bad seed")

    write_seed(tmp_path, GOOD.replace("a,1,", "a,one,"))
    result = blue_green.build(NoServer(), project_dir=tmp_path, target_path=tmp_path / "target")
    assert (result.code, result.switched) == (1, False)
    assert "column n: not integer" in capsys.readouterr().err
