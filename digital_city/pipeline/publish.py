"""Publish a work database that is already built: the publish step of `make build` on its own, with the same
Great Expectations suites deciding whether the release is switched in.

    python -m digital_city publish --work-db build/work/digital_city.duckdb --publish-dir warehouse
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from digital_city.publishing.release import PublishError, describe, publish, published_message
from digital_city.validation.expectations import expectation_problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work-db", type=Path, required=True)
    parser.add_argument("--publish-dir", type=Path, required=True)
    parser.add_argument("--repo", type=Path, default=Path.cwd(), help="git checkout whose commit the release records")
    args = parser.parse_args(argv)
    try:
        done = publish(args.work_db, args.publish_dir, args.repo, validate=expectation_problems, progress=print)
    except PublishError as error:
        print(f"publish failed, the published warehouse is unchanged ({describe(args.publish_dir)}): {error}",
              file=sys.stderr)
        return 1
    print(published_message(done, args.publish_dir))
    return 0
