"""Validate a staged release as its consumers will read it, with Great Expectations, and write its Data Docs.

The suites (digital_city/validation/release_suites.py) run on frames read from the release's own database and
Parquet files. GX's SQL datasource returns no rows on DuckDB, so the frames are read through DuckDB and validated
as pandas dataframe assets. The context is file-backed (a throwaway project under build/tmp/) and its one Data Docs
site is the release's `data_docs/` directory, so the validation report switches in with the release it describes;
`make_offline` (data_docs.py) points its pages at local copies of their scripts and styles.

One line per suite: `<suite>: <passed>/<total> expectations`, then each failure with what it means and the rows
that broke it. A failure is returned as a problem, and publishing does not switch the release in.

    python -m digital_city validate --release warehouse/current      (re-check a published release)
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from digital_city.crash_points import crash_point
from digital_city.project import ROOT
from digital_city.publishing.layout import DATA_DOCS_DIR, MANIFEST_FILE
from digital_city.validation.data_docs import OfflineError, make_offline
from digital_city.validation.release_suites import SUITES, ReleaseSuite, StagedRelease

SITE = "release"
SHOWN_ROWS = 5


@dataclass(frozen=True)
class Outcome:
    suite: str
    passed: int
    total: int
    failures: list[str]

    @property
    def line(self) -> str:
        return f"{self.suite}: {self.passed}/{self.total} expectations" + ("  FAILED" if self.failures else "")


def _describe(result: dict[str, Any], frame_rows: list[dict[str, Any]]) -> str:
    parts = []
    if "observed_value" in result:
        parts.append(f"observed {result['observed_value']!r}")
    if result.get("unexpected_count"):
        parts.append(f"{result['unexpected_count']} unexpected")
    rows = [frame_rows[i] for i in (result.get("unexpected_index_list") or [])[:SHOWN_ROWS] if isinstance(i, int)]
    if rows:
        parts.append("rows: " + "; ".join(", ".join(f"{k}={v}" for k, v in row.items()) for row in rows))
    elif result.get("partial_unexpected_list"):
        parts.append(f"values: {result['partial_unexpected_list'][:SHOWN_ROWS]}")
    return ", ".join(parts) or "failed"


def file_context(root: Path, docs_dir: Path) -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # A new file context announces itself at INFO; the report here is one line per suite.
    logging.disable(logging.INFO)
    try:
        context = gx.get_context(mode="file", project_root_dir=str(root))
    finally:
        logging.disable(logging.NOTSET)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    for name in list(context.config.data_docs_sites or {}):
        context.delete_data_docs_site(name)
    context.add_data_docs_site(
        SITE,
        {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            # Absolute: GX resolves a relative base directory against the context root, not the working directory.
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir.resolve())},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    return context


def run_suite(context: Any, datasource: Any, suite: ReleaseSuite, release: StagedRelease) -> Outcome:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    try:
        frame = suite.frame(release)
        expectations = suite.expectations(release)
    except Exception as error:  # noqa: BLE001 - a release the suite cannot even read fails the suite, readably
        return Outcome(suite.name, 0, 1, [f"could not read the release: {str(error).splitlines()[0]}"])
    gx_suite = context.suites.add(gx.ExpectationSuite(name=suite.name, meta={"notes": suite.description}))
    for position, expectation in enumerate(expectations):
        gx_suite.add_expectation(
            getattr(gxe, expectation.kind)(**expectation.kwargs, meta={"position": position, "why": expectation.why})
        )
    batch = datasource.add_dataframe_asset(suite.name).add_batch_definition_whole_dataframe("whole")
    definition = context.validation_definitions.add(gx.ValidationDefinition(name=suite.name, data=batch, suite=gx_suite))
    result = definition.run(batch_parameters={"dataframe": frame}, result_format="COMPLETE")
    rows = frame.to_dict(orient="records")
    failures = []
    for item in sorted(result.results, key=lambda r: r.expectation_config.meta["position"]):
        if not item.success:
            expectation = expectations[item.expectation_config.meta["position"]]
            failures.append(f"{expectation.why} [{expectation.kind}]: {_describe(item.result, rows)}")
    passed = sum(1 for item in result.results if item.success)
    return Outcome(suite.name, passed, len(expectations), failures)


def run_suites(release_dir: Path, manifest: dict[str, Any], docs_dir: Path) -> list[Outcome]:
    """Run every suite on the release in `release_dir` and write the Data Docs site into `docs_dir`."""
    scratch_parent = ROOT / "build" / "tmp"
    scratch_parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="gx-", dir=scratch_parent))
    release = StagedRelease(release_dir, manifest)
    try:
        context = file_context(scratch, docs_dir)
        datasource = context.data_sources.add_pandas("release")
        outcomes = []
        for suite in SUITES:
            outcomes.append(run_suite(context, datasource, suite, release))
            crash_point("validation")
        context.build_data_docs(site_names=[SITE])
        make_offline(docs_dir)
        return outcomes
    finally:
        release.close()
        shutil.rmtree(scratch, ignore_errors=True)


def report(outcomes: list[Outcome]) -> bool:
    for outcome in outcomes:
        print(outcome.line)
        for failure in outcome.failures:
            print(f"  - {failure}")
    failed = [o.suite for o in outcomes if o.failures]
    total = sum(o.total for o in outcomes)
    if failed:
        print(f"great expectations failed: {', '.join(failed)}", file=sys.stderr)
        return False
    print(f"great expectations passed: {len(outcomes)} suites, {total} expectations")
    return True


def expectation_problems(release: Path, manifest: dict[str, Any]) -> list[str]:
    """The publish validator: run the suites on a staged release; a failure is one problem line (the details are
    printed above it) and keeps the release's validation report under build/rejected/."""
    docs_dir = release / DATA_DOCS_DIR
    try:
        passed = report(run_suites(release, manifest, docs_dir))
    except OfflineError as error:
        return [f"the validation report of release {manifest['release_id']} could not be made offline: {error}"]
    if passed:
        return []
    kept = ROOT / "build" / "rejected" / manifest["release_id"]
    shutil.rmtree(kept, ignore_errors=True)
    shutil.copytree(docs_dir, kept)
    return [f"great expectations rejected release {manifest['release_id']} (failures above); "
            f"its validation report: {kept / 'index.html'}"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m digital_city validate", description=__doc__.splitlines()[0])
    parser.add_argument("--release", type=Path, required=True, help="a release directory (e.g. warehouse/current)")
    parser.add_argument("--docs", type=Path, default=ROOT / "build" / "data_docs",
                        help="where to write the Data Docs (a published release is read-only)")
    args = parser.parse_args(argv)
    manifest_path = args.release / MANIFEST_FILE
    if not manifest_path.is_file():
        print(f"{args.release} is not a release (no {MANIFEST_FILE}): run `make build` first", file=sys.stderr)
        return 2
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    try:
        ok = report(run_suites(args.release.resolve(), manifest, args.docs))
    except OfflineError as error:
        print(f"the validation report could not be made offline: {error}", file=sys.stderr)
        return 1
    print(f"validation report (Data Docs): {args.docs / 'index.html'}")
    return 0 if ok else 1
