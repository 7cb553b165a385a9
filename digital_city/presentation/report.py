"""The visual report: one offline HTML page with inline SVG charts, read from the marts of a warehouse file.

    python -m digital_city report --db warehouse/digital_city.duckdb --out build/report/index.html

The database is opened read-only. The page loads nothing from the network (a Content-Security-Policy forbids it)
and carries a tiny inline script that checks every chart holds an <svg> with data marks, sets
<body data-rendered="n">, and reports each problem with console.error (digital_city/tests/test_report_browser.py reads both).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb

from digital_city.presentation import charts as charts
from digital_city.publishing.release import source_commit
from digital_city.presentation.svg import MARK, esc
from digital_city.project import ROOT

DEFAULT_DB = Path("warehouse/digital_city.duckdb")
DEFAULT_OUT = Path("build/report/index.html")
SCHEMA = "marts"

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
    "membership_sources": "select distinct source_url from marts.fct_city_pilot_membership "
    "where program_key like 'broadband_china_%' order by source_url",
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
        charts.broadband_provinces(
            data["province_coverage"], data["pilot_programs"], [r["source_url"] for r in data["membership_sources"]]
        ),
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
    """The warehouse's build time and commit from the publish manifest; the checkout's commit when unpublished."""
    now = time.strftime("%Y-%m-%d %H:%M:%S %z")
    manifest = db.parent / "parquet" / "manifest.json"
    if manifest.is_file():
        meta = json.loads(manifest.read_text(encoding="utf-8"))
        return Provenance(now, db.name, meta.get("built_at"), meta.get("source_commit", "unknown"), "publish manifest")
    return Provenance(now, db.name, None, source_commit(ROOT), "git checkout (no publish manifest beside the database)")


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
.chart svg{display:block;width:100%;height:auto;font-family:inherit}
ul.legend{list-style:none;margin:8px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:4px 18px;font-size:12.5px}
ul.legend li{display:flex;align-items:center;gap:6px}
ul.legend i{display:inline-block;width:12px;height:12px;flex:none}
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

# Counts the charts that hold an <svg> with at least one laid-out data mark; everything else is a console error.
SCRIPT = """
(function () {
  var t0 = performance.now();
  var figures = document.querySelectorAll("figure.chart");
  var expected = Number(document.body.dataset.expectedCharts);
  var ok = 0;
  if (figures.length !== expected) {
    console.error("report check: " + figures.length + " charts on the page, " + expected + " expected");
  }
  figures.forEach(function (figure) {
    var name = figure.dataset.chart;
    var svg = figure.querySelector("svg");
    var marks = svg ? svg.querySelectorAll(".mark") : [];
    var drawn = 0;
    marks.forEach(function (m) {
      var box = m.getBoundingClientRect();
      if (box.width > 0 && box.height > 0) { drawn += 1; }
    });
    figure.dataset.marks = String(drawn);
    if (!svg) {
      console.error("report check: chart " + name + " has no svg");
    } else if (svg.getBoundingClientRect().width === 0) {
      console.error("report check: chart " + name + " has an svg of zero width");
    } else if (drawn === 0) {
      console.error("report check: chart " + name + " has no visible data marks");
    } else {
      ok += 1;
    }
  });
  document.body.dataset.rendered = String(ok);
  document.body.dataset.checkMs = (performance.now() - t0).toFixed(1);
})();
"""


def figure_html(chart: charts.Chart) -> str:
    legend = ""
    if chart.legend:
        legend = (
            "<ul class=legend>"
            + "".join(f'<li><i style="{esc(style)}"></i>{esc(label)}</li>' for style, label in chart.legend)
            + "</ul>"
        )
    notes = "".join(f"<p class=notes>{esc(n)}</p>" for n in chart.notes)
    sources = "<br>".join(esc(s) for s in chart.sources) or "—"
    return (
        f'<figure class="chart" data-chart="{esc(chart.key)}">'
        f"<figcaption><h2>{esc(chart.title_zh)}</h2><p>{esc(chart.title_en)}</p></figcaption>"
        f"{chart.svg}{legend}{chart.extra_html}{notes}"
        f"<p class=source>资料来源 / Source: {sources}</p>"
        "</figure>"
    )


def render_page(chart_list: list[charts.Chart], meta: Provenance) -> str:
    built = f"，仓库构建于 / warehouse built {meta.warehouse_built}" if meta.warehouse_built else ""
    footer = (
        f"页面生成 / page built {meta.page_built} · 数据库 / database {meta.database}{built} · "
        f"源代码提交 / source commit {meta.source_commit}（{meta.commit_origin}）"
    )
    return (
        "<!doctype html><html lang=zh-CN><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width,initial-scale=1">'
        # Offline by construction: nothing may be fetched, only inline style and script run.
        "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'; img-src data:\">"
        "<title>建设数字城市，释放数字生命力 · 数据图解</title>"
        f"<style>{CSS}</style></head>"
        f'<body data-expected-charts="{len(chart_list)}">'
        "<header><h1>建设数字城市，释放数字生命力 · 数据图解</h1>"
        "<p>Building digital cities, releasing digital vitality (BCG × APEC China Business Council × 抖音, 2020): "
        "the report's figures, charted from the warehouse marts. 实心为报告值，空心为本项目推算 · filled marks are "
        "reported figures, hollow marks are derived here.</p></header>"
        "<main>" + "".join(figure_html(c) for c in chart_list) + "</main>"
        f"<footer>{esc(footer)}</footer>"
        f"<script>{SCRIPT}</script></body></html>"
    )


class _FigureCounter(HTMLParser):
    """Counts, per <figure class="chart">, the <svg> elements and the data marks inside them."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, dict[str, int]] = {}
        self._current: str | None = None
        self._depth = 0
        self._in_svg = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "figure" and "chart" in (a.get("class") or "").split():
            self._current = a.get("data-chart") or f"unnamed-{len(self.figures)}"
            self.figures[self._current] = {"svg": 0, "marks": 0}
            self._depth = 0
        if self._current is None:
            return
        if tag == "figure":
            self._depth += 1
        if tag == "svg":
            self.figures[self._current]["svg"] += 1
            self._in_svg += 1
        elif self._in_svg and MARK in (a.get("class") or "").split():
            self.figures[self._current]["marks"] += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self._current is None:
            return
        if tag == "svg":
            self._in_svg -= 1
        if tag == "figure":
            self._depth -= 1
            if self._depth == 0:
                self._current = None


