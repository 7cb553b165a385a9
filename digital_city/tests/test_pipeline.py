from pathlib import Path

import pytest

from digital_city.pipeline import build as pipeline
from digital_city.pipeline.build import Options, build, dbt_args


def options(tmp_path: Path, **changes) -> Options:
    return Options(project_dir=tmp_path, work_db=tmp_path / "w" / "db.duckdb", publish_dir=tmp_path / "pub", **changes)


def test_dbt_args_carry_selection_and_strictness(tmp_path):
    args = dbt_args(options(tmp_path, select="a+", exclude="b", target="ci", target_path="t", warn_error=True))
    assert args == [
        "build", "--project-dir", str(tmp_path), "--profiles-dir", str(tmp_path),
        "--target", "ci", "--target-path", "t", "--select", "a+", "--exclude", "b", "--warn-error",
    ]
    assert "--warn-error" not in dbt_args(options(tmp_path))


@pytest.mark.parametrize("failing", ["seed check", "dbt build", "publish"])
def test_a_failed_step_stops_the_pipeline(tmp_path, monkeypatch, capsys, failing):
    ran: list[str] = []

    def step(name: str):
        def run(_: Options) -> int:
            ran.append(name)
            return 1 if name == failing else 0

        return run

    monkeypatch.setattr(pipeline, "STEPS", tuple((name, step(name)) for name, _ in pipeline.STEPS))
    monkeypatch.chdir(tmp_path)
    assert build(options(tmp_path)) == 1
    names = [name for name, _ in pipeline.STEPS]
    assert ran == names[: names.index(failing) + 1]
    assert f"pipeline stopped at {failing}" in capsys.readouterr().err


def test_a_full_build_starts_from_an_empty_work_database(tmp_path, monkeypatch):
    calls: list[list[str]] = []
    monkeypatch.setattr("digital_city.pipeline.dbt_runner.run", lambda args, callbacks=None: calls.append(args) or 0)
    stale = tmp_path / "w" / "db.duckdb"
    stale.parent.mkdir()
    stale.write_text("old")
    assert pipeline.dbt_step(options(tmp_path)) == 0
    assert not stale.exists()
    stale.write_text("kept")
    assert pipeline.dbt_step(options(tmp_path, select="x")) == 0
    assert stale.read_text() == "kept"
    assert len(calls) == 2
