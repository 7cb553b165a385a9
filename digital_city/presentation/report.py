"""The visual report: one offline HTML page of Vega-Lite charts, read from the marts of a warehouse file.

    python -m digital_city report --db warehouse/digital_city.duckdb --out build/report/index.html

The database is opened read-only. Each chart is a Vega-Lite spec (digital_city/presentation/charts.py) embedded as
JSON; the Vega, Vega-Lite and Vega-Embed runtime comes inlined from vl-convert, so the page loads nothing from the
network (its Content-Security-Policy forbids it). A small inline script draws every chart as SVG with tooltips, checks
that each holds visible data marks, sets <body data-rendered="n"> and reports each problem with console.error
(digital_city/tests/test_report_browser.py reads both). Without a browser, check_page renders the page's specs with
vl-convert's own Vega engine and counts the same data marks.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import math
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import vl_convert

from digital_city.presentation import charts as charts
from digital_city.project import ROOT
from digital_city.publishing.provenance import source_commit
from digital_city.vega_runtime import runtime

DEFAULT_DB = Path("warehouse/digital_city.duckdb")
DEFAULT_OUT = Path("build/report/index.html")
# Vega draws the layer a chart names data_<x> as <g class="... data_<x>_marks">: those items are the data marks.
DATA_MARK_PREFIX = "data_"

# Every mart the page reads; models/marts/_exposures.yml (visual_report) lists the same ones.
QUERIES: dict[str, str] = {
    "pilot_designations": "select * from marts.fct_pilot_designations order by table_row_order",
    "pilot_programs": "select * from marts.dim_pilot_program order by table_row_order",
    "market_size": "select * from marts.fct_market_size order by measure_code, multiplier_reading, market_year",
    "info_channel_ranks": "select * from marts.fct_city_info_channel_ranks order by generation_key, item_rank",
    "focus_ranks": "select * from marts.fct_city_focus_ranks order by generation_key, item_rank",
    "campaigns": "select * from marts.fct_city_campaigns order by campaign_metric_key",
    "province_coverage": "select * from marts.fct_province_pilot_coverage "
    "where program_key like 'broadband_china_%' order by program_key, province_code",
    "membership_sources": "select distinct program_key, source_url from marts.fct_city_pilot_membership "
    "where program_key like 'broadband_china_%' order by program_key, source_url",
    "claim_checks": "select * from marts.fct_report_claim_checks order by claim_order",
}

Data = dict[str, list[dict[str, Any]]]


def load(db: Path) -> Data:
    con = duckdb.connect(str(db), read_only=True)
    try:
        data: Data = {}
        for name, sql in QUERIES.items():
            result = con.execute(sql)
            columns = [d[0] for d in result.description]
            data[name] = [dict(zip(columns, row, strict=True)) for row in result.fetchall()]
        return data
    finally:
        con.close()


def build_charts(data: Data) -> list[charts.Chart]:
    return [
        charts.pilot_designations(data["pilot_designations"], data["pilot_programs"]),
        charts.market_size(data["market_size"]),
        charts.generation_ranks(data["info_channel_ranks"], data["focus_ranks"]),
        charts.campaign_reach(data["campaigns"]),
        charts.broadband_provinces(data["province_coverage"], data["pilot_programs"], data["membership_sources"]),
        charts.claim_checks(data["claim_checks"]),
    ]


@dataclass(frozen=True)
class Provenance:
    page_built: str
    database: str
    warehouse_built: str | None
    source_commit: str
    commit_origin: str


def provenance(db: Path) -> Provenance:
    """The release's commit and build time from the database's own meta.release_info (whatever directory layout
    publishes it); the checkout's commit for a database that has none (a work build)."""
    now = time.strftime("%Y-%m-%d %H:%M:%S %z")
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("select release_id, source_commit, built_at from meta.release_info").fetchone()
    except duckdb.CatalogException:
        row = None
    finally:
        con.close()
    if row is not None:
        release_id, commit, built_at = row
        return Provenance(now, db.name, str(built_at), commit, f"release {release_id}")
    return Provenance(now, db.name, None, source_commit(ROOT), "git checkout (the database has no meta.release_info)")


