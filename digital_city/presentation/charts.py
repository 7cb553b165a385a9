"""The six charts of the visual report as Vega-Lite specs (built with Vega-Altair) from plain rows read from the marts.

A chart function returns a Chart; digital_city/presentation/report.py embeds its spec in <figure class="chart">, and
the Vega runtime inlined in the page draws it. Layers that stand for data values are named `data_*`: Vega draws each
in <g class="... data_<name>_marks">, which is what the page's check counts, so an empty or broken chart is caught.
Every data mark carries a tooltip with the figure as printed, the report's quote and the source.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape as esc
from typing import Any

import altair as alt

Row = Mapping[str, Any]

INK = "#1d2433"
MUTED = "#5b6472"
GRID = "#e3e6eb"
FONT = '"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif'
WIDTH = 780  # the plot width that fits a figure of the page (1000px less margins, axes and legends)
# One palette for the whole page: categorical series take colours in this order.
PALETTE = ("#1f5f8b", "#e07a1f", "#3a9d8f", "#c0392b", "#7b5ea7", "#8c6d46", "#5d8a2f", "#d4a017")
TINTS = ("#cfe0ee", "#fbdcbf", "#cde9e5", "#f3c9c4", "#e0d6ee", "#e6dccd", "#d9e8cc", "#f6e6b0")
HIGHLIGHT = PALETTE[3]
VERDICT_COLOURS = {
    "holds": "#2e8b57",
    "holds_under_assumption": "#d4a017",
    "fails": "#c0392b",
    "cannot_be_checked": "#8a8f98",
}
VERDICT_ORDER = ("holds", "holds_under_assumption", "fails", "cannot_be_checked")
QUALIFIER_GLYPHS = {"more_than": "≥", "at_least": "≥", "nearly": "≲", "approximately": "≈", "exact": ""}
LOWER_BOUND = ("more_than", "at_least")

# Tooltip rows shared by every chart; each data row carries these three fields.
PRINTED = alt.Tooltip("printed:N", title="原文数值 · as printed")
QUOTE = alt.Tooltip("quote:N", title="原文 · quote")
SOURCE = alt.Tooltip("source:N", title="来源 · source")
# The market mart keeps amounts, not the printed words: its reported USD figures are shown in the printed unit.
REPORTED_FIGURE = alt.Tooltip("printed:N", title="报告数值 · reported figure")


@dataclass(frozen=True)
class Chart:
    key: str
    title_zh: str
    title_en: str
    spec: dict[str, Any]  # a Vega-Lite spec, JSON-ready
    sources: tuple[str, ...]
    extra_html: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)


def num(value: Any) -> float:
    if value is None:
        raise ValueError("a chart value is missing")
    return float(value)


def source_line(section: str | None, cited: str | None) -> str:
    parts = []
    if section:
        parts.append(f"报告章节 / report section「{section}」")
    if cited:
        parts.append(f"报告引用 / cited: {cited}")
    return "；".join(parts)


def distinct(values: Sequence[Any]) -> list[Any]:
    seen: list[Any] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def fmt_int(value: float) -> str:
    return f"{round(value):,}"


def fmt_value(value: Any, unit: str | None) -> str:
    """A recomputed figure in the unit people read it in (亿元 for CNY, % for percent points)."""
    if value is None:
        return "—"
    v = num(value)
    if unit == "cny":
        return f"{v / 1e8:,.1f}亿元"
    if unit == "usd":
        return f"{v / 1e8:,.1f}亿美元"
    if unit == "percent":
        return f"{v:,.1f}%"
    if unit == "multiple":
        return f"{v:,.2f}倍"
    if unit in ("count", "persons"):
        return fmt_int(v) if v.is_integer() else f"{v:,.2f}"
    return f"{v:,.4g}"


def data(rows: Sequence[Mapping[str, Any]]) -> alt.Data:
    return alt.Data(values=[dict(r) for r in rows])


def legend(title: str | None = None, **extra: Any) -> alt.Legend:
    return alt.Legend(title=title, orient="bottom", direction="vertical", labelLimit=WIDTH, titleLimit=WIDTH, **extra)


def finish(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The page's look, set once: the CJK font, muted axes, no frame around views; then the JSON-ready spec."""
    return (
        chart.configure(font=FONT, padding=4)
        .configure_view(stroke=None)
        .configure_axis(labelColor=MUTED, titleColor=MUTED, labelFontSize=11, titleFontSize=11, gridColor=GRID)
        .configure_legend(
            labelFontSize=12,
            titleFontSize=12,
            symbolStrokeWidth=2,
            titleColor=INK,
            # Legends below the plot, one under another, so they never widen the chart.
            layout={"expr": "{bottom: {anchor: 'start', direction: 'vertical', margin: 8, offset: 30}}"},
        )
        .configure_title(anchor="start", fontSize=13, color=INK, subtitleColor=MUTED, subtitleFontSize=11)
        .to_dict()
    )


# a) pilot designations ------------------------------------------------------------------------------------------


