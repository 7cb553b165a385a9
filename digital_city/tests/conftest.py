"""Session fixtures: one copy of the project, built once by the real pipeline, serves the bad-input and
structure tests (see project_copy.py)."""

from __future__ import annotations

import importlib.util

import pytest

from digital_city.tests.project_copy import BuiltProject, build_project_copy


@pytest.fixture(scope="session")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> BuiltProject:
    try:
        return build_project_copy(tmp_path_factory.mktemp("project"), tmp_path_factory.mktemp("pristine") / "seeds")
    except RuntimeError as error:
        pytest.fail(str(error))


# test_spark.py runs in .venv-spark (`make test-spark`, its own CI step after `make test`), where pyspark is; the
# main environment has none, so its pytest run leaves the file out instead of failing on the import.
collect_ignore = [] if importlib.util.find_spec("pyspark") else ["test_spark.py"]
