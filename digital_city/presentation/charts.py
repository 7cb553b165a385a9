"""The six charts of the visual report, each built from plain rows (dicts) read from the marts.

A chart function returns a Chart; digital_city/presentation/report.py wraps it in <figure class="chart" data-chart=...>. Data marks
(bars, points, cells) carry class="mark" (digital_city/presentation/svg.py), so an empty or broken chart is caught by the page's check.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from digital_city.presentation import svg
from digital_city.presentation.svg import esc

Row = Mapping[str, Any]

INK = "#1d2433"
MUTED = "#5b6472"
GRID = "#e3e6eb"
# One palette for the whole page: categorical series take colours in this order.
PALETTE = ("#1f5f8b", "#e07a1f", "#3a9d8f", "#c0392b", "#7b5ea7", "#8c6d46", "#5d8a2f", "#d4a017")
TINTS = ("#cfe0ee", "#fbdcbf", "#cde9e5", "#f3c9c4", "#e0d6ee", "#e6dccd", "#d9e8cc", "#f6e6b0")
VERDICT_COLOURS = {
    "holds": "#2e8b57",
    "holds_under_assumption": "#d4a017",
    "fails": "#c0392b",
    "cannot_be_checked": "#8a8f98",
}
VERDICT_ORDER = ("holds", "holds_under_assumption", "fails", "cannot_be_checked")
QUALIFIER_GLYPHS = {"more_than": "≥", "at_least": "≥", "nearly": "≲", "approximately": "≈", "exact": ""}

FONT = 12
SMALL = 10.5


@dataclass(frozen=True)
class Chart:
    key: str
    title_zh: str
    title_en: str
    svg: str
    sources: tuple[str, ...]
    legend: tuple[tuple[str, str], ...] = ()  # (swatch CSS, label)
    extra_html: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)


def num(value: Any) -> float:
    if value is None:
        raise ValueError("a chart value is missing")
    return float(value) if isinstance(value, Decimal) else float(value)


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


def y_axis(scale: svg.LinearScale, ticks: Sequence[float], x0: float, x1: float, label: str | None = None) -> list[str]:
    parts = []
    for tick in ticks:
        y = scale(tick)
        parts.append(svg.line(x0, y, x1, y, stroke=GRID))
        parts.append(svg.text(x0 - 6, y + 4, f"{tick:,.0f}", text_anchor="end", font_size=SMALL, fill=MUTED))
    if label:
        parts.append(svg.text(x0, scale(ticks[-1]) - 10, label, font_size=SMALL, fill=MUTED))
    return parts


# a) pilot designations ------------------------------------------------------------------------------------------


def pilot_designations(rows: Sequence[Row], programs: Sequence[Row]) -> Chart:
    """Stacked bars of designations per year by lead ministry, with the running total as a line."""
    width, height = 960, 420
    left, right, top, bottom = 56, 40, 36, 40
    ministries = distinct(
        [
            (r["lead_ministry_code"], r["lead_ministry_zh"], r["lead_ministry_en"])
            for r in sorted(rows, key=lambda r: r["table_row_order"])
        ]
    )
    colour = {code: PALETTE[i % len(PALETTE)] for i, (code, _, _) in enumerate(ministries)}
    years = (
        [int(y) for y in range(min(r["designation_year"] for r in rows), max(r["designation_year"] for r in rows) + 1)]
        if rows
        else []
    )
    parts: list[str] = []
    if years:
        all_total = max(int(r["all_designations"]) for r in rows)
        ticks = svg.nice_ticks(0, max(all_total, 700), 8)
        y = svg.LinearScale((0, ticks[-1]), (height - bottom, top))
        x = svg.BandScale(tuple(str(v) for v in years), (left, width - right), padding=0.35)
        parts += y_axis(y, ticks, left, width - right, "试点数 / designations")
        # The report's own round figure, so the reader sees the total pass it.
        parts.append(svg.line(left, y(700), width - right, y(700), stroke=PALETTE[3], stroke_dasharray="5 4"))
        parts.append(
            svg.text(left + 6, y(700) - 6, "报告：超过700个 · report: more than 700", font_size=SMALL, fill=PALETTE[3])
        )
        running: list[tuple[float, float, int]] = []
        for year in years:
            year_rows = [r for r in rows if r["designation_year"] == year]
            bx = x.start(str(year))
            parts.append(
                svg.text(
                    x.center(str(year)), height - bottom + 18, year, text_anchor="middle", font_size=FONT, fill=INK
                )
            )
            if not year_rows:
                parts.append(
                    svg.text(
                        x.center(str(year)),
                        height - bottom - 6,
                        "无新批次 none",
                        text_anchor="middle",
                        font_size=SMALL,
                        fill=MUTED,
                    )
                )
                continue
            base = 0
            for code, name_zh, name_en in ministries:
                count = sum(int(r["designation_count"]) for r in year_rows if r["lead_ministry_code"] == code)
                if not count:
                    continue
                programmes = "、".join(
                    f"{r['program_name_zh']} {r['designation_count']}"
                    for r in year_rows
                    if r["lead_ministry_code"] == code
                )
                y0, y1 = y(base), y(base + count)
                parts.append(
                    svg.rect(
                        bx,
                        y1,
                        x.bandwidth,
                        y0 - y1,
                        mark=True,
                        fill=colour[code],
                        title=f"{year} · {name_zh} {name_en}: {count}（{programmes}）",
                        data_value=count,
                    )
                )
                if y0 - y1 >= 15:
                    parts.append(
                        svg.text(
                            x.center(str(year)),
                            (y0 + y1) / 2 + 4,
                            count,
                            text_anchor="middle",
                            font_size=SMALL,
                            fill="#fff",
                        )
                    )
                base += count
            parts.append(
                svg.text(
                    x.center(str(year)),
                    y(base) - 5,
                    f"{base}",
                    text_anchor="middle",
                    font_size=FONT,
                    fill=INK,
                    font_weight="bold",
                )
            )
            # Plotted at the band's right edge (the end of the year), clear of the year total above the bar.
            through_year = max(int(r["running_designations_through_year"]) for r in year_rows)
            running.append((bx + x.bandwidth, y(through_year), through_year))
        parts.append(svg.polyline([(px, py) for px, py, _ in running], stroke=INK, stroke_width=2))
        for px, py, total in running:
            parts.append(
                svg.circle(
                    px,
                    py,
                    4.5,
                    mark=True,
                    fill="#fff",
                    stroke=INK,
                    stroke_width=2,
                    title=f"累计 running total: {total}",
                    data_value=total,
                )
            )
            parts.append(svg.text(px + 8, py - 8, f"累计 {total}", font_size=SMALL, fill=INK))
    legend = tuple((f"background:{colour[c]}", f"{zh} · {en}") for c, zh, en in ministries)
    legend += (
        ("border:2px solid #1d2433;border-radius:50%;background:#fff", "累计试点数（线）· running total (line)"),
    )
    sources = tuple(
        source_line(p["report_section"], p["cited_source"])
        for p in distinct(
            [{"report_section": p["report_section"], "cited_source": p["cited_source"]} for p in programs]
        )
    )
    return Chart(
        key="pilot_designations",
        title_zh="国家数字城市试点：各年批次与主导部委",
        title_en="National digital-city pilot designations by year and lead ministry, with the running total",
        svg=svg.svg_document(width, height, parts, "pilot designations by year and lead ministry"),
        sources=sources,
        legend=legend,
        notes=(
            "试点数为批次数，同一城市可多次入选 · Designations, not distinct cities: a city can hold several. "
            "Running total and yearly sums are derived from the 13 printed counts.",
        ),
    )


# b) market size -------------------------------------------------------------------------------------------------

MARKET_SERIES = (
    # (measure_code, multiplier_reading, colour, label)
    ("core_tech_investment", "not_applicable", PALETTE[0], "核心技术投资（IDC）· core technology investment (IDC)"),
    ("total_market", "on_top", PALETTE[1], "市场总规模，配套另加~3倍 · total market, ~3x on top (4x core)"),
    ("total_market", "in_total", PALETTE[2], "市场总规模，合计~3倍 · total market, ~3x in total (3x core)"),
)


def _market_panel(
    rows: Sequence[Row],
    value_key: str,
    scale_div: float,
    x0: float,
    panel_width: float,
    height: int,
    unit_label: str,
    headline: Row | None,
) -> list[str]:
    top, bottom, right = 40, 40, 70
    left = x0 + 60
    series_rows = {
        (m, r): sorted(
            (
                row
                for row in rows
                if row["measure_code"] == m and row["multiplier_reading"] == r and row[value_key] is not None
            ),
            key=lambda row: row["market_year"],
        )
        for m, r, _, _ in MARKET_SERIES
    }
    values = [num(row[value_key]) / scale_div for rs in series_rows.values() for row in rs]
    if headline is not None and value_key == "value_cny":
        values.append(num(headline["value_cny"]) / scale_div)
    parts: list[str] = []
    if not values:
        return parts
    years = sorted({int(row["market_year"]) for rs in series_rows.values() for row in rs})
    ticks = svg.nice_ticks(0, max(values) * 1.08, 6)
    y = svg.LinearScale((0, ticks[-1]), (height - bottom, top))
    x = svg.LinearScale((years[0], years[-1]), (left + 14, x0 + panel_width - right))
    parts += y_axis(y, ticks, left, x0 + panel_width - right + 10, unit_label)
    for year in years:
        parts.append(svg.text(x(year), height - bottom + 18, year, text_anchor="middle", font_size=FONT, fill=INK))
    if headline is not None and value_key == "value_cny":
        hy = y(num(headline["value_cny"]) / scale_div)
        parts.append(svg.line(left, hy, x(years[-1]), hy, stroke=PALETTE[3], stroke_dasharray="5 4"))
    for measure, reading, colour, label in MARKET_SERIES:
        points = [
            (x(int(r["market_year"])), y(num(r[value_key]) / scale_div), r) for r in series_rows[(measure, reading)]
        ]
        if not points:
            continue
        parts.append(
            svg.polyline(
                [(px, py) for px, py, _ in points],
                stroke=colour,
                stroke_width=2,
                stroke_dasharray=None if reading == "not_applicable" else "6 3",
            )
        )
        for px, py, r in points:
            reported = r["figure_status"] == "reported" and value_key == "value_usd"
            shown = num(r[value_key]) / scale_div
            status = "报告值 reported" if reported else "推算值 derived"
            parts.append(
                svg.circle(
                    px,
                    py,
                    5 if reported else 4.5,
                    mark=True,
                    fill=colour if reported else "#fff",
                    stroke=colour,
                    stroke_width=2,
                    title=f"{r['market_year']} {label}: {shown:,.0f} {unit_label}（{status}）",
                    data_status="reported" if reported else "derived",
                )
            )
        last_x, last_y, last = points[-1]
        parts.append(
            svg.text(
                last_x + 9,
                last_y + 4,
                f"{num(last[value_key]) / scale_div:,.0f}",
                font_size=SMALL,
                fill=colour,
                font_weight="bold",
            )
        )
    if headline is not None and value_key == "value_cny":
        hx, hy = x(int(headline["market_year"])), y(num(headline["value_cny"]) / scale_div)
        # The headline is a lower bound: an upward triangle, as the arrows of the campaign chart, says "more than".
        parts.append(
            svg.polygon(
                [(hx, hy - 8), (hx + 7, hy + 5), (hx - 7, hy + 5)],
                mark=True,
                fill=PALETTE[3],
                title=f"报告：2023年市场规模预期超万亿 · report headline: "
                f"more than CNY 1 trillion（{headline['qualifier']}）",
                data_status="reported",
            )
        )
        parts.append(
            svg.text(
                left + 8,
                hy - 7,
                "▲ 报告标题：2023年超万亿（下限）",
                font_size=SMALL,
                fill=PALETTE[3],
                font_weight="bold",
            )
        )
        parts.append(
            svg.text(left + 8, hy + 15, "report: > CNY 1 trillion (lower bound)", font_size=SMALL, fill=PALETTE[3])
        )
    return parts


FX_SOURCE = (
    "参考数据 / reference: 人民币兑美元年平均汇率 annual average CNY per USD, Federal Reserve H.10 via FRED "
    "(AEXCHUS), DataHub exchange-rates (ODC-PDDL)"
)


def market_source(rows: Sequence[Row]) -> str:
    """The source line of the IDC figures every derived row rests on, as fct_market_size carries it."""
    idc = next((r for r in rows if r["measure_code"] == "core_tech_investment"), {})
    return source_line(idc.get("report_section"), idc.get("cited_source"))


def market_size(rows: Sequence[Row]) -> Chart:
    """Two panels, USD and CNY, of the 2018-2023 path: reported points filled, derived hollow, headline diamond."""
    width, height = 960, 400
    headline = next((r for r in rows if r["multiplier_reading"] == "as_reported"), None)
    parts: list[str] = []
    parts += _market_panel(rows, "value_usd", 1e8, 0, 480, height, "亿美元 / USD 100m", headline)
    parts += _market_panel(rows, "value_cny", 1e8, 480, 480, height, "亿元 / CNY 100m", headline)
    parts.append(svg.text(240, 18, "美元 · USD", text_anchor="middle", font_size=13, fill=INK, font_weight="bold"))
    parts.append(
        svg.text(
            720,
            18,
            "人民币 · CNY（按当年年均汇率换算 · at each year's average rate）",
            text_anchor="middle",
            font_size=13,
            fill=INK,
            font_weight="bold",
        )
    )
    legend = tuple((f"background:{c}", label) for _, _, c, label in MARKET_SERIES)
    legend += (
        ("background:#1d2433;border-radius:50%", "实心：报告值 · filled: reported (IDC, USD)"),
        (
            "border:2px solid #1d2433;border-radius:50%;background:#fff",
            "空心：本项目推算 · hollow: derived here (interpolation, ~3倍 readings, CNY conversions)",
        ),
        (
            f"border-bottom:12px solid {PALETTE[3]};border-left:6px solid transparent;border-right:6px solid "
            "transparent;width:0;height:0",
            "三角：报告标题“超万亿”（下限）· triangle: the report's headline, a lower bound",
        ),
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
        svg=svg.svg_document(width, height, parts, "market size 2018-2023 in USD and CNY"),
        sources=(market_source(rows), FX_SOURCE),
        legend=legend,
        notes=notes,
    )


# c) rank tables by generation ------------------------------------------------------------------------------------

RANK_TABLE_EN = {
    "info_channels": "Where each generation learns about a city (rank 1-3)",
    "focus": "What each generation looks at in a city (rank 1-3)",
}


def _rank_grid(
    rows: Sequence[Row], x0: float, grid_width: float, colour_of: Mapping[str, str], subtitle: str, footnotes: list[str]
) -> list[str]:
    parts: list[str] = []
    if not rows:
        return parts
    generations = distinct(
        [
            (r["generation_key"], r["generation_zh"], r["generation_en"])
            for r in sorted(rows, key=lambda r: r["generation_key"])
        ]
    )
    ranks = sorted({int(r["item_rank"]) for r in rows})
    rank_col, header, cell_h, top = 56, 44, 64, 52
    cell_w = (grid_width - rank_col) / len(generations)
    parts.append(svg.text(x0, 16, rows[0]["table_title_zh"], font_size=13, fill=INK, font_weight="bold"))
    parts.append(svg.text(x0, 33, subtitle, font_size=SMALL, fill=MUTED))
    for i, (_, zh, en) in enumerate(generations):
        cx = x0 + rank_col + (i + 0.5) * cell_w
        parts.append(svg.text(cx, top + 18, zh, text_anchor="middle", font_size=13, fill=INK, font_weight="bold"))
        parts.append(svg.text(cx, top + 33, en, text_anchor="middle", font_size=SMALL, fill=MUTED))
    for j, rank in enumerate(ranks):
        cy = top + header + j * cell_h
        parts.append(
            svg.text(
                x0 + rank_col / 2,
                cy + cell_h / 2 + 5,
                f"No.{rank}",
                text_anchor="middle",
                font_size=FONT,
                fill=INK,
                font_weight="bold",
            )
        )
        for i, (gen_key, gen_zh, _) in enumerate(generations):
            cell = next((r for r in rows if r["generation_key"] == gen_key and int(r["item_rank"]) == rank), None)
            cx = x0 + rank_col + i * cell_w
            if cell is None:
                parts.append(svg.rect(cx + 2, cy + 2, cell_w - 4, cell_h - 4, fill="#f4f5f7"))
                continue
            label = cell["item_zh"]
            if cell.get("item_footnote_zh"):
                if cell["item_footnote_zh"] not in footnotes:
                    footnotes.append(cell["item_footnote_zh"])
                label += "*" * (footnotes.index(cell["item_footnote_zh"]) + 1)
            parts.append(
                svg.rect(
                    cx + 2,
                    cy + 2,
                    cell_w - 4,
                    cell_h - 4,
                    mark=True,
                    rx=4,
                    fill=colour_of[cell["item_type"]],
                    title=f"{gen_zh} No.{rank}: {cell['item_zh']} · {cell['item_en']}（{cell['item_type_zh']}）",
                )
            )
            parts.append(
                svg.text(
                    cx + cell_w / 2, cy + 26, label, text_anchor="middle", font_size=14, fill=INK, font_weight="bold"
                )
            )
            for k, piece in enumerate(svg.wrap(cell["item_en"], int(cell_w / 6.2))[:2]):
                parts.append(
                    svg.text(
                        cx + cell_w / 2, cy + 43 + k * 12, piece, text_anchor="middle", font_size=SMALL, fill=MUTED
                    )
                )
    return parts


def generation_ranks(channel_rows: Sequence[Row], focus_rows: Sequence[Row]) -> Chart:
    """The two survey rank tables as heat grids (generation x rank), cells coloured by item class."""
    width, height = 960, 300
    types = distinct([(r["item_type"], r["item_type_zh"], r["item_type_en"]) for r in [*channel_rows, *focus_rows]])
    colour_of = {code: TINTS[i % len(TINTS)] for i, (code, _, _) in enumerate(types)}
    footnotes: list[str] = []
    parts = _rank_grid(channel_rows, 0, 465, colour_of, RANK_TABLE_EN["info_channels"], footnotes)
    parts += _rank_grid(focus_rows, 495, 465, colour_of, RANK_TABLE_EN["focus"], footnotes)
    legend = tuple((f"background:{colour_of[c]}", f"{zh} · {en}") for c, zh, en in types)
    first = next(iter([*channel_rows, *focus_rows]), None)
    sources: tuple[str, ...] = ()
    notes = tuple(f"{'*' * (i + 1)} {note}" for i, note in enumerate(footnotes))
    if first is not None:
        sources = tuple(
            source_line(s, c)
            for s, c in distinct([(r["report_section"], r["cited_source"]) for r in [*channel_rows, *focus_rows]])
        )
        notes += (
            f"{first['survey_name_zh']}，N={int(first['sample_size']):,} · Douyin user survey, "
            f"{int(first['sample_size']):,} respondents; ranks only, the report prints no shares.",
        )
    return Chart(
        key="generation_ranks",
        title_zh="各世代了解城市的渠道与关注的城市维度（排名）",
        title_en="How each generation learns about a city and what it looks at: ranks 1-3 by generation",
        svg=svg.svg_document(width, height, parts, "survey rank tables by generation"),
        sources=sources,
        legend=legend,
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


def campaign_reach(rows: Sequence[Row]) -> Chart:
    """Audience figures of city campaigns on a log axis; a lower bound is drawn as a point with an arrow."""
    shown = sorted(
        (r for r in rows if r["metric_type"] in REACH_TYPES and r["value"] is not None),
        key=lambda r: (-num(r["value"]), r["campaign_metric_key"]),
    )
    row_h, top, bottom, label_w, right = 46, 28, 36, 360, 170
    width = 960
    height = top + bottom + row_h * max(len(shown), 1)
    colour = {t: PALETTE[i] for i, t in enumerate(REACH_TYPES)}
    parts: list[str] = []
    if shown:
        values = [num(r["value"]) for r in shown]
        # Padded past the extremes so a point never sits on the axis end, where its arrow would hit the labels.
        x = svg.LogScale((min(values) / 3, max(values) * 3), (label_w, width - right))
        for tick in x.decade_ticks():
            tx = x(tick)
            zh, en = svg.power_of_ten_labels(tick)
            parts.append(svg.line(tx, top - 6, tx, height - bottom, stroke=GRID))
            parts.append(
                svg.text(tx, height - bottom + 16, f"{zh} · {en}", text_anchor="middle", font_size=SMALL, fill=MUTED)
            )
        parts.append(svg.text(label_w, top - 12, "对数刻度 · log scale", font_size=SMALL, fill=MUTED))
        for i, r in enumerate(shown):
            cy = top + i * row_h + row_h / 2
            year = f"{r['metric_year']} " if r.get("metric_year") else ""
            scope = f"（{r['metric_scope_zh']}）" if r.get("metric_scope_zh") else ""
            parts.append(
                svg.text(
                    label_w - 12,
                    cy - 3,
                    f"{r['city_zh']}{scope} {year}· {r['metric_zh']}",
                    text_anchor="end",
                    font_size=FONT,
                    fill=INK,
                )
            )
            parts.append(
                svg.text(
                    label_w - 12,
                    cy + 12,
                    f"{r['city_en']} · {r['metric_en']} · {r['platform_zh']}",
                    text_anchor="end",
                    font_size=SMALL,
                    fill=MUTED,
                )
            )
            value = num(r["value"])
            px = x(value)
            c = colour[r["metric_type"]]
            parts.append(svg.line(label_w, cy, px, cy, stroke=c, stroke_width=6, stroke_opacity=0.25))
            qualifier = r.get("qualifier") or "exact"
            parts.append(
                svg.circle(
                    px,
                    cy,
                    6,
                    mark=True,
                    fill=c,
                    title=f"{r['city_zh']} {r['metric_zh']}: {r['value_raw']}（{r['qualifier_zh']} "
                    f"{r['qualifier_en']}）",
                    data_qualifier=qualifier,
                )
            )
            if qualifier in ("more_than", "at_least"):
                # Open to the right: the true figure is at least this.
                parts.append(svg.line(px + 6, cy, px + 20, cy, stroke=c, stroke_width=2))
                parts.append(svg.polygon([(px + 20, cy - 5), (px + 28, cy), (px + 20, cy + 5)], fill=c))
            elif qualifier == "nearly":
                parts.append(svg.polygon([(px - 8, cy - 5), (px - 16, cy), (px - 8, cy + 5)], fill=c))
            glyph = QUALIFIER_GLYPHS.get(qualifier, "")
            parts.append(svg.text(px + 34, cy - 2, r["value_raw"], font_size=FONT, fill=INK, font_weight="bold"))
            parts.append(
                svg.text(px + 34, cy + 12, f"{glyph} {r['qualifier_en']}".strip(), font_size=SMALL, fill=MUTED)
            )
    legend = tuple(
        (f"background:{colour[t]};border-radius:50%", f"{zh} · {en}")
        for t, (zh, en) in REACH_TYPES.items()
        if any(r["metric_type"] == t for r in shown)
    )
    legend += (
        (
            "border-left:8px solid #5b6472;border-top:5px solid transparent;border-bottom:5px solid transparent;"
            "width:0;height:0",
            "箭头向右：下限（超过、以上、突破）· arrow right: a lower bound",
        ),
        (
            "border-right:8px solid #5b6472;border-top:5px solid transparent;border-bottom:5px solid transparent;"
            "width:0;height:0",
            "箭头向左：近（略低于）· arrow left: nearly (just under)",
        ),
    )
    sources = tuple(source_line(s, c) for s, c in distinct([(r["report_section"], r["cited_source"]) for r in shown]))
    return Chart(
        key="campaign_reach",
        title_zh="城市推广活动的传播量：播放、阅读、曝光与覆盖",
        title_en="Reach of city-promotion campaigns compared across cities: plays, reads, exposure, people reached",
        svg=svg.svg_document(width, height, parts, "campaign reach by city on a log scale"),
        sources=sources,
        legend=legend,
        notes=(
            "数值按报告原文标注；“超过”为下限，并非确数。不同指标口径不同，仅作量级比较。 Figures as printed; "
            "a 'more than' figure is a lower bound, not an exact count. The metrics differ, so compare orders of "
            "magnitude only.",
        ),
    )


# e) Broadband China by province -----------------------------------------------------------------------------------


def broadband_provinces(rows: Sequence[Row], programs: Sequence[Row], source_urls: Sequence[str]) -> Chart:
    """Prefecture-level units per province designated Broadband China demonstration cities, stacked by batch."""
    batch_keys = [
        p["program_key"]
        for p in sorted(programs, key=lambda p: p["table_row_order"])
        if p["program_family"] == "broadband"
    ]
    batch_keys += sorted({r["program_key"] for r in rows} - set(batch_keys))
    program_of = {p["program_key"]: p for p in programs}
    years = {r["program_key"]: r["designation_year"] for r in rows}
    colour = {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(batch_keys)}
    totals: dict[str, int] = {}
    for r in rows:
        totals[r["province_name_zh"]] = totals.get(r["province_name_zh"], 0) + int(r["designated_city_count"])
    provinces = sorted(
        totals, key=lambda p: (-totals[p], min(int(r["province_code"]) for r in rows if r["province_name_zh"] == p))
    )
    row_h, top, bottom, left, right = 19, 30, 34, 130, 60
    width = 960
    height = top + bottom + row_h * max(len(provinces), 1)
    parts: list[str] = [
        '<defs><pattern id="bb-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{MUTED}" stroke-width="3"/></pattern></defs>'
    ]
    if provinces:
        ticks = svg.nice_ticks(0, max(totals.values()), 6)
        x = svg.LinearScale((0, ticks[-1]), (left, width - right))
        for tick in ticks:
            parts.append(svg.line(x(tick), top - 4, x(tick), height - bottom, stroke=GRID))
            parts.append(
                svg.text(
                    x(tick), height - bottom + 16, f"{tick:.0f}", text_anchor="middle", font_size=SMALL, fill=MUTED
                )
            )
        parts.append(
            svg.text(
                left,
                top - 12,
                "入选地级单位数（各批次分别计）· prefecture-level units, counted per batch",
                font_size=SMALL,
                fill=MUTED,
            )
        )
        for i, province in enumerate(provinces):
            cy = top + i * row_h
            parts.append(svg.text(left - 8, cy + row_h / 2 + 4, province, text_anchor="end", font_size=FONT, fill=INK))
            base = 0
            for key in batch_keys:
                r = next((r for r in rows if r["province_name_zh"] == province and r["program_key"] == key), None)
                if r is None:
                    continue
                name = program_of[key]["program_name_zh"] if key in program_of else key
                for count, hatched in (
                    (int(r["member_city_count"]), False),
                    (int(r["sub_unit_only_city_count"]), True),
                ):
                    if not count:
                        continue
                    kind = "仅区县入选 sub-unit only" if hatched else "整市入选 whole prefecture"
                    parts.append(
                        svg.rect(
                            x(base),
                            cy + 2,
                            x(base + count) - x(base),
                            row_h - 4,
                            mark=True,
                            fill="url(#bb-hatch)" if hatched else colour[key],
                            stroke=colour[key] if hatched else "#fff",
                            stroke_width=1,
                            title=f"{province} · {name}（{r['designation_year']}）{kind}: {count}",
                            data_value=count,
                        )
                    )
                    base += count
            parts.append(svg.text(x(base) + 6, cy + row_h / 2 + 4, base, font_size=SMALL, fill=INK))
    legend = tuple(
        (
            f"background:{colour[k]}",
            f"{program_of[k]['program_name_zh'] if k in program_of else k}（公布 announced {years.get(k, '')}）",
        )
        for k in batch_keys
        if k in years
    )
    legend += (
        (
            f"background:repeating-linear-gradient(45deg,{MUTED} 0 2px,#fff 2px 5px)",
            "斜线：仅所辖区县入选 · hatched: only a district or county-level city designated",
        ),
    )
    sources = tuple(
        source_line(p["report_section"], p["cited_source"])
        for p in distinct(
            [
                {"report_section": program_of[k]["report_section"], "cited_source": program_of[k]["cited_source"]}
                for k in batch_keys
                if k in program_of
            ]
        )
    )
    sources += (
        "参考数据 / reference: 工信部、发改委宽带中国示范城市名单 MIIT/NDRC Broadband China lists, "
        "transcribed (" + "; ".join(source_urls) + ")",
    )
    return Chart(
        key="broadband_provinces",
        title_zh="“宽带中国”示范城市：各省入选地级单位",
        title_en="Broadband China demonstration cities by province (2014-2016 batches), prefecture-level units",
        svg=svg.svg_document(width, height, parts, "Broadband China member cities by province"),
        sources=sources,
        legend=legend,
        notes=(
            "城市群拆为成员城市（长株潭 → 长沙、株洲、湘潭）；区、县级市计入所属地级单位并以斜线标出。 "
            "A city cluster counts as its member cities; a district or county-level city is shown hatched under "
            "its prefecture.",
        ),
    )


# f) claim checks --------------------------------------------------------------------------------------------------


def claim_checks(rows: Sequence[Row]) -> Chart:
    """A verdict bar (one mark per verdict) above the full claim-check table with verdict colours."""
    ordered = sorted(rows, key=lambda r: r["claim_order"])
    # Known verdicts first in a fixed order; an unknown one still gets its bar (and a grey colour).
    verdicts = [*VERDICT_ORDER, *distinct([r["verdict"] for r in ordered if r["verdict"] not in VERDICT_ORDER])]
    counts = {v: sum(1 for r in ordered if r["verdict"] == v) for v in verdicts}
    label_of = {r["verdict"]: (r["verdict_zh"], r["verdict_en"]) for r in ordered}
    width, height, left, right = 960, 64, 0, 0
    parts: list[str] = []
    total = len(ordered)
    if total:
        x = svg.LinearScale((0, total), (left, width - right))
        base = 0
        for verdict, count in counts.items():
            if not count:
                continue
            zh, en = label_of[verdict]
            colour = VERDICT_COLOURS.get(verdict, MUTED)
            parts.append(
                svg.rect(
                    x(base),
                    8,
                    x(base + count) - x(base),
                    34,
                    mark=True,
                    fill=colour,
                    stroke="#fff",
                    stroke_width=2,
                    title=f"{zh} {en}: {count}",
                    data_value=count,
                )
            )
            room = x(base + count) - x(base) - 8
            label = next(
                (t for t in (f"{zh} {en} · {count}", f"{zh} · {count}", str(count)) if svg.text_width(t, FONT) <= room),
                "",
            )
            parts.append(
                svg.text(
                    (x(base) + x(base + count)) / 2,
                    30,
                    label,
                    text_anchor="middle",
                    font_size=FONT,
                    fill="#fff",
                    font_weight="bold",
                )
            )
            base += count
        parts.append(svg.text(0, 58, f"共 {total} 条论断 · {total} claims checked", font_size=SMALL, fill=MUTED))
    body = []
    for r in ordered:
        colour = VERDICT_COLOURS.get(r["verdict"], MUTED)
        body.append(
            "<tr>"
            f"<td class=num>{esc(r['claim_order'])}</td>"
            f"<td><div>{esc(r['claim_zh'])}</div><div class=en>{esc(r['claim_en'])}</div></td>"
            f"<td>{esc(r['stated_value_raw'])}</td>"
            f"<td class=num>{esc(fmt_value(r['recomputed_value'], r['recomputed_unit']))}</td>"
            f'<td><span class=verdict style="background:{esc(colour)}">{esc(r["verdict_zh"])}<br>'
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
        svg=svg.svg_document(width, height, parts, "claim-check verdicts"),
        sources=(
            f"论断出自报告章节 / claims from {len(sections)} report sections（each row's section is in "
            "fct_report_claim_checks）；复算：本项目 / recomputed by this project from the seeds, the reference "
            "lists, the 2020 census and the FX rates",
        ),
        legend=tuple(
            (f"background:{VERDICT_COLOURS[v]}", f"{label_of[v][0]} · {label_of[v][1]}")
            for v in VERDICT_ORDER
            if v in label_of
        ),
        extra_html=table,
    )