def pilot_designations(rows: Sequence[Row], programs: Sequence[Row]) -> Chart:
    """Stacked bars of designations per year, one segment per printed programme coloured by lead ministry, with the
    running total as a line and the report's round 700 as a rule."""
    program_of = {p["program_key"]: p for p in programs}
    ordered = sorted(rows, key=lambda r: r["table_row_order"])
    ministries = distinct(
        [(r["lead_ministry_code"], f"{r['lead_ministry_zh']} · {r['lead_ministry_en']}") for r in ordered]
    )
    rank = {code: i for i, (code, _) in enumerate(ministries)}
    segments = []
    for r in ordered:
        program = program_of.get(r["program_key"], {})
        segments.append(
            {
                "year": str(r["designation_year"]),
                "ministry": f"{r['lead_ministry_zh']} · {r['lead_ministry_en']}",
                "programme": f"{r['program_name_zh']} · {r.get('program_name_en') or ''}".rstrip(" ·"),
                "count": int(r["designation_count"]),
                "stack_order": rank[r["lead_ministry_code"]] * 1000 + int(r["table_row_order"]),
                "printed": str(r["designation_count"]),
                "quote": program.get("quote_zh") or "",
                "source": source_line(program.get("report_section"), program.get("cited_source")),
            }
        )
    years = (
        [str(y) for y in range(min(r["designation_year"] for r in rows), max(r["designation_year"] for r in rows) + 1)]
        if rows
        else []
    )
    running = [
        {
            "year": str(year),
            "total": max(int(r["running_designations_through_year"]) for r in rows if r["designation_year"] == year),
        }
        for year in sorted({r["designation_year"] for r in rows})
    ]
    year_axis = alt.Axis(title=None, labelAngle=0, labelColor=INK, labelFontSize=12)
    year_scale = alt.Scale(domain=years, paddingInner=0.35, paddingOuter=0.2)
    x = alt.X("year:O", scale=year_scale, axis=year_axis)
    stacked = alt.Chart().transform_stack(
        stack="count", groupby=["year"], sort=[alt.SortField("stack_order")], as_=["y0", "y1"]
    )
    bars = (
        stacked.mark_bar(stroke="#fff", strokeWidth=1)
        .encode(
            x=x,
            y=alt.Y("y0:Q", title="试点数 / designations"),
            y2="y1:Q",
            color=alt.Color(
                "ministry:N",
                scale=alt.Scale(domain=[label for _, label in ministries], range=list(PALETTE)),
                legend=legend("主导部委 · lead ministry"),
            ),
            tooltip=[
                alt.Tooltip("year:N", title="年份 · year"),
                alt.Tooltip("programme:N", title="试点 · programme"),
                alt.Tooltip("ministry:N", title="主导部委 · lead ministry"),
                PRINTED,
                QUOTE,
                SOURCE,
            ],
        )
        .properties(name="data_designations")
    )
    counts = (
        stacked.transform_filter("datum.count >= 30")
        .transform_calculate(mid="(datum.y0 + datum.y1) / 2")
        .mark_text(color="#fff", fontSize=10.5)
        .encode(x=x, y="mid:Q", text="count:Q")
    )
    year_totals = (
        alt.Chart()
        .transform_aggregate(total="sum(count)", groupby=["year"])
        .mark_text(dy=-8, fontWeight="bold", fontSize=12, color=INK)
        .encode(x=x, y="total:Q", text="total:Q")
    )
    empty = [{"year": y} for y in years if y not in {s["year"] for s in segments}]
    no_batch = (
        alt.Chart(data(empty))
        .mark_text(dy=-8, color=MUTED, fontSize=10.5, text="无新批次 none")
        .encode(x=x, y=alt.datum(0))
    )
    # Plotted at the band's right edge (the end of the year), clear of the year total above the bar.
    at_year_end = alt.X("year:O", bandPosition=1, scale=year_scale, axis=year_axis)
    # Shape and stroke share one legend: a hollow dark circle for the derived running total.
    kind_legend = legend(None)
    kind = {
        "shape": alt.Shape("kind:N", scale=alt.Scale(range=["circle"]), legend=kind_legend),
        "stroke": alt.Stroke("kind:N", scale=alt.Scale(range=[INK]), legend=kind_legend),
    }
    total_line = (
        alt.Chart(data(running))
        .transform_calculate(kind="'累计试点数（线，本项目推算）· running total (line, derived here)'")
        .encode(x=at_year_end, y="total:Q")
    )
    line = total_line.mark_line(color=INK, strokeWidth=2)
    points = (
        total_line.mark_point(filled=False, fill="#fff", stroke=INK, strokeWidth=2, size=70, opacity=1)
        .encode(
            **kind,
            tooltip=[
                alt.Tooltip("year:N", title="年份 · year"),
                alt.Tooltip("total:Q", title="累计（推算）· running total (derived)"),
            ],
        )
        .properties(name="data_running_total")
    )
    point_labels = (
        total_line.mark_text(dx=8, dy=-10, align="left", fontSize=10.5, color=INK)
        .encode(text=alt.Text("label:N"))
        .transform_calculate(label="'累计 ' + datum.total")
    )
    sections = distinct([(p["report_section"], p["cited_source"]) for p in programs])
    # The report's own round figure (its section title), so the reader sees the total pass it.
    section, cited = sections[0] if sections else ("", "")
    reference = alt.Chart(
        data([{"value": 700, "printed": "超过700个", "quote": section, "source": source_line(section, cited)}])
    )
    rule = reference.mark_rule(color=HIGHLIGHT, strokeDash=[5, 4]).encode(y="value:Q", tooltip=[PRINTED, QUOTE, SOURCE])
    rule_label = reference.mark_text(
        align="left", x=6, dy=-7, color=HIGHLIGHT, fontSize=10.5, text="报告：超过700个 · report: more than 700"
    ).encode(y="value:Q")
    chart = (
        # The layers without data of their own share the segments, held once in the spec.
        alt.layer(
            rule, bars, counts, year_totals, no_batch, line, points, point_labels, rule_label, data=data(segments)
        )
        .properties(width=WIDTH, height=360)
        .resolve_scale(x="shared")
    )
    return Chart(
        key="pilot_designations",
        title_zh="国家数字城市试点：各年批次与主导部委",
        title_en="National digital-city pilot designations by year and lead ministry, with the running total",
        spec=finish(chart),
        sources=tuple(source_line(s, c) for s, c in sections),
        notes=(
            "试点数为批次数，同一城市可多次入选 · Designations, not distinct cities: a city can hold several. "
            "Running total and yearly sums are derived from the 13 printed counts.",
        ),
    )


