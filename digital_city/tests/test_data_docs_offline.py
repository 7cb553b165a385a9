"""Data Docs that open with no network: the npm-installed assets, make_offline, and Debian's Chromium with the network cut.

A tiny file-backed GX context in a temporary directory (a pandas dataframe asset, a suite with passing and failing
expectations, one checkpoint run) renders a real Data Docs site; make_offline rewrites it; Playwright drives
/usr/bin/chromium with an offline context, a route that aborts anything that is not a file, and host/proxy flags that
would break any request that slipped past both. With CI=true a missing browser fails instead of skipping.
The last run's pictures and numbers: build/data_docs/offline_check.png, offline_index.png, offline_check.json.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Route, sync_playwright

from digital_city.project import ROOT
from digital_city.validation import data_docs
from digital_city.validation.data_docs import OfflineError, make_offline

OUT_DIR = ROOT / "build" / "data_docs"
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Belt and braces under Playwright's offline context and route: no name resolves, and any proxy-able request
    # goes to a closed port.
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9",
]


# ---------------------------------------------------------------------------------------------------------------
# What GX's templates load, and what npm installed for it


def test_every_address_gx_templates_load_is_in_the_table():
    """A GX upgrade that adds or moves a CDN file fails here, naming the address, before any page is built."""
    spec = importlib.util.find_spec("great_expectations")  # its files, without paying for the import
    assert spec is not None and spec.origin is not None
    view = Path(spec.origin).parent / "render" / "view"
    texts = [p.read_text(encoding="utf-8") for p in [*view.glob("templates/*.j2"), *view.glob("static/styles/*.css")]]
    found = {url for text in texts for url in re.findall(r"""https?://[^\s"'<>)]+""", text)}
    # Links a reader clicks, not files a page loads.
    loaded = {url for url in found if not re.match(r"https?://(docs\.)?greatexpectations\.io", url)}
    unknown = sorted(url for url in loaded if url not in data_docs.CDN and not url.startswith(data_docs.S3))
    assert unknown == []
    assert sorted(data_docs.CDN.keys() - loaded) == []


def test_npm_installed_the_versions_the_addresses_name():
    """Each address names a version (`bootstrap/4.3.1/`, `jquery-3.7.1`); the installed package must be that one."""
    modules = data_docs.ASSETS / "node_modules"
    checked = 0
    for url, file in data_docs.CDN.items():
        if file is None or file == data_docs.VEGA:
            continue
        package = "/".join(file.split("/")[: 2 if file.startswith("@") else 1])
        version = json.loads((modules / package / "package.json").read_text(encoding="utf-8"))["version"]
        assert (modules / file).is_file(), file
        # bootstrap-table's filter-control stylesheets are asked for at 1.19.0 and served by 1.19.1 (data_docs.py).
        assert version in url or ("bootstrap-table@1.19.0" in url and version == "1.19.1"), (url, version)
        checked += 1
    assert checked == len(data_docs.CDN) - 3  # all but the three Vega addresses


@pytest.fixture(scope="module")
def rendered_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """GX's own output, untouched: tests copy it before changing it."""
    import great_expectations as gx
    import great_expectations.expectations as gxe
    import pandas as pd

    root = tmp_path_factory.mktemp("gx")
    site = root / "data_docs"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("GX_ANALYTICS_ENABLED", "False")
        context = gx.get_context(mode="file", project_root_dir=root)
        context.add_data_docs_site(
            site_name="release",
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(site)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
        batch = context.data_sources.add_pandas("frames").add_dataframe_asset("cities").add_batch_definition_whole_dataframe("all")
        suite = context.suites.add(gx.ExpectationSuite("demo.cities"))
        suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column="city"))  # passes
        suite.add_expectation(gxe.ExpectColumnValuesToBeBetween(column="score", min_value=0, max_value=10))  # fails: 12
        # Passes, and draws two Vega charts (expected and observed distribution).
        suite.add_expectation(
            gxe.ExpectColumnKLDivergenceToBeLessThan(
                column="score", partition_object={"bins": [0, 5, 10, 20], "weights": [0.3, 0.3, 0.4]}, threshold=0.6
            )
        )
        suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column="tier", value_set=["1", "2"]))  # fails: "3"
        definition = context.validation_definitions.add(gx.ValidationDefinition(name="cities", data=batch, suite=suite))
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(
                name="cities",
                validation_definitions=[definition],
                actions=[gx.checkpoint.UpdateDataDocsAction(name="docs", site_names=["release"])],
            )
        )
        frame = pd.DataFrame({"city": ["a", "b", "c", "d"], "score": [1, 5, 12, 3], "tier": ["1", "2", "3", "1"]})
        result = checkpoint.run(batch_parameters={"dataframe": frame})
        context.build_data_docs(site_names=["release"])
    assert not result.success
    assert (site / "index.html").is_file()
    return site


