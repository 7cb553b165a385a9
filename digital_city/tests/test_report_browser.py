"""The visual report in a real browser: Debian's headless Chromium renders it from a built warehouse.

The warehouse is the one the check sequence builds (DIGITAL_CITY_WORK_DB, else build/ci/digital_city.duckdb); the test runs
no dbt. Chromium comes from Debian's `chromium` package (.ci/run installs it); with CI=true a missing browser fails
the test instead of skipping it. The page logs nothing but its own errors (Vega's warnings included, and any
Content-Security-Policy violation, such as a load from the network), so every console line counts as one.
Results (render times, marks per chart) go to build/report/browser_check.json, the screenshot beside it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from digital_city.presentation import report
from digital_city.project import ROOT

OUT_DIR = ROOT / "build" / "report"
META = report.Provenance("2020-10-01 00:00:00", "test.duckdb", None, "test", "test")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--virtual-time-budget=5000",
    "--enable-logging=stderr",
    "--v=0",
]
CONSOLE_LINE = re.compile(r":CONSOLE[:(]")


DEBIAN_CHROMIUM = Path("/usr/bin/chromium")


def chromium() -> str:
    found = shutil.which("chromium") or (str(DEBIAN_CHROMIUM) if DEBIAN_CHROMIUM.exists() else None)
    if found:
        return found
    reason = "Debian's chromium is not installed (apt-get install -y chromium; .ci/run does it)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: CI must run the browser test, not skip it")
    pytest.skip(reason)


# Read at import, before any test runs: an in-process pipeline run in another test rewrites os.environ.
WORK_DB_AT_START = os.environ.get("DIGITAL_CITY_WORK_DB")


def warehouse() -> Path:
    candidates = [Path(WORK_DB_AT_START)] if WORK_DB_AT_START else []
    candidates.append(ROOT / "build" / "ci" / "digital_city.duckdb")
    for candidate in candidates:
        path = candidate if candidate.is_absolute() else ROOT / candidate
        if path.is_file():
            return path
    reason = (
        "no built warehouse: `make test` builds build/ci/digital_city.duckdb before pytest "
        f"(looked at {', '.join(str(c) for c in candidates)})"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: on CI the check sequence must have built it")
    pytest.skip(reason)


@dataclass(frozen=True)
class Rendered:
    body: dict[str, str]
    figures: dict[str, dict[str, str]]
    console: list[str]
    seconds: float


class _DomReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.body: dict[str, str] = {}
        self.figures: dict[str, dict[str, str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "body":
            self.body = a
        elif tag == "figure" and "chart" in a.get("class", "").split():
            self.figures[a.get("data-chart", "?")] = a


def render(browser: str, page: Path, profile: Path) -> Rendered:
    started = time.perf_counter()
    done = subprocess.run(
        [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    seconds = time.perf_counter() - started
    assert done.returncode == 0, f"chromium exited {done.returncode}: {done.stderr[-2000:]}"
    reader = _DomReader()
    reader.feed(done.stdout)
    console = [line for line in done.stderr.splitlines() if CONSOLE_LINE.search(line)]
    return Rendered(reader.body, reader.figures, console, seconds)


@pytest.fixture(scope="module")
def browser() -> str:
    return chromium()


@dataclass(frozen=True)
class Written:
    path: Path
    marks: dict[str, int]  # data marks per chart, as vl-convert's Vega laid them out


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Written:
    db = warehouse()
    out = tmp_path_factory.mktemp("report") / "index.html"
    _, check = report.write_report(db, out)
    assert check.problems == []
    return Written(out, check.marks)


@pytest.fixture(scope="module")
def page(written: Written) -> Path:
    return written.path


def without_data(html: str, chart: str) -> str:
    """The page with every inline dataset of one chart's spec emptied."""
    start = html.index('class="spec">', html.index(f'data-chart="{chart}"')) + len('class="spec">')
    end = html.index("</script>", start)
    spec = json.loads(html[start:end])

    def empty(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("values"), list):
                node["values"] = []
            for value in node.values():
                empty(value)
        elif isinstance(node, list):
            for value in node:
                empty(value)

    empty(spec)
    return html[:start] + report.spec_json(spec) + html[end:]