# b) market size -------------------------------------------------------------------------------------------------

MARKET_SERIES = (
    # (measure_code, multiplier_reading, colour, dash, label)
    (
        "core_tech_investment",
        "not_applicable",
        PALETTE[0],
        [1, 0],
        "核心技术投资（IDC）· core technology investment (IDC)",
    ),
    ("total_market", "on_top", PALETTE[1], [6, 3], "市场总规模，配套另加~3倍 · total market, ~3x on top (4x core)"),
    ("total_market", "in_total", PALETTE[2], [6, 3], "市场总规模，合计~3倍 · total market, ~3x in total (3x core)"),
)
REPORTED = "实心：报告值 · filled: reported (IDC, USD)"
# A ring in Vega's unit square (outer circle clockwise, inner counter-clockwise, so the middle stays empty): a filled
# shape that reads as hollow, which lets one shape legend show filled = reported, hollow = derived.
RING = "M-1,0A1,1,0,1,1,1,0A1,1,0,1,1,-1,0ZM-0.5,0A0.5,0.5,0,1,0,0.5,0A0.5,0.5,0,1,0,-0.5,0Z"
DERIVED = "空心：本项目推算 · hollow: derived here (interpolation, ~3倍 readings, CNY conversions)"
HEADLINE = "三角：报告标题“超万亿”（下限）· triangle: the report's headline, a lower bound"
CURRENCIES = (
    # (value column, panel title, axis title, printed unit)
    ("value_usd", "美元 · USD", "亿美元 / USD 100m", "亿美元"),
    ("value_cny", "人民币 · CNY（按当年年均汇率换算 · at each year's average rate）", "亿元 / CNY 100m", "亿元"),
)

FX_SOURCE = (
    "参考数据 / reference: 人民币兑美元年平均汇率 annual average CNY per USD, Federal Reserve H.10 via FRED "
    "(AEXCHUS), DataHub exchange-rates (ODC-PDDL)"
)


def market_source(rows: Sequence[Row]) -> str:
    """The source line of the IDC figures every derived row rests on, as fct_market_size carries it."""
    idc = next((r for r in rows if r["measure_code"] == "core_tech_investment"), {})
    return source_line(idc.get("report_section"), idc.get("cited_source"))


