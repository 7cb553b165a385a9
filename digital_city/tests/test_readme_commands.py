"""Every shell command of the README's (and docs/*.md's) ```sh blocks runs as written on a fresh build and prints
what the document says it prints, so the README cannot drift.

A README block is followed by `<!-- expect: a | b -->`: the block's commands must exit 0 and their output hold every
substring. A docs/ block may carry the same comment; one without must exit 0 and print something. A `<placeholder>`
is run with the real value in PLACEHOLDERS below. Only the commands of NOT_RUN are not run, each with its reason,
and the README's commands are counted, so a block the extractor misses or skips fails instead of passing unseen.

The fresh build is the session's project copy, built by the real pipeline as `make build` builds it (conftest.py),
with the repository's .venv linked in.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from digital_city.project import ROOT
from digital_city.tests.project_copy import BuiltProject, pipeline_env

FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n(?:<!-- expect: (.*?) -->\n)?", re.DOTALL | re.MULTILINE)
PLACEHOLDER = re.compile(r"<[A-Za-z_][\w-]*>")
# A placeholder's real value when the test runs the command.
PLACEHOLDERS = {"<model>": "dim_city_driver", "<you>": "readme"}
# Commands the test does not run, and why. Any other command runs.
NOT_RUN = {
    "make build": "the session's project copy is built by the same pipeline (conftest.py, project_copy.py)",
    "make test": "make test is what runs this test",
    "make build && make report": "test_report.py renders the report from the test build",
    "make dashboards": "test_dashboards.py starts Superset on a free port with its own home",
    "make dashboards-stop": "test_dashboards.py stops and restarts it",
    "make postgres": "test_postgres.py starts its own cluster on a free port",
    "make postgres-build": "test_postgres.py builds and switches the marts on it",
    "make postgres-stop": "test_postgres.py stops it",
    "make rollback": "it would switch the shared test build back; test_publish.py rolls back its own warehouse",
    ".venv/bin/python -m digital_city rollback --to <id>": "as make rollback; test_publish.py covers --to",
}
# How many commands the README's blocks hold: a block lost by the extractor changes the count.
README_COMMANDS = 9


@dataclass(frozen=True)
class Block:
    document: str
    commands: tuple[str, ...]
    expect: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.document}: {self.commands[0].splitlines()[0][:60]}"


def complete(command: str) -> bool:
    if command.rstrip().endswith("\\"):
        return False
    try:
        shlex.split(command, comments=True)
    except ValueError:  # an open quote: the command goes on on the next line
        return False
    return True


def split_commands(block: str) -> list[str]:
    """Each complete shell command of a block (quoted strings and `\\` may span lines), comment lines dropped."""
    found, pending = [], ""
    for line in block.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending = f"{pending}\n{line}" if pending else line
        if complete(pending):
            found.append(pending)
            pending = ""
    assert not pending, f"unfinished command in a sh block: {pending!r}"
    return found


def blocks(document: str, markdown: str) -> list[Block]:
    found = []
    for language, body, expect in FENCE.findall(markdown):
        # Shell in another fence would never run: one spelling, ```sh, for commands to copy.
        assert language not in {"bash", "shell", "console", "zsh"}, f"{document}: a ```{language} block: use ```sh"
        if language == "sh":
            expected = tuple(s.strip() for s in expect.split("|") if s.strip())
            found.append(Block(document, tuple(split_commands(body)), expected))
    return found


def without_comment(command: str) -> str:
    return command.split("  #")[0].strip()


def to_run(command: str) -> str:
    for placeholder in PLACEHOLDER.findall(command):
        assert placeholder in PLACEHOLDERS, f"no value for {placeholder} in PLACEHOLDERS: {command!r}"
        command = command.replace(placeholder, PLACEHOLDERS[placeholder])
    return command


# The README and the docs it links to: every page a user copies commands from. docs/benchmarks.md is left out:
# its commands are the benchmark itself (minutes each, test_bench.py runs it) and `make bench` runs them.
DOCUMENTS = [ROOT / "README.md", *sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "benchmarks.md")]
BLOCKS = [b for d in DOCUMENTS for b in blocks(d.relative_to(ROOT).as_posix(), d.read_text(encoding="utf-8"))]
RUNNABLE = [b for b in BLOCKS if any(without_comment(c) not in NOT_RUN for c in b.commands)]


def test_the_extractor_joins_continued_lines_and_open_quotes_and_reads_expectations():
    text = ("```sh\n# a comment\nmake build   # x\n.venv/bin/duckdb a \\\n  \"select 1\"\npython -c \"print(1,\n 2)\"\n```\n"
            "<!-- expect: 1 | 2 -->\n```text\nnot a command\n```\n")
    (block,) = blocks("x.md", text)
    assert block.commands == ("make build   # x", '.venv/bin/duckdb a \\\n  "select 1"', 'python -c "print(1,\n 2)"')
    assert block.expect == ("1", "2")
    assert without_comment(block.commands[0]) in NOT_RUN
    assert to_run("dbt build --select <model>+") == "dbt build --select dim_city_driver+"
    with pytest.raises(AssertionError, match="a ```bash block"):
        blocks("x.md", "```bash\nls\n```\n")


def test_every_readme_block_says_what_it_prints_and_none_is_lost():
    readme = [b for b in BLOCKS if b.document == "README.md"]
    assert sum(len(b.commands) for b in readme) == README_COMMANDS, [b.commands for b in readme]
    for block in readme:
        runs = [c for c in block.commands if without_comment(c) not in NOT_RUN]
        assert not runs or block.expect, f"README block without <!-- expect: ... -->: {block.commands}"
    # Every command that is not run is a `make` line listed in NOT_RUN, with its reason.
    skipped = {without_comment(c) for b in BLOCKS for c in b.commands if without_comment(c) in NOT_RUN}
    others = [c for b in RUNNABLE for c in b.commands if c.lstrip().startswith("make ")
              and without_comment(c) not in NOT_RUN]
    assert skipped <= NOT_RUN.keys() and others == [], others


@pytest.mark.parametrize("block", RUNNABLE, ids=[b.label for b in RUNNABLE])
def test_block_runs_on_a_fresh_build_and_prints_what_it_says(block: Block, built_project: BuiltProject):
    venv = built_project.root / ".venv"
    if not venv.exists():
        venv.symlink_to(ROOT / ".venv", target_is_directory=True)
    env = pipeline_env(built_project.root)
    env.pop("VIRTUAL_ENV", None)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(ROOT)))
    output, ran = "", 0
    for command in block.commands:
        if without_comment(command) in NOT_RUN:
            continue
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", to_run(command)], cwd=built_project.root, env=env,
                              capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, f"{command}\nexit {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        output += done.stdout
        ran += 1
    assert ran, "no command of the block ran"
    missing = [s for s in block.expect if s not in output]
    assert not missing, f"the output lacks {missing}:\n{output[-3000:]}"
    assert output.strip(), "the block printed nothing"