CSS = """
:root{--ink:#1d2433;--muted:#5b6472;--grid:#e3e6eb}
*{box-sizing:border-box}
body{margin:0;background:#f6f7f9;color:var(--ink);
font:14px/1.5 "Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif}
header,main,footer{max-width:1000px;margin:0 auto;padding:0 20px}
header{padding-top:28px}
h1{font-size:26px;margin:0}
h1+p{margin:4px 0 0;color:var(--muted)}
.chart{background:#fff;border:1px solid var(--grid);border-radius:8px;margin:22px 0;padding:18px 20px}
.chart h2{font-size:19px;margin:0}
.chart figcaption p{margin:2px 0 10px;color:var(--muted)}
.vis .vega-embed{display:block}
.vis svg.marks{display:block;max-width:100%;height:auto}
#vg-tooltip-element{font:12px/1.45 "Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif}
#vg-tooltip-element table tr td.value{max-width:460px;max-height:none}
.notes,.source{font-size:12px;color:var(--muted);margin:6px 0 0}
.source{border-top:1px solid var(--grid);padding-top:6px}
table.claims{width:100%;border-collapse:collapse;font-size:12.5px;margin-top:8px}
table.claims th,table.claims td{border-bottom:1px solid var(--grid);padding:6px;vertical-align:top;text-align:left}
table.claims th{background:#f0f2f5}
table.claims .num{text-align:right;white-space:nowrap}
table.claims .en{color:var(--muted);font-size:11.5px}
.verdict{display:inline-block;color:#fff;border-radius:4px;padding:2px 6px;font-size:11.5px;line-height:1.3}
footer{color:var(--muted);font-size:12px;padding-bottom:30px}
"""

# Draws every chart (SVG, tooltips, export-only menu) and counts the data marks laid out in each; anything wrong is a
# console error. Vega-Embed compiles the Vega-Lite spec with the inlined Vega-Lite.
SCRIPT = """
(function () {
  var t0 = performance.now();
  var body = document.body;
  var figures = Array.prototype.slice.call(document.querySelectorAll("figure.chart"));
  var expected = Number(body.dataset.expectedCharts);
  var options = {renderer: "svg", actions: {export: true, source: false, compiled: false, editor: false}};
  if (figures.length !== expected) {
    console.error("report check: " + figures.length + " charts on the page, " + expected + " expected");
  }
  function check(figure, name) {
    var svg = figure.querySelector(".vis svg.marks");
    var drawn = 0;
    if (svg) {
      svg.querySelectorAll('g.role-mark[class*=" %(prefix)s"] > *').forEach(function (m) {
        var box = m.getBoundingClientRect();
        if (box.width > 0 && box.height > 0) { drawn += 1; }
      });
    }
    figure.dataset.marks = String(drawn);
    if (!svg) {
      console.error("report check: chart " + name + " has no svg");
    } else if (svg.getBoundingClientRect().width === 0) {
      console.error("report check: chart " + name + " has an svg of zero width");
    } else if (drawn === 0) {
      console.error("report check: chart " + name + " has no visible data marks");
    } else {
      return true;
    }
    return false;
  }
  Promise.all(figures.map(function (figure) {
    var name = figure.dataset.chart;
    var spec;
    try {
      spec = JSON.parse(figure.querySelector("script.spec").textContent);
    } catch (error) {
      console.error("report check: chart " + name + " has no readable spec: " + error);
      return false;
    }
    return vegaEmbed(figure.querySelector(".vis"), spec, options).then(
      function () { return check(figure, name); },
      function (error) { console.error("report check: chart " + name + " did not render: " + error); return false; }
    );
  })).then(function (results) {
    body.dataset.rendered = String(results.filter(Boolean).length);
    body.dataset.renderMs = (performance.now() - t0).toFixed(1);
  });
})();
""" % {"prefix": DATA_MARK_PREFIX}


def script_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def spec_json(spec: dict[str, Any]) -> str:
    """JSON safe inside <script>: no '<', '>' or '&' survives, so no text from a mart can close the element."""
    text = json.dumps(spec, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def figure_html(chart: charts.Chart) -> str:
    notes = "".join(f"<p class=notes>{escape(n)}</p>" for n in chart.notes)
    sources = "<br>".join(escape(s) for s in chart.sources) or "—"
    return (
        f'<figure class="chart" data-chart="{escape(chart.key)}">'
        f"<figcaption><h2>{escape(chart.title_zh)}</h2><p>{escape(chart.title_en)}</p></figcaption>"
        f'<div class="vis"></div><script type="application/json" class="spec">{spec_json(chart.spec)}</script>'
        f"{chart.extra_html}{notes}"
        f"<p class=source>资料来源 / Source: {sources}</p>"
        "</figure>"
    )


def render_page(chart_list: list[charts.Chart], meta: Provenance) -> str:
    built = f"，仓库构建于 / warehouse built {meta.warehouse_built}" if meta.warehouse_built else ""
    footer = (
        f"页面生成 / page built {meta.page_built} · 数据库 / database {meta.database}{built} · "
        f"源代码提交 / source commit {meta.source_commit}（{meta.commit_origin}）"
    )
    scripts = (runtime(), SCRIPT)
    # Offline by construction: nothing may be fetched; only these two scripts run. Vega compiles its expressions
    # with Function(), hence 'unsafe-eval' (the CSP-safe interpreter is not in vl-convert's bundle).
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src {' '.join(script_hash(s) for s in scripts)} 'unsafe-eval'"
    )
    return (
        "<!doctype html><html lang=zh-CN><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width,initial-scale=1">'
        f'<meta http-equiv=Content-Security-Policy content="{csp}">'
        "<title>建设数字城市，释放数字生命力 · 数据图解</title>"
        f"<style>{CSS}</style></head>"
        f'<body data-expected-charts="{len(chart_list)}">'
        "<header><h1>建设数字城市，释放数字生命力 · 数据图解</h1>"
        "<p>Building digital cities, releasing digital vitality (BCG × APEC China Business Council × 抖音, 2020): "
        "the report's figures, charted from the warehouse marts. 实心为报告值，空心为本项目推算 · filled marks are "
        "reported figures, hollow marks are derived here. 悬停查看原文 · hover a mark for the printed figure, the "
        "quote and the source.</p></header>"
        "<main>" + "".join(figure_html(c) for c in chart_list) + "</main>"
        f"<footer>{escape(footer)}</footer>" + "".join(f"<script>{s}</script>" for s in scripts) + "</body></html>"
    )