def check_page(page: str, expected: int | None = None) -> list[str]:
    """The page's own check, without a browser: every chart has an <svg> holding at least one data mark."""
    counter = _FigureCounter()
    counter.feed(page)
    problems = []
    if expected is not None and len(counter.figures) != expected:
        problems.append(f"{len(counter.figures)} charts on the page, {expected} expected")
    for name, counts in counter.figures.items():
        if counts["svg"] == 0:
            problems.append(f"chart {name} has no svg")
        elif counts["marks"] == 0:
            problems.append(f"chart {name} has no data marks")
    return problems


def mark_counts(page: str) -> dict[str, int]:
    counter = _FigureCounter()
    counter.feed(page)
    return {name: counts["marks"] for name, counts in counter.figures.items()}


def write_report(db: Path, out: Path) -> tuple[str, list[str]]:
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
        page, problems = write_report(args.db, args.out)
    except duckdb.Error as error:
        print(
            f"report: cannot read the marts of {args.db} (a warehouse published before a mart existed? run "
            f"`make build` to publish it again): {error}",
            file=sys.stderr,
        )
        return 1
    for problem in problems:
        print(f"report: {problem}", file=sys.stderr)
    marks = mark_counts(page)
    size = len(page.encode("utf-8"))
    print(
        f"wrote {args.out} ({size / 1024:.1f} KiB, {len(marks)} charts, "
        + ", ".join(f"{k} {v} marks" for k, v in marks.items())
        + ")"
    )
    return 1 if problems else 0

