from types import SimpleNamespace

from dcw.run_dbt import executed_node_count


def test_empty_selection_counts_zero_nodes():
    assert executed_node_count(SimpleNamespace(result=SimpleNamespace(results=[]))) == 0


def test_commands_without_node_results_are_not_counted():
    assert executed_node_count(SimpleNamespace(result=None)) is None