@pytest.fixture(scope="module")
def offline_site(rendered_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("offline") / "data_docs"
    shutil.copytree(rendered_site, site)
    make_offline(site)
    return site


def validation_page(site: Path) -> Path:
    (page,) = site.glob("validations/**/*.html")
    return page


class Loads(HTMLParser):
    """What a page asks the browser to fetch: src/href of every tag but <a>, and url() in styles."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._style = tag == "style"
        for name, value in attrs:
            if value and (name in {"src", "href"} and tag != "a"):
                self.urls.append(value)
            if value and name == "style":
                self.urls += re.findall(r"""url\(\s*['"]?([^'")]+)""", value)

    def handle_data(self, data: str) -> None:
        if self._style:
            self.urls += re.findall(r"""url\(\s*['"]?([^'")]+)""", data)

    def handle_endtag(self, tag: str) -> None:
        self._style = False


def loads(page: Path) -> list[str]:
    reader = Loads()
    reader.feed(page.read_text(encoding="utf-8"))
    return reader.urls


def test_the_rendered_site_loads_from_cdns_before(rendered_site: Path):
    external = [u for u in loads(validation_page(rendered_site)) if re.match(r"https?://", u)]
    assert len(external) == 17, external  # 15 CDN files, the S3 logo and the S3 dark-mode logo


def test_after_make_offline_every_page_loads_only_files_of_the_site(offline_site: Path):
    pages = sorted(offline_site.rglob("*.html"))
    assert len(pages) == 3  # index, the suite, the validation result
    for page in pages:
        urls = loads(page)
        assert urls, page
        for url in urls:
            assert not re.match(r"(https?:)?//", url), f"{page}: {url}"
            assert (page.parent / url.split("?")[0]).resolve().is_file(), f"{page}: {url} does not exist"
            assert (page.parent / url).resolve().is_relative_to(offline_site), f"{page}: {url} leaves the site"
    html = validation_page(offline_site).read_text(encoding="utf-8")
    assert "integrity=" not in html and "crossorigin=" not in html
    # The Vega bundle once, in place of vega@5; vega-lite@5 and vega-embed@6 are inside it.
    assert html.count(data_docs.VEGA) == 1 and "npm/vega-lite@" not in html and "npm/vega-embed@" not in html


def test_make_offline_is_idempotent(offline_site: Path, tmp_path: Path):
    site = tmp_path / "again"
    shutil.copytree(offline_site, site)
    make_offline(site)
    for page in offline_site.rglob("*.html"):
        assert (site / page.relative_to(offline_site)).read_bytes() == page.read_bytes()


def test_an_address_it_cannot_localise_fails_naming_page_and_address(rendered_site: Path, tmp_path: Path):
    site = tmp_path / "site"
    shutil.copytree(rendered_site, site)
    page = validation_page(site)
    page.write_text(
        page.read_text(encoding="utf-8").replace("</head>", '<script src="https://cdn.example.org/extra.js"></script></head>'),
        encoding="utf-8",
    )
    with pytest.raises(OfflineError) as raised:
        make_offline(site)
    message = str(raised.value)
    assert f"{page.relative_to(site)}: loads https://cdn.example.org/extra.js" in message
    assert message.count("\n") == 1, message  # only that one


def test_a_vendored_file_that_differs_from_the_cdn_is_refused(rendered_site: Path, tmp_path: Path):
    copy = tmp_path / "assets"
    shutil.copytree(data_docs.ASSETS / "node_modules", copy / "node_modules")
    popper = copy / "node_modules" / "popper.js" / "dist" / "umd" / "popper.min.js"
    popper.write_bytes(popper.read_bytes() + b"\n")
    site = tmp_path / "site"
    shutil.copytree(rendered_site, site)
    with pytest.raises(OfflineError, match=r"popper\.min\.js does not match the page's integrity sha384-"):
        make_offline(site, assets=copy)


def test_missing_assets_say_how_to_install_them(rendered_site: Path, tmp_path: Path):
    site = tmp_path / "site"
    shutil.copytree(rendered_site, site)
    with pytest.raises(OfflineError, match=r"not installed in .*: run `make install`"):
        make_offline(site, assets=tmp_path / "nothing")


# ---------------------------------------------------------------------------------------------------------------
# In Chromium, with no network


def chromium() -> Path:
    found = shutil.which("chromium")
    if found:
        return Path(found)
    if DEBIAN_CHROMIUM.exists():
        return DEBIAN_CHROMIUM
    reason = "Debian's chromium is not installed (apt-get install -y chromium; .ci/run does it)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: CI must run the offline Data Docs check, not skip it")
    pytest.skip(reason)


@dataclass
class Visit:
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0


@pytest.fixture(scope="module")
def browser_context() -> Iterator[BrowserContext]:
    executable = chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        context = browser.new_context(offline=True, viewport={"width": 1400, "height": 900}, color_scheme="light")
        try:
            yield context
        finally:
            context.close()
            browser.close()


def visit(context: BrowserContext, page_path: Path) -> tuple[Page, Visit]:
    record = Visit()

    def only_files(route: Route) -> None:
        if route.request.url.startswith(("file://", "data:")):
            route.continue_()
        else:
            record.blocked.append(route.request.url)
            route.abort()

    page = context.new_page()
    page.route("**/*", only_files)
    page.on("request", lambda request: record.requests.append(request.url))
    page.on("requestfailed", lambda request: record.failed.append(f"{request.url}: {request.failure}"))
    page.on("console", lambda message: record.console.append((message.type, message.text)))
    page.on("pageerror", lambda error: record.console.append(("pageerror", str(error))))
    started = time.perf_counter()
    page.goto(page_path.as_uri(), wait_until="load")
    record.seconds = time.perf_counter() - started
    return page, record


STYLE_AND_SCRIPTS = """() => ({
    jquery: window.jQuery ? jQuery.fn.jquery : null,
    bootstrapModal: !!(window.jQuery && jQuery.fn.modal),
    bootstrapTable: !!(window.jQuery && jQuery.fn.bootstrapTable),
    datepicker: !!(window.jQuery && jQuery.fn.datepicker),
    vega: typeof window.vegaEmbed === 'function',
    rowDisplay: getComputedStyle(document.querySelector('.row')).display,
    navbarPosition: getComputedStyle(document.querySelector('.sticky-top')).position,
    iconFont: getComputedStyle(document.querySelector('.fas'), '::before').fontFamily,
    iconFontLoaded: document.fonts.check('900 16px "Font Awesome 6 Free"'),
    logoLoaded: [...document.images].every(img => img.complete && img.naturalWidth > 0),
    tables: document.querySelectorAll('.bootstrap-table').length,
})"""


def assert_rendered(state: dict[str, object]) -> None:
    assert state["jquery"] == "3.7.1"
    assert state["bootstrapModal"] and state["bootstrapTable"] and state["datepicker"] and state["vega"], state
    assert state["rowDisplay"] == "flex", "bootstrap.min.css is not applied"
    assert state["navbarPosition"] == "sticky", "bootstrap.min.css is not applied"
    assert "Font Awesome 6 Free" in str(state["iconFont"]) and state["iconFontLoaded"], state
    assert state["logoLoaded"], "an image did not load"
    assert int(str(state["tables"])) >= 1, "bootstrap-table did not render"


def assert_quiet(record: Visit) -> None:
    assert record.blocked == [], "the page asked for the network"
    assert record.failed == []
    assert all(url.startswith(("file://", "data:")) for url in record.requests), record.requests
    errors = [(kind, text) for kind, text in record.console if kind in {"error", "pageerror"}]
    assert errors == []
    # GX writes Vega-Lite 6 specs; the runtime is Vega-Lite 6 too, so not even a version warning is expected.
    warnings = [text for kind, text in record.console if kind == "warning"]
    assert warnings == []


def test_index_and_validation_page_render_offline_in_chromium(browser_context: BrowserContext, offline_site: Path):
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    numbers: dict[str, object] = {}

    index, record = visit(browser_context, offline_site / "index.html")
    state = index.evaluate(STYLE_AND_SCRIPTS)
    assert_rendered(state)
    # The index lists the one run, and that it failed.
    runs = index.evaluate(
        """() => [...document.querySelectorAll('.bootstrap-table tbody tr')]
            .filter(r => r.querySelector(':scope > td:first-child .fas'))
            .map(r => [r.textContent.includes('demo.cities'), !!r.querySelector(':scope > td:first-child .fa-times')])"""
    )
    assert runs == [[True, True]], runs
    assert_quiet(record)
    index.screenshot(path=str(OUT_DIR / "offline_index.png"))
    numbers["index"] = {"load_seconds": round(record.seconds, 2), "file_requests": len(record.requests)}

    page, record = visit(browser_context, validation_page(offline_site))
    # vega-embed draws asynchronously: wait until both charts have a canvas or svg.
    page.wait_for_function("document.querySelectorAll('.vega-embed canvas, .vega-embed svg').length >= 2", timeout=15_000)
    state = page.evaluate(STYLE_AND_SCRIPTS)
    assert_rendered(state)
    results = page.evaluate(
        """() => {
            const rows = [...document.querySelectorAll('.bootstrap-table tbody tr')];
            return {
                passed: rows.filter(r => r.querySelector(':scope > td:first-child .fa-check-circle')).length,
                failed: rows.filter(r => r.querySelector(':scope > td:first-child .fa-times')).length,
                charts: document.querySelectorAll('.vega-embed').length,
                chartSizes: [...document.querySelectorAll('.vega-embed canvas, .vega-embed svg')].map(c => c.getBoundingClientRect().height),
            };
        }"""
    )
    assert results["passed"] == 2 and results["failed"] == 2, results  # the suite: two pass, two fail
    assert results["charts"] == 2 and all(height > 100 for height in results["chartSizes"]), results
    assert "1 unexpected values found" in page.inner_text("body")
    assert_quiet(record)
    screenshot = OUT_DIR / "offline_check.png"
    # One viewport as tall as the page: a full-page capture would paint GX's fixed footer over the middle.
    page.set_viewport_size({"width": 1400, "height": page.evaluate("document.documentElement.scrollHeight")})
    page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size > 50_000, "a near-empty screenshot: the page did not paint"
    numbers["validation"] = {
        "load_seconds": round(record.seconds, 2),
        "file_requests": len(record.requests),
        "console_warnings": sum(kind == "warning" for kind, _ in record.console),
    }
    vendor = offline_site / "static" / "vendor"
    numbers["vendored_bytes"] = sum(p.stat().st_size for p in vendor.rglob("*") if p.is_file())
    (OUT_DIR / "offline_check.json").write_text(json.dumps(numbers, indent=2) + "\n", encoding="utf-8")


def test_the_same_check_fails_on_the_page_gx_rendered(browser_context: BrowserContext, rendered_site: Path):
    """The control: GX's own page, in the same browser, asks for the network and renders without its libraries."""
    page, record = visit(browser_context, validation_page(rendered_site))
    assert len(record.blocked) >= 13, record.blocked
    assert page.evaluate("() => typeof window.jQuery") == "undefined"
    with pytest.raises(AssertionError):
        assert_quiet(record)


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