def _market_panel(rows: Sequence[Row], headline: Row | None, currency: tuple[str, str, str, str]) -> alt.LayerChart:
    column, title, axis_title, unit = currency
    name = column.removeprefix("value_")
    points = []
    for measure, reading, _, _, label in MARKET_SERIES:
        for r in rows:
            if r["measure_code"] != measure or r["multiplier_reading"] != reading or r[column] is None:
                continue
            value = num(r[column]) / 1e8
            # Only the IDC dollar figures are printed in the report; every CNY value is a conversion.
            reported = r["figure_status"] == "reported" and column == "value_usd"
            points.append(
                {
                    "year": str(r["market_year"]),
                    "series": label,
                    "value": value,
                    "status": REPORTED if reported else DERIVED,
                    "printed": f"{value:,.0f}{unit}" if reported else "—（推算 · derived）",
                    "how": r.get("derivation_method") or "",
                    "source": source_line(r.get("report_section"), r.get("cited_source")),
                }
            )
    last_year = max((p["year"] for p in points), default="")
    series = [label for *_, label in MARKET_SERIES]
    x = alt.X("year:O", axis=alt.Axis(title=None, labelAngle=0, labelColor=INK), scale=alt.Scale(padding=0.4))
    y = alt.Y("value:Q", title=axis_title, scale=alt.Scale(zero=True))
    colour = alt.Scale(domain=series, range=[c for _, _, c, _, _ in MARKET_SERIES])
    # Every channel of the series shares one legend, so Vega-Lite merges them into one (colour, dash, fill).
    series_legend = legend("系列 · series")
    # One shape scale for both panels: filled circle, ring, and the headline's triangle.
    status = alt.Shape(
        "status:N",
        scale=alt.Scale(domain=[REPORTED, DERIVED, HEADLINE], range=["circle", RING, "triangle-up"]),
        legend=legend("报告值与推算值 · reported and derived", symbolFillColor=INK, symbolSize=90),
    )
    base = alt.Chart().encode(x=x, y=y)
    lines = base.mark_line(strokeWidth=2).encode(
        color=alt.Color("series:N", scale=colour, legend=series_legend),
        strokeDash=alt.StrokeDash(
            "series:N",
            scale=alt.Scale(domain=series, range=[d for _, _, _, d, _ in MARKET_SERIES]),
            legend=series_legend,
        ),
    )
    # White discs under the hollow points, so the line does not run through them.
    masks = base.mark_point(filled=True, fill="#fff", size=60, opacity=1)
    marks = (
        base.mark_point(filled=True, size=70, opacity=1)
        .encode(
            fill=alt.Fill("series:N", scale=colour, legend=series_legend),
            shape=status,
            tooltip=[
                alt.Tooltip("series:N", title="系列 · series"),
                alt.Tooltip("year:N", title="年份 · year"),
                alt.Tooltip("value:Q", title=axis_title, format=",.1f"),
                alt.Tooltip("status:N", title="类型 · status"),
                REPORTED_FIGURE,
                alt.Tooltip("how:N", title="推算方法 · how derived"),
                SOURCE,
            ],
        )
        .properties(name=f"data_{name}_points")
    )
    end_labels = (
        base.transform_filter(alt.datum.year == last_year)
        .mark_text(align="left", dx=9, fontWeight="bold", fontSize=10.5)
        .encode(
            text=alt.Text("value:Q", format=",.0f"), color=alt.Color("series:N", scale=colour, legend=series_legend)
        )
    )
    layers: list[alt.Chart] = [lines, masks, marks, end_labels]
    if headline is not None and column == "value_cny":
        value = num(headline["value_cny"]) / 1e8
        top = alt.Chart(
            data(
                [
                    {
                        "year": str(headline["market_year"]),
                        "value": value,
                        "status": HEADLINE,
                        "printed": f"超万亿（{headline['qualifier']}）",
                        "how": headline.get("derivation_method") or "",
                        "source": source_line(headline.get("report_section"), headline.get("cited_source")),
                    }
                ]
            )
        ).encode(y=y)
        layers += [
            top.mark_rule(color=HIGHLIGHT, strokeDash=[5, 4]),
            top.mark_point(filled=True, size=150, color=HIGHLIGHT, opacity=1)
            .encode(
                x=x,
                # The headline is a lower bound: an upward triangle, as the campaign chart's arrows say "more than".
                shape=status,
                tooltip=[
                    alt.Tooltip("year:N", title="年份 · year"),
                    alt.Tooltip("value:Q", title=axis_title, format=",.0f"),
                    REPORTED_FIGURE,
                    alt.Tooltip("how:N", title="说明 · note"),
                    SOURCE,
                ],
            )
            .properties(name="data_cny_headline"),
            top.mark_text(
                align="left",
                x=8,
                dy=-16,
                color=HIGHLIGHT,
                fontSize=10.5,
                fontWeight="bold",
                text=f"▲ 报告标题：{headline['market_year']}年超万亿（下限）",
            ),
            top.mark_text(
                align="left", x=8, dy=12, color=HIGHLIGHT, fontSize=10.5, text="report: > CNY 1 trillion (lower bound)"
            ),
        ]
    return alt.layer(*layers, data=data(points)).properties(width=WIDTH / 2 - 85, height=300, title=alt.Title(title))


def market_size(rows: Sequence[Row]) -> Chart:
    """Two panels, USD and CNY, of the 2018-2023 path: reported points filled, derived hollow, headline triangle."""
    headline = next((r for r in rows if r["multiplier_reading"] == "as_reported"), None)
    chart = alt.hconcat(*(_market_panel(rows, headline, c) for c in CURRENCIES), spacing=40).resolve_scale(
        y="independent"
    )
    cagr = next((r["core_cagr_pct"] for r in rows if r.get("core_cagr_pct") is not None), None)
    notes = (
        "“~3倍”有两种读法：配套投资另加核心投资的3倍（总规模=4倍核心），或总规模为核心的3倍。 "
        "~3倍 is read two ways: supporting investment 3x the core on top (total 4x core), or a total of 3x the core.",
    )
    if cagr is not None:
        notes += (
            f"2019–2022年为按隐含年均增长率 {num(cagr):.2f}% 插值 · 2019-2022 interpolated at the implied CAGR "
            f"of {num(cagr):.2f}%.",
        )
    return Chart(
        key="market_size",
        title_zh="智慧城市市场规模 2018–2023：报告值与推算值",
        title_en="Smart-city market size 2018-2023: reported and derived, both readings of ~3倍, in USD and CNY",
        spec=finish(chart),
        sources=(market_source(rows), FX_SOURCE),
        notes=notes,
    )


# c) rank tables by generation ------------------------------------------------------------------------------------

RANK_TABLE_EN = {
    "info_channels": "Where each generation learns about a city (rank 1-3)",
    "focus": "What each generation looks at in a city (rank 1-3)",
}


