"""Every shell command of the README's (and docs/*.md's) ```sh blocks runs as written on a fresh build, so the README cannot drift.

The fresh build is the session's project copy, built by the real pipeline as `make build` builds it
(conftest.py), with the repository's .venv linked in. Excepted: `make` lines (make test is what runs this) and
commands with a `<placeholder>` the reader fills in.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from digital_city.project import ROOT
from digital_city.tests.project_copy import BuiltProject, pipeline_env

SH_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.DOTALL | re.MULTILINE)
PLACEHOLDER = re.compile(r"<[A-Za-z_][\w-]*>")


def complete(command: str) -> bool:
    if command.rstrip().endswith("\\"):
        return False
    try:
        shlex.split(command, comments=True)
    except ValueError:  # an open quote: the command goes on on the next line
        return False
    return True


def commands(markdown: str) -> list[str]:
    """Each complete shell command of the ```sh blocks (quoted strings and `\\` may span lines), comments dropped."""
    found = []
    for block in SH_BLOCK.findall(markdown):
        pending = ""
        for line in block.splitlines():
            if not pending and (not line.strip() or line.lstrip().startswith("#")):
                continue
            pending = f"{pending}\n{line}" if pending else line
            if complete(pending):
                found.append(pending)
                pending = ""
        assert not pending, f"unfinished command in a sh block: {pending!r}"
    return found


def runnable(command: str) -> bool:
    return not command.lstrip().startswith("make ") and not PLACEHOLDER.search(command)


# The README and the docs it links to: every page a user copies commands from. docs/benchmarks.md is left out:
# its commands are the benchmark itself (minutes each, test_bench.py runs it) and `make bench` runs them.
DOCUMENTS = [ROOT / "README.md", *sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "benchmarks.md")]
README_COMMANDS = [c for d in DOCUMENTS for c in commands(d.read_text(encoding="utf-8")) if runnable(c)]


def test_the_extractor_joins_continued_lines_and_open_quotes_and_drops_comments():
    text = "```sh\n# a comment\nmake build   # x\n.venv/bin/duckdb a \\\n  \"select 1\"\npython -c \"print(1,\n 2)\"\n```\n"
    assert commands(text) == ["make build   # x", '.venv/bin/duckdb a \\\n  "select 1"', 'python -c "print(1,\n 2)"']
    assert not runnable("make build") and not runnable("dbt build --target-path target_<you>")


def test_the_readme_has_commands_to_run():
    # The query examples, the claim checks and the semantic layer: a README that lost them would pass vacuously.
    assert len(README_COMMANDS) >= 4, README_COMMANDS
    assert any(c.startswith(".venv/bin/duckdb -readonly warehouse/") for c in README_COMMANDS)


@pytest.mark.parametrize("command", README_COMMANDS, ids=[c.split("\n")[0][:60] for c in README_COMMANDS])
def test_readme_command_runs_on_a_fresh_build(command: str, built_project: BuiltProject):
    venv = built_project.root / ".venv"
    if not venv.exists():
        venv.symlink_to(ROOT / ".venv", target_is_directory=True)
    env = pipeline_env(built_project.root)
    env.pop("VIRTUAL_ENV", None)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(ROOT)))
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", command],
        cwd=built_project.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    assert done.stdout.strip(), "the command printed nothing"