class _FigureReader(HTMLParser):
    """Each <figure class="chart">'s name and the text of its <script class="spec">, in page order."""

    def __init__(self) -> None:
        super().__init__()
        self.specs: dict[str, str | None] = {}
        self._figure: str | None = None
        self._in_spec = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "figure" and "chart" in classes:
            self._figure = a.get("data-chart") or f"unnamed-{len(self.specs)}"
            self.specs[self._figure] = None
        elif tag == "script" and "spec" in classes and self._figure is not None:
            self._in_spec = True
            self.specs[self._figure] = ""

    def handle_data(self, data: str) -> None:
        if self._in_spec and self._figure is not None:
            self.specs[self._figure] = (self.specs[self._figure] or "") + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_spec = False
        elif tag == "figure":
            self._figure = None


def _mark_groups(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if "marktype" in node:
        yield node
    for item in node.get("items", ()):
        if isinstance(item, dict):
            yield from _mark_groups(item)


def _laid_out(item: dict[str, Any]) -> bool:
    """Placed at finite coordinates and, for a bar or cell, of non-zero size (as the browser check asks)."""
    numbers = [item.get("x"), item.get("y"), *(item[k] for k in ("width", "height") if k in item)]
    if not all(isinstance(v, int | float) and math.isfinite(v) for v in numbers):
        return False
    return all(item[k] > 0 for k in ("width", "height") if k in item)


def data_marks(spec: dict[str, Any]) -> int:
    """The data marks Vega lays out for a Vega-Lite spec, rendered headless by vl-convert (no browser)."""
    scene = vl_convert.vegalite_to_scenegraph(spec)["scenegraph"]
    return sum(
        sum(1 for item in group.get("items", ()) if _laid_out(item))
        for group in _mark_groups(scene)
        if str(group.get("name", "")).startswith(DATA_MARK_PREFIX)
    )


@dataclass(frozen=True)
class PageCheck:
    problems: list[str]
    marks: dict[str, int]


def check_page(page: str, expected: int | None = None) -> PageCheck:
    """The page's own check, without a browser: every chart carries a spec that Vega draws with data marks."""
    reader = _FigureReader()
    reader.feed(page)
    problems = []
    marks: dict[str, int] = {}
    if expected is not None and len(reader.specs) != expected:
        problems.append(f"{len(reader.specs)} charts on the page, {expected} expected")
    for name, text in reader.specs.items():
        if text is None:
            problems.append(f"chart {name} has no spec")
            continue
        try:
            marks[name] = data_marks(json.loads(text))
        except ValueError as error:  # bad JSON, or a spec Vega-Lite refuses
            problems.append(f"chart {name} does not render: {error}")
            continue
        if marks[name] == 0:
            problems.append(f"chart {name} has no data marks")
    return PageCheck(problems, marks)


def write_report(db: Path, out: Path) -> tuple[str, PageCheck]:
    chart_list = build_charts(load(db))
    page = render_page(chart_list, provenance(db))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return page, check_page(page, expected=len(chart_list))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help=f"warehouse file (default {DEFAULT_DB})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"HTML file to write (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    if not args.db.is_file():
        print(
            f"report: the warehouse {args.db} does not exist: run `make build` first (it publishes "
            f"warehouse/digital_city.duckdb), or pass --db <file>",
            file=sys.stderr,
        )
        return 2
    try:
        page, check = write_report(args.db, args.out)
    except duckdb.Error as error:
        print(
            f"report: cannot read the marts of {args.db} (a warehouse published before a mart existed? run "
            f"`make build` to publish it again): {error}",
            file=sys.stderr,
        )
        return 1
    for problem in check.problems:
        print(f"report: {problem}", file=sys.stderr)
    size = len(page.encode("utf-8"))
    print(
        f"wrote {args.out} ({size / 1024:.1f} KiB, {len(check.marks)} charts, "
        + ", ".join(f"{k} {v} marks" for k, v in check.marks.items())
        + ")"
    )
    return 1 if check.problems else 0