def _rank_grid(rows: Sequence[Row], name: str, classes: alt.Scale, footnotes: list[str]) -> alt.LayerChart:
    generations = distinct(
        [f"{r['generation_zh']}\n{r['generation_en']}" for r in sorted(rows, key=lambda r: r["generation_key"])]
    )
    cells = []
    for r in rows:
        label = r["item_zh"]
        if r.get("item_footnote_zh"):
            if r["item_footnote_zh"] not in footnotes:
                footnotes.append(r["item_footnote_zh"])
            label += "*" * (footnotes.index(r["item_footnote_zh"]) + 1)
        cells.append(
            {
                "generation": f"{r['generation_zh']} · {r['generation_en']}",
                "generation_label": f"{r['generation_zh']}\n{r['generation_en']}",
                "rank": f"No.{r['item_rank']}",
                "item_class": f"{r['item_type_zh']} · {r['item_type_en']}",
                "label_zh": label,
                "label_en": "\n".join(textwrap.wrap(r["item_en"], 20)[:2]),
                "item": f"{r['item_zh']} · {r['item_en']}",
                "printed": f"No.{r['item_rank']} {r['item_zh']}",
                "quote": r.get("quote_zh") or "",
                "source": source_line(r.get("report_section"), r.get("cited_source")),
            }
        )
    x = alt.X(
        "generation_label:N",
        sort=generations,
        axis=alt.Axis(
            orient="top",
            title=None,
            labelAngle=0,
            domain=False,
            ticks=False,
            labelColor=INK,
            labelFontSize=12,
            labelPadding=6,
            labelExpr="split(datum.label, '\\n')",  # Chinese over English
        ),
    )
    y = alt.Y(
        "rank:O",
        axis=alt.Axis(title=None, domain=False, ticks=False, labelColor=INK, labelFontWeight="bold", labelFontSize=12),
    )
    base = alt.Chart().encode(x=x, y=y)
    tiles = (
        base.mark_rect(cornerRadius=4, stroke="#fff", strokeWidth=4)
        .encode(
            color=alt.Color("item_class:N", scale=classes, legend=legend("类别 · item class", columns=4)),
            tooltip=[
                alt.Tooltip("generation:N", title="世代 · generation"),
                alt.Tooltip("item:N", title="项 · item"),
                alt.Tooltip("item_class:N", title="类别 · class"),
                PRINTED,
                QUOTE,
                SOURCE,
            ],
        )
        .properties(name=f"data_{name}_cells")
    )
    zh = base.mark_text(dy=-8, fontSize=14, fontWeight="bold", color=INK).encode(text="label_zh:N")
    en = base.mark_text(dy=10, baseline="top", fontSize=10.5, color=MUTED, lineBreak="\n").encode(text="label_en:N")
    title = alt.Title(rows[0]["table_title_zh"] if rows else name, subtitle=RANK_TABLE_EN[name])
    return alt.layer(tiles, zh, en, data=data(cells)).properties(width=WIDTH / 2 - 60, height=64 * 3, title=title)


def generation_ranks(channel_rows: Sequence[Row], focus_rows: Sequence[Row]) -> Chart:
    """The two survey rank tables as grids (generation x rank), cells coloured by item class."""
    everything = [*channel_rows, *focus_rows]
    classes = distinct([f"{r['item_type_zh']} · {r['item_type_en']}" for r in everything])
    scale = alt.Scale(domain=classes, range=[TINTS[i % len(TINTS)] for i in range(len(classes))])
    footnotes: list[str] = []
    grids = [
        _rank_grid(channel_rows, "info_channels", scale, footnotes),
        _rank_grid(focus_rows, "focus", scale, footnotes),
    ]
    notes = tuple(f"{'*' * (i + 1)} {note}" for i, note in enumerate(footnotes))
    first = next(iter(everything), None)
    if first is not None:
        notes += (
            f"{first['survey_name_zh']}，N={int(first['sample_size']):,} · Douyin user survey, "
            f"{int(first['sample_size']):,} respondents; ranks only, the report prints no shares.",
        )
    return Chart(
        key="generation_ranks",
        title_zh="各世代了解城市的渠道与关注的城市维度（排名）",
        title_en="How each generation learns about a city and what it looks at: ranks 1-3 by generation",
        spec=finish(alt.hconcat(*grids, spacing=50)),
        sources=tuple(
            source_line(s, c) for s, c in distinct([(r["report_section"], r["cited_source"]) for r in everything])
        ),
        notes=notes,
    )


# d) campaign reach ------------------------------------------------------------------------------------------------

REACH_TYPES = {
    "plays": ("播放量", "plays"),
    "reads": ("阅读量", "reads"),
    "exposure": ("曝光量", "exposure"),
    "reach": ("覆盖人群", "people reached"),
    "likes": ("点赞数", "likes"),
}
ARROW_RIGHT = "箭头向右：下限（超过、以上、突破）· arrow right: a lower bound"
ARROW_LEFT = "箭头向左：近（略低于）· arrow left: nearly (just under)"
# Bilingual labels of the log axis: 1亿 · 100M. Chinese counts in 万 (1e4) and 亿 (1e8); English in K/M/B.
LOG_LABEL = (
    "(datum.value >= 1e8 ? format(datum.value / 1e8, '~g') + '亿' : datum.value >= 1e4 ? "
    "format(datum.value / 1e4, '~g') + '万' : format(datum.value, '~g')) + ' · ' + "
    "replace(format(datum.value, '~s'), 'G', 'B')"
)
IS_DECADE = "abs(log(datum.value) / LN10 - round(log(datum.value) / LN10)) < 1e-6"


