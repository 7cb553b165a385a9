"""The quote check: every seeded quote must be verbatim in the report text.

Locally, without ../shared beside the checkout, the check skips and says why; with CI=true (where the report text
is always there) a missing report text fails it, so the provenance check cannot switch itself off in CI.
"""

import os
import subprocess
import sys

import pytest

from digital_city.tests.support.quotes import (
    Quote, missing_quotes, normalise, on_ci, report_text_missing_reason, report_text_path, seed_quotes,
)
from digital_city.project import ROOT

THIS_TEST = "digital_city/tests/test_quotes.py::test_every_seed_quote_is_verbatim_in_the_report"


def test_normalise_drops_layout_noise():
    assert normalise("阅读量**超过5千万**\n 篇<sup>2</sup>") == "阅读量超过5千万篇"


def test_missing_quotes_flags_an_altered_figure():
    report = "- 强互动属性的城市挑战赛，点击播放17亿次以上"
    good = Quote("s.csv", 2, "k1", "点击播放17亿次以上")
    altered = Quote("s.csv", 3, "k2", "点击播放18亿次以上")
    blank = Quote("s.csv", 4, "k3", " ")
    assert missing_quotes([good, altered, blank], report) == [altered, blank]


def test_every_seed_quote_is_verbatim_in_the_report():
    path = report_text_path()
    reason = report_text_missing_reason(path)
    if reason:
        if on_ci():
            pytest.fail(f"{reason}: CI=true, and CI always has the report text, so the quote check must run")
        pytest.skip(reason)
    quotes = seed_quotes()
    assert quotes, "no quotes found in seeds/report"
    missing = missing_quotes(quotes, path.read_text(encoding="utf-8"))
    assert not missing, "quotes not found verbatim in the report:\n" + "\n".join(
        f"  {q.seed} line {q.row} ({q.key}): {q.text}" for q in missing
    )


@pytest.mark.parametrize(("ci", "returncode", "said"), [
    ("true", 1, "CI=true, and CI always has the report text"),
    (None, 0, "SKIPPED"),
])
def test_a_missing_report_text_fails_on_ci_and_skips_locally(tmp_path, ci, returncode, said):
    """The real test, in a subprocess, with the report path pointed at a file that does not exist."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["DIGITAL_CITY_REPORT_TEXT"] = str(tmp_path / "no-such-report.zh.txt")
    if ci:
        env["CI"] = ci
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", THIS_TEST],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == returncode, done.stdout[-3000:]
    assert said in done.stdout and "no-such-report.zh.txt" in done.stdout, done.stdout[-3000:]


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("1", True), ("", False), ("false", False)])
def test_on_ci_reads_the_ci_variable(monkeypatch, value, expected):
    monkeypatch.setenv("CI", value)
    assert on_ci() is expected