def test_every_chart_renders_with_data_marks_and_no_console_error(browser: str, written: Written, tmp_path: Path):
    page = written.path
    rendered = render(browser, page, tmp_path / "profile")
    expected = int(rendered.body["data-expected-charts"])
    assert expected == 6
    assert rendered.console == []
    assert rendered.body.get("data-rendered") == str(expected), "the page's check did not pass (or did not run)"
    assert len(rendered.figures) == expected
    marks = {name: int(attrs.get("data-marks", "0")) for name, attrs in rendered.figures.items()}
    assert all(count > 0 for count in marks.values()), marks
    # Two Vega engines, one answer: the browser draws exactly the data marks vl-convert laid out.
    assert marks == written.marks

    # The screenshot is for people: the last run's picture of the page, beside its numbers.
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    screenshot = OUT_DIR / "screenshot.png"
    screenshot.unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run(
        [
            browser,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={screenshot}",
            "--window-size=1400,6000",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    screenshot_seconds = time.perf_counter() - started
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 20_000, "a near-empty screenshot: the page did not paint"
    (OUT_DIR / "browser_check.json").write_text(
        json.dumps(
            {
                "page_bytes": page.stat().st_size,
                "dump_dom_seconds": round(rendered.seconds, 2),
                "screenshot_seconds": round(screenshot_seconds, 2),
                # From the page's script start to every chart drawn and checked, as the page measures it.
                "in_page_render_ms": float(rendered.body.get("data-render-ms", "nan")),
                "charts": expected,
                "marks": marks,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )


def test_a_chart_without_its_data_is_caught_in_the_browser(browser: str, page: Path, tmp_path: Path):
    """Injected failure: the market chart loses its data; the page must say so, in the DOM and the console."""
    broken = without_data(page.read_text(encoding="utf-8"), "market_size")
    target = tmp_path / "broken.html"
    target.write_text(broken, encoding="utf-8")
    rendered = render(browser, target, tmp_path / "profile")
    assert rendered.body.get("data-rendered") == str(int(rendered.body["data-expected-charts"]) - 1)
    assert rendered.figures["market_size"].get("data-marks") == "0"
    assert any("market_size has no visible data marks" in line for line in rendered.console), rendered.console


def test_a_script_error_shows_in_the_console(browser: str, page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Any uncaught error is a console line, so the console check above is not blind."""
    # The page's own script, so its hash is in the Content-Security-Policy and it runs.
    monkeypatch.setattr(report, "SCRIPT", report.SCRIPT + "undefinedFunction();")
    target = tmp_path / "throws.html"
    target.write_text(report.render_page(report.build_charts(report.load(warehouse())), META), encoding="utf-8")
    rendered = render(browser, target, tmp_path / "profile")
    assert any("undefinedFunction" in line for line in rendered.console), rendered.console


# Moves the pointer onto the first data mark of the campaign chart, as a reader would, and copies what Vega-Embed's
# tooltip shows into the DOM. Timers run in Chromium's virtual time, after the charts are drawn.
HOVER = """
setTimeout(function () {
  var figure = document.querySelector('figure[data-chart="campaign_reach"]');
  var mark = figure.querySelector('g.role-mark[class*=" data_"] > *');
  var box = mark.getBoundingClientRect();
  var at = {bubbles: true, clientX: box.x + box.width / 2, clientY: box.y + box.height / 2, pointerType: "mouse"};
  mark.dispatchEvent(new PointerEvent("pointermove", at));
  mark.dispatchEvent(new MouseEvent("mousemove", at));
  setTimeout(function () {
    var tip = document.getElementById("vg-tooltip-element");
    document.body.dataset.tooltip = tip && tip.classList.contains("visible") ? tip.innerText : "";
  }, 300);
}, 2000);
"""


def test_hovering_a_mark_shows_the_printed_value_the_quote_and_the_source(
    browser: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(report, "SCRIPT", report.SCRIPT + HOVER)
    data = report.load(warehouse())
    target = tmp_path / "hover.html"
    target.write_text(report.render_page(report.build_charts(data), META), encoding="utf-8")
    rendered = render(browser, target, tmp_path / "profile")
    assert rendered.console == []
    tooltip = rendered.body.get("data-tooltip", "")
    # Some campaign figure of the mart, with its words as printed and its quote, and the report section it is from.
    assert any(
        r["value_raw"] and r["quote_zh"] and all(r[k] in tooltip for k in ("value_raw", "quote_zh", "report_section"))
        for r in data["campaigns"]
    ), tooltip
    for key in ("原文数值 · as printed", "原文 · quote", "来源 · source"):
        assert key in tooltip
    # A picture of it for people, beside the page's screenshot.
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            browser,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={OUT_DIR / 'tooltip.png'}",
            "--window-size=1400,3000",  # tall enough to hold the campaign chart without scrolling
            target.as_uri(),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )
    assert (OUT_DIR / "tooltip.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_injected_script_or_a_network_load_is_refused(browser: str, page: Path, tmp_path: Path):
    """The Content-Security-Policy holds: a script the page did not ship does not run, nothing is fetched."""
    html = page.read_text(encoding="utf-8").replace(
        "</body>",
        '<script>document.body.dataset.injected = "ran";</script><img src="http://127.0.0.1:9/pixel.png"></body>',
    )
    target = tmp_path / "injected.html"
    target.write_text(html, encoding="utf-8")
    rendered = render(browser, target, tmp_path / "profile")
    assert "data-injected" not in rendered.body
    refused = [line for line in rendered.console if "Content Security Policy" in line]
    assert any("script" in line for line in refused) and any(
        "127.0.0.1:9" in line for line in refused
    ), rendered.console


@pytest.mark.parametrize(("ci", "outcome"), [("true", pytest.fail.Exception), (None, pytest.skip.Exception)])
def test_missing_chromium_fails_on_ci_and_skips_elsewhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ci, outcome):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(sys.modules[__name__], "DEBIAN_CHROMIUM", tmp_path / "no-chromium")
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome):
        chromium()