def campaign_reach(rows: Sequence[Row]) -> Chart:
    """Audience figures of city campaigns on a log axis; a lower bound is drawn as a point with an arrow."""
    shown = sorted(
        (r for r in rows if r["metric_type"] in REACH_TYPES and r["value"] is not None),
        key=lambda r: (-num(r["value"]), r["campaign_metric_key"]),
    )
    types = [f"{zh} · {en}" for t, (zh, en) in REACH_TYPES.items() if any(r["metric_type"] == t for r in shown)]
    points = []
    for r in shown:
        year = f"{r['metric_year']} " if r.get("metric_year") else ""
        scope = f"（{r['metric_scope_zh']}）" if r.get("metric_scope_zh") else ""
        qualifier = r.get("qualifier") or "exact"
        zh, en = REACH_TYPES[r["metric_type"]]
        points.append(
            {
                "key": r["campaign_metric_key"],
                "label_zh": f"{r['city_zh']}{scope} {year}· {r['metric_zh']}",
                "label_en": f"{r['city_en']} · {r['metric_en']} · {r['platform_zh']}",
                "value": num(r["value"]),
                "metric": f"{zh} · {en}",
                "qualifier": qualifier,
                "arrow": ARROW_RIGHT if qualifier in LOWER_BOUND else ARROW_LEFT if qualifier == "nearly" else "",
                "qualifier_label": f"{QUALIFIER_GLYPHS.get(qualifier, '')} {r.get('qualifier_en') or ''}".strip(),
                "qualifier_text": f"{r.get('qualifier_zh') or ''} {r.get('qualifier_en') or ''}".strip(),
                "printed": r["value_raw"],
                "quote": r.get("quote_zh") or "",
                "source": source_line(r.get("report_section"), r.get("cited_source")),
            }
        )
    colours = {f"{zh} · {en}": PALETTE[i] for i, (zh, en) in enumerate(REACH_TYPES.values())}
    colour = alt.Scale(domain=types, range=[colours[t] for t in types])
    metric = alt.Color("metric:N", scale=colour, legend=legend("指标 · metric", columns=3))
    # Padding keeps a point off the axis ends, where its arrow would run into the labels.
    x = alt.X(
        "value:Q",
        scale=alt.Scale(type="log", padding=36, nice=False),
        axis=alt.Axis(
            title="对数刻度 · log scale",
            orient="top",
            labelExpr=f"{IS_DECADE} ? {LOG_LABEL} : ''",
            gridOpacity={"condition": {"test": IS_DECADE, "value": 1}, "value": 0.3},
            tickOpacity={"condition": {"test": IS_DECADE, "value": 1}, "value": 0},
        ),
    )
    base = alt.Chart().encode(y=alt.Y("key:N", sort=[p["key"] for p in points], axis=None))
    arrow = alt.Shape(
        "arrow:N",
        scale=alt.Scale(domain=[ARROW_RIGHT, ARROW_LEFT], range=["triangle-right", "triangle-left"]),
        legend=legend("限定词 · qualifier", symbolFillColor=MUTED, symbolStrokeColor=MUTED),
    )
    lower = base.transform_filter(alt.FieldOneOfPredicate(field="qualifier", oneOf=list(LOWER_BOUND)))
    nearly = base.transform_filter(alt.datum.qualifier == "nearly")
    layers = [
        base.mark_point(filled=True, size=115, opacity=1)
        .encode(
            x=x,
            color=metric,
            tooltip=[
                alt.Tooltip("label_zh:N", title="城市 · city"),
                alt.Tooltip("metric:N", title="指标 · metric"),
                PRINTED,
                alt.Tooltip("qualifier_text:N", title="限定词 · qualifier"),
                QUOTE,
                SOURCE,
            ],
        )
        .properties(name="data_campaign_points"),
        # Listed after the points, so the legend takes the points' look; it stops at the point's edge.
        base.mark_rule(strokeWidth=6, opacity=0.25, xOffset=-7).encode(x=x, x2=alt.value(0), color=metric),
        # Open to the right: the true figure is at least this.
        lower.mark_rule(strokeWidth=2, xOffset=6, x2Offset=20).encode(x=x, x2="value:Q", color=metric),
        lower.mark_point(filled=True, size=60, xOffset=24, opacity=1)
        .encode(x=x, color=metric, shape=arrow)
        .properties(name="qualifier_lower_bound"),
        nearly.mark_point(filled=True, size=60, xOffset=-13, opacity=1)
        .encode(x=x, color=metric, shape=arrow)
        .properties(name="qualifier_nearly"),
        base.mark_text(align="left", dx=36, dy=-6, fontWeight="bold", fontSize=12, color=INK).encode(
            x=x, text="printed:N"
        ),
        base.mark_text(align="left", dx=36, dy=9, fontSize=10.5, color=MUTED).encode(x=x, text="qualifier_label:N"),
        base.mark_text(align="right", x=-14, dy=-6, fontSize=12, color=INK).encode(text="label_zh:N"),
        base.mark_text(align="right", x=-14, dy=9, fontSize=10.5, color=MUTED).encode(text="label_en:N"),
    ]
    chart = alt.layer(*layers, data=data(points)).properties(width=WIDTH - 400, height=46 * max(len(points), 1))
    return Chart(
        key="campaign_reach",
        title_zh="城市推广活动的传播量：播放、阅读、曝光与覆盖",
        title_en="Reach of city-promotion campaigns compared across cities: plays, reads, exposure, people reached",
        spec=finish(chart),
        sources=tuple(
            source_line(s, c) for s, c in distinct([(r["report_section"], r["cited_source"]) for r in shown])
        ),
        notes=(
            "数值按报告原文标注；“超过”为下限，并非确数。不同指标口径不同，仅作量级比较。 Figures as printed; "
            "a 'more than' figure is a lower bound, not an exact count. The metrics differ, so compare orders of "
            "magnitude only.",
        ),
    )


