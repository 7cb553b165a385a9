from collections import Counter

from digital_city.bench import Figure, NodeCounts, count_nodes, markdown_table, result_statuses

MANIFEST = {
    "metadata": {"project_name": "digital_city"},
    "nodes": {
        "seed.digital_city.a": {"resource_type": "seed", "package_name": "digital_city"},
        "model.digital_city.b": {"resource_type": "model", "package_name": "digital_city"},
        "model.digital_city.c": {"resource_type": "model", "package_name": "digital_city"},
        "test.digital_city.d": {"resource_type": "test", "package_name": "digital_city"},
        "model.other_package.e": {"resource_type": "model", "package_name": "other_package"},
        "analysis.digital_city.f": {"resource_type": "analysis", "package_name": "digital_city"},
    },
    "unit_tests": {"unit_test.digital_city.b.u": {"package_name": "digital_city"}},
}


def test_count_nodes_counts_only_the_projects_own_nodes_by_kind():
    counts = count_nodes(MANIFEST)
    assert counts == NodeCounts(seeds=1, models=2, data_tests=1, unit_tests=1)
    assert counts.total == 5


def test_count_nodes_of_an_empty_manifest_is_zero():
    assert count_nodes({}).total == 0


def test_result_statuses_tally_each_status():
    run_results = {"results": [{"status": "success"}, {"status": "pass"}, {"status": "pass"}, {"status": "error"}]}
    assert result_statuses(run_results) == Counter({"pass": 2, "success": 1, "error": 1})


def test_markdown_table_has_header_separator_and_one_row_per_figure():
    table = markdown_table([Figure("dbt parse", "3.2 s"), Figure("seeds", "12", "report seeds")])
    assert table.splitlines() == [
        "| measure | value | note |",
        "| --- | ---: | --- |",
        "| dbt parse | 3.2 s |  |",
        "| seeds | 12 | report seeds |",
    ]


def test_threads_used_counts_distinct_worker_threads():
    from digital_city.bench import threads_used

    results = {"results": [{"thread_id": "Thread-1"}, {"thread_id": "Thread-2"}, {"thread_id": "Thread-1"}, {}]}
    assert threads_used(results) == 2


def test_reference_project_is_written_with_its_declared_node_count(tmp_path):
    import csv

    from digital_city.bench_reference import CUSTOMERS, ORDERS, write_reference_project

    nodes = write_reference_project(tmp_path / "reference")
    root = tmp_path / "reference"
    assert nodes == 3 + 4 + 9
    assert len(list((root / "models").rglob("*.sql"))) == 4
    with (root / "seeds" / "orders.csv").open(encoding="utf-8") as rows:
        orders = list(csv.DictReader(rows))
    assert len(orders) == ORDERS
    assert {int(row["customer_id"]) for row in orders} <= set(range(1, CUSTOMERS + 1))


def test_step_seconds_reads_the_pipelines_step_lines(tmp_path):
    from digital_city.bench import step_seconds

    log = tmp_path / "build.log"
    log.write_text("=== seed check\n--- seed check ok (1.6s)\nnoise --- x ok (9s)\n--- dbt build ok (22.7s)\n")
    assert step_seconds(log) == {"seed check": 1.6, "dbt build": 22.7}


def test_seconds_by_kind_sums_execution_time_per_node_kind():
    from digital_city.bench import seconds_by_kind

    results = {"results": [
        {"unique_id": "model.p.a", "execution_time": 0.5},
        {"unique_id": "model.p.b", "execution_time": 0.25},
        {"unique_id": "test.p.c", "execution_time": 0.125},
    ]}
    assert seconds_by_kind(results) == {"model": 0.75, "test": 0.125}
