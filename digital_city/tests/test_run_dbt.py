from pathlib import Path
from types import SimpleNamespace

import duckdb
from dbt.artifacts.schemas.results import TestStatus

from digital_city.pipeline.dbt_runner import (
    FailedTest,
    FailingRows,
    failed_tests,
    fetch_failing_rows,
    format_failure,
    manifest_path,
    with_empty_selection_check,
)


def test_node_commands_make_an_empty_selection_an_error():
    flag = ["--warn-error-options", '{"error": ["NoNodesForSelectionCriteria"]}']
    assert with_empty_selection_check(["build", "--select", "x"]) == ["build", "--select", "x", *flag]
    # dbt refuses --warn-error together with --warn-error-options; --warn-error already covers the warning.
    assert with_empty_selection_check(["build", "--warn-error"]) == ["build", "--warn-error"]
    assert with_empty_selection_check(["parse"]) == ["parse"]
    assert with_empty_selection_check([]) == []


def _test_node(name, status, column="program_key", rule="unique", sql="select 1"):
    node = SimpleNamespace(
        name=name,
        resource_type="test",
        attached_node="seed.digital_city.report_pilot_programs",
        column_name=column,
        test_metadata=SimpleNamespace(name=rule, kwargs={}),
        original_file_path="seeds/report/report_pilot_programs.yml",
        compiled_code=sql,
        depends_on=SimpleNamespace(nodes=["seed.digital_city.report_pilot_programs"]),
    )
    return SimpleNamespace(node=node, status=status, message="Got 1 result, configured to fail if != 0")


def test_failed_tests_name_the_seed_file_column_and_rule():
    result = SimpleNamespace(
        result=SimpleNamespace(
            results=[
                _test_node("unique_report_pilot_programs_program_key", TestStatus.Fail),
                _test_node("not_null_report_pilot_programs_note", TestStatus.Pass, column="note"),
            ]
        )
    )
    nodes = {
        "seed.digital_city.report_pilot_programs": {
            "resource_type": "seed",
            "name": "report_pilot_programs",
            "original_file_path": "seeds/report/report_pilot_programs.csv",
        }
    }
    (failed,) = failed_tests(result, nodes)
    assert failed.tested == "seed report_pilot_programs"
    assert failed.tested_path == "seeds/report/report_pilot_programs.csv"
    assert (failed.column, failed.rule, failed.status, failed.sql) == ("program_key", "unique", "fail", "select 1")


def test_format_failure_lists_rows_and_nulls():
    test = FailedTest(
        name="unique_x_k",
        status="fail",
        rule="unique",
        tested="seed x",
        tested_path="seeds/report/x.csv",
        column="k",
        defined_in="seeds/report/report_pilot_programs.yml",
        message="Got 1 result, configured to fail if != 0",
        sql="select 1",
    )
    text = format_failure(test, FailingRows(["unique_field", "n_records"], [["a" * 70, 2], [None, 3]]))
    assert text.splitlines() == [
        "FAIL unique_x_k",
        "  tested: seed x (seeds/report/x.csv)",
        "  column: k",
        "  rule:   unique (defined in seeds/report/report_pilot_programs.yml)",
        "  result: Got 1 result, configured to fail if != 0",
        "  first 2 failing row(s):",
        "    unique_field=" + "a" * 59 + "…, n_records=2",
        "    unique_field=null, n_records=3",
    ]
    unreadable = format_failure(test, FailingRows([], [], "no such table"))
    assert unreadable.endswith("failing rows not shown: no such table")


def test_fetch_failing_rows_reads_at_most_five_rows_read_only(tmp_path: Path):
    database = tmp_path / "w.duckdb"
    con = duckdb.connect(str(database))
    con.execute("create table t as select range as k from range(9)")
    con.close()
    good, broken = fetch_failing_rows(str(database), ["select k from t where k > 1 order by k", "select * from nope"])
    assert good == FailingRows(["k"], [[2], [3], [4], [5], [6]])
    assert broken.error and "nope" in broken.error


def test_manifest_path_follows_target_path_and_project_dir():
    args = ["build", "--target-path", "target_qa", "--project-dir", "/p"]
    assert manifest_path(args) == Path("/p/target_qa/manifest.json")
    assert manifest_path(["build", "--target-path=/abs/t"]) == Path("/abs/t/manifest.json")