# e) Broadband China by province -----------------------------------------------------------------------------------

WHOLE = "实色：整市入选 · solid: the whole prefecture designated"
SUB_UNIT = "浅色：仅所辖区县入选 · light: only a district or county-level city designated"


def broadband_provinces(rows: Sequence[Row], programs: Sequence[Row], list_sources: Sequence[Row]) -> Chart:
    """Prefecture-level units per province designated Broadband China demonstration cities, stacked by batch."""
    batch_keys = [
        p["program_key"]
        for p in sorted(programs, key=lambda p: p["table_row_order"])
        if p["program_family"] == "broadband"
    ]
    batch_keys += sorted({r["program_key"] for r in rows} - set(batch_keys))
    program_of = {p["program_key"]: p for p in programs}
    urls = {}
    for s in list_sources:
        urls.setdefault(s["program_key"], []).append(s["source_url"])
    years = {r["program_key"]: r["designation_year"] for r in rows}
    batch_label = {
        k: f"{program_of[k]['program_name_zh'] if k in program_of else k}（公布 announced {years.get(k, '')}）"
        for k in batch_keys
    }
    totals: dict[str, int] = {}
    for r in rows:
        totals[r["province_name_zh"]] = totals.get(r["province_name_zh"], 0) + int(r["designated_city_count"])
    provinces = sorted(
        totals, key=lambda p: (-totals[p], min(int(r["province_code"]) for r in rows if r["province_name_zh"] == p))
    )
    segments = []
    for r in rows:
        program = program_of.get(r["program_key"], {})
        for count, kind, order in ((r["member_city_count"], WHOLE, 0), (r["sub_unit_only_city_count"], SUB_UNIT, 1)):
            if not count:
                continue
            segments.append(
                {
                    "province": r["province_name_zh"],
                    "batch": batch_label[r["program_key"]],
                    "kind": kind,
                    "count": int(count),
                    "stack_order": batch_keys.index(r["program_key"]) * 10 + order,
                    "printed": str(program.get("designation_count", "")),
                    "quote": program.get("quote_zh") or "",
                    "source": "；".join(urls.get(r["program_key"], [])),
                }
            )
    shown_batches = [batch_label[k] for k in batch_keys if k in years]
    colour = alt.Scale(
        domain=shown_batches, range=[PALETTE[batch_keys.index(k) % len(PALETTE)] for k in batch_keys if k in years]
    )
    y = alt.Y(
        "province:N",
        sort=provinces,
        scale=alt.Scale(paddingInner=0.2),
        axis=alt.Axis(title=None, domain=False, ticks=False, labelColor=INK, labelFontSize=12),
    )
    stacked = alt.Chart().transform_stack(
        stack="count", groupby=["province"], sort=[alt.SortField("stack_order")], as_=["x0", "x1"]
    )
    bars = (
        stacked.mark_bar(stroke="#fff", strokeWidth=1)
        .encode(
            y=y,
            x=alt.X(
                "x0:Q",
                title="入选地级单位数（各批次分别计）· prefecture-level units, counted per batch",
                axis=alt.Axis(orient="top", tickMinStep=1),
            ),
            x2="x1:Q",
            color=alt.Color("batch:N", scale=colour, legend=legend("批次 · batch")),
            opacity=alt.Opacity(
                "kind:O",
                scale=alt.Scale(domain=[WHOLE, SUB_UNIT], range=[1, 0.35]),
                legend=legend("入选方式 · how designated", symbolFillColor=MUTED, symbolStrokeColor=MUTED),
            ),
            tooltip=[
                alt.Tooltip("province:N", title="省份 · province"),
                alt.Tooltip("batch:N", title="批次 · batch"),
                alt.Tooltip("kind:N", title="入选方式 · how"),
                alt.Tooltip("count:Q", title="地级单位 · prefecture-level units"),
                alt.Tooltip("printed:N", title="报告印刷的批次城市数 · batch size as printed"),
                QUOTE,
                alt.Tooltip("source:N", title="名单 · list"),
            ],
        )
        .properties(name="data_broadband_segments")
    )
    totals_text = (
        alt.Chart()
        .transform_aggregate(total="sum(count)", groupby=["province"])
        .mark_text(align="left", dx=6, fontSize=10.5, color=INK)
        .encode(y=y, x="total:Q", text="total:Q")
    )
    chart = alt.layer(bars, totals_text, data=data(segments)).properties(width=WIDTH - 140, height=alt.Step(19))
    sources = tuple(
        source_line(s, c)
        for s, c in distinct(
            [(program_of[k]["report_section"], program_of[k]["cited_source"]) for k in batch_keys if k in program_of]
        )
    )
    sources += (
        "参考数据 / reference: 工信部、发改委宽带中国示范城市名单 MIIT/NDRC Broadband China lists, "
        "transcribed (" + "; ".join(u for k in batch_keys for u in urls.get(k, [])) + ")",
    )
    return Chart(
        key="broadband_provinces",
        title_zh="“宽带中国”示范城市：各省入选地级单位",
        title_en="Broadband China demonstration cities by province (2014-2016 batches), prefecture-level units",
        spec=finish(chart),
        sources=sources,
        notes=(
            "城市群拆为成员城市（长株潭 → 长沙、株洲、湘潭）；区、县级市计入所属地级单位并以浅色标出。 "
            "A city cluster counts as its member cities; a district or county-level city is shown light under "
            "its prefecture.",
        ),
    )


