"""Run a dbt command and treat "selected nothing" as the error it is in CI.

dbt exits 0 when a selector matches no node; a typo in `--select` would then pass silently.
"""

from __future__ import annotations

import sys

from dbt.cli.main import dbtRunner, dbtRunnerResult

# Commands that execute nodes: for these an empty result means the selector matched nothing.
NODE_COMMANDS = {"build", "run", "seed", "test", "snapshot"}


def executed_node_count(result: dbtRunnerResult) -> int | None:
    results = getattr(result.result, "results", None)
    return None if results is None else len(results)


def run(args: list[str]) -> int:
    result = dbtRunner().invoke(args)
    if result.exception is not None:
        print(f"dbt {' '.join(args)} failed: {result.exception}", file=sys.stderr)
        return 2
    if args and args[0] in NODE_COMMANDS and executed_node_count(result) == 0:
        print(f"dbt {' '.join(args)} selected no node: check the selector", file=sys.stderr)
        return 3
    return 0 if result.success else 1


def main() -> None:
    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
