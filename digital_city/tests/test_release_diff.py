"""The release diff: what each publish changes against the release it replaces, and the stop for lost rows.

Small work databases written here, published by the real `publish` (without the Great Expectations validator,
which needs the project's marts): a second of work per publish.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from digital_city.publishing import release
from digital_city.publishing.diff import ALLOW_ROW_LOSS_ENV
from digital_city.tests.project_copy import published_digests


def write_work_db(path: Path, statements: list[str]) -> None:
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()


BASE = [
    "create table marts.dim_thing (thing_key integer primary key, label varchar not null, size decimal(6,2))",
    "insert into marts.dim_thing values (1, 'one', 1.5), (2, 'two', 2.5), (3, 'three', 3.5)",
    "create table marts.fct_pair (a integer, b varchar, n integer, primary key (a, b))",
    "insert into marts.fct_pair values (1, 'x', 10), (1, 'y', 11)",
]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "seeds").mkdir(parents=True)
    (root / "seeds" / "lkp_thing.csv").write_text("thing_key,label\n1,one\n", encoding="utf-8")
    return root


def publish(work_db: Path, publish_dir: Path, repo: Path) -> release.Published:
    return release.publish(work_db, publish_dir, repo)


def test_the_diff_counts_rows_by_primary_key_and_columns_and_is_printed(tmp_path: Path, repo: Path) -> None:
    work_db, publish_dir = tmp_path / "work.duckdb", tmp_path / "warehouse"
    write_work_db(work_db, BASE)
    first = publish(work_db, publish_dir, repo)
    assert first.manifest["diff"] is None
    assert "first release here" in release.published_message(first, publish_dir)

    write_work_db(work_db, [
        "create table marts.dim_thing (thing_key integer primary key, label varchar not null, size decimal(6,2), "
        "colour varchar)",
        "insert into marts.dim_thing values (1, 'one', 1.5, 'red'), (2, 'TWO', 2.5, null), (3, 'three', 3.5, null), "
        "(4, 'four', null, null)",
        *BASE[2:],
        "insert into marts.fct_pair values (2, 'x', 12)",
        "create table marts.fct_new (k integer primary key)",
        "insert into marts.fct_new values (1)",
    ])
    second = publish(work_db, publish_dir, repo)
    diff = second.manifest["diff"]
    assert diff["against"] == first.release_id and diff["seeds_changed"] is False
    thing = diff["marts"]["dim_thing"]
    # Row 2's label changed; rows 1 and 3 differ only in the new column, which is not compared.
    assert (thing["rows_added"], thing["rows_removed"], thing["rows_changed"]) == (1, 0, 1)
    assert thing["columns_added"] == ["colour"] and thing["columns_removed"] == [] and thing["key"] == ["thing_key"]
    pair = diff["marts"]["fct_pair"]
    assert (pair["rows_added"], pair["rows_removed"], pair["rows_changed"], pair["key"]) == (1, 0, 0, ["a", "b"])
    assert diff["marts"]["fct_new"]["status"] == "added"
    # The manifest on disk says the same, and make build prints it.
    assert release.Warehouse(publish_dir).manifest(second.release_id)["diff"] == diff
    printed = release.published_message(second, publish_dir)
    assert f"release diff against {first.release_id} (seeds unchanged)" in printed
    assert "dim_thing: added 1 row(s), changed 1 row(s), columns added: colour" in printed
    assert "fct_new: mart added (1 rows)" in printed


def test_a_mart_that_loses_rows_with_unchanged_seeds_stops_the_publish_before_the_switch(
    tmp_path: Path, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work_db, publish_dir = tmp_path / "work.duckdb", tmp_path / "warehouse"
    write_work_db(work_db, BASE)
    first = publish(work_db, publish_dir, repo)
    before = published_digests(publish_dir)

    write_work_db(work_db, [*BASE, "delete from marts.dim_thing where thing_key = 2"])
    monkeypatch.delenv(ALLOW_ROW_LOSS_ENV, raising=False)
    with pytest.raises(release.ReleaseRejected) as stopped:
        publish(work_db, publish_dir, repo)
    message = str(stopped.value)
    assert "dim_thing: 1 row(s) removed (by primary key thing_key)" in message
    assert "no seed changed" in message and ALLOW_ROW_LOSS_ENV in message
    assert published_digests(publish_dir) == before
    assert release.Warehouse(publish_dir).release_ids() == [first.release_id]

    # The same loss with a changed seed is data, not a bug: published, and the diff says so.
    (repo / "seeds" / "lkp_thing.csv").write_text("thing_key,label\n1,one\n3,three\n", encoding="utf-8")
    second = publish(work_db, publish_dir, repo)
    assert second.manifest["diff"]["seeds_changed"] is True
    assert second.manifest["diff"]["marts"]["dim_thing"]["rows_removed"] == 1

    # And an intended loss with the same seeds goes through when the builder says so.
    write_work_db(work_db, [*BASE, "delete from marts.dim_thing where thing_key in (2, 3)"])
    monkeypatch.setenv(ALLOW_ROW_LOSS_ENV, "1")
    third = publish(work_db, publish_dir, repo)
    assert third.manifest["diff"]["marts"]["dim_thing"]["rows_removed"] == 1