# f) claim checks --------------------------------------------------------------------------------------------------


def claim_checks(rows: Sequence[Row]) -> Chart:
    """A verdict bar (one mark per verdict) above the full claim-check table with verdict colours."""
    ordered = sorted(rows, key=lambda r: r["claim_order"])
    # Known verdicts first in a fixed order; an unknown one still gets its bar (and a grey colour).
    verdicts = [*VERDICT_ORDER, *distinct([r["verdict"] for r in ordered if r["verdict"] not in VERDICT_ORDER])]
    groups = []
    for order, verdict in enumerate(verdicts):
        claims = [r for r in ordered if r["verdict"] == verdict]
        if claims:
            zh, en = claims[0]["verdict_zh"], claims[0]["verdict_en"]
            groups.append(
                {
                    "verdict": f"{zh} · {en}（{len(claims)}）",
                    "count": len(claims),
                    "order": order,
                    "claims": ", ".join(f"#{r['claim_order']}" for r in claims),
                    "printed": "；".join(r["stated_value_raw"] or "" for r in claims),
                }
            )
    total = len(ordered)
    colour = alt.Scale(
        domain=[g["verdict"] for g in groups],
        range=[VERDICT_COLOURS.get(v, MUTED) for v in verdicts if any(r["verdict"] == v for r in ordered)],
    )
    stacked = (
        alt.Chart()
        .transform_stack(stack="count", groupby=[], sort=[alt.SortField("order")], as_=["x0", "x1"])
        .encode(x=alt.X("x0:Q", axis=None, scale=alt.Scale(domain=[0, max(total, 1)], nice=False)))
    )
    bar = (
        stacked.mark_bar(stroke="#fff", strokeWidth=2, height=34)
        .encode(
            x2="x1:Q",
            color=alt.Color("verdict:N", scale=colour, legend=legend("结论 · verdict", columns=4)),
            tooltip=[
                alt.Tooltip("verdict:N", title="结论 · verdict"),
                alt.Tooltip("claims:N", title="论断 · claims (see the table)"),
                PRINTED,
            ],
        )
        .properties(name="data_verdicts")
    )
    counts = (
        stacked.transform_calculate(mid="(datum.x0 + datum.x1) / 2")
        .mark_text(color="#fff", fontWeight="bold", fontSize=13)
        .encode(x="mid:Q", text="count:Q")
    )
    chart = alt.layer(bar, counts, data=data(groups)).properties(
        width=WIDTH, height=40, title=alt.Title(f"共 {total} 条论断 · {total} claims checked", fontSize=11, color=MUTED)
    )
    body = []
    for r in ordered:
        verdict_colour = VERDICT_COLOURS.get(r["verdict"], MUTED)
        body.append(
            "<tr>"
            f"<td class=num>{esc(str(r['claim_order']))}</td>"
            f"<td><div>{esc(r['claim_zh'])}</div><div class=en>{esc(r['claim_en'])}</div></td>"
            f"<td>{esc(r['stated_value_raw'] or '')}</td>"
            f"<td class=num>{esc(fmt_value(r['recomputed_value'], r['recomputed_unit']))}</td>"
            f'<td><span class=verdict style="background:{esc(verdict_colour)}">{esc(r["verdict_zh"])}<br>'
            f"{esc(r['verdict_en'])}</span></td>"
            f"<td><div>{esc(r['explanation_zh'])}</div><div class=en>{esc(r['explanation_en'])}</div></td>"
            "</tr>"
        )
    table = (
        "<table class=claims><thead><tr><th>#</th><th>论断 · claim</th><th>原文 · stated</th>"
        "<th>复算 · recomputed</th><th>结论 · verdict</th><th>说明 · explanation</th></tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table>"
    )
    sections = distinct([r["report_section"] for r in ordered])
    return Chart(
        key="claim_checks",
        title_zh="报告论断核验",
        title_en="The report's headline claims, recomputed from the seeds and checked",
        spec=finish(chart),
        sources=(
            f"论断出自报告章节 / claims from {len(sections)} report sections（each row's section is in "
            "fct_report_claim_checks）；复算：本项目 / recomputed by this project from the seeds, the reference "
            "lists, the 2020 census and the FX rates",
        ),
        extra_html=table,
    )
