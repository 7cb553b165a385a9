"""The visual report without a browser: charts from small hand-made rows, drawn by vl-convert's Vega engine; the page's
own check, escaping, the Content-Security-Policy, the CLI."""

from __future__ import annotations

import copy
import functools
import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
import vl_convert
import yaml

from digital_city import vega_runtime
from digital_city.presentation import charts, report
from digital_city.presentation.docs_site import remote_render_loads

SECTION = "目前全国试点城市数量已超过700个，市场前景巨大"


def _pilot(order: int, year: int, ministry: str, count: int, running: int) -> dict:
    return {
        "program_key": {1: "smart_b1", 3: "broadband_china_b1"}.get(order, f"programme_{order}"),
        "table_row_order": order,
        "designation_year": year,
        "program_name_zh": f"试点{order}",
        "program_name_en": f"Pilot {order}",
        "lead_ministry_code": ministry,
        "lead_ministry_zh": ministry.upper(),
        "lead_ministry_en": ministry,
        "designation_count": count,
        "running_designations_through_year": running,
        "all_designations": 160,
    }


def _market(year: int, measure: str, reading: str, status: str, usd: float | None, cny: float) -> dict:
    return {
        "market_year": year,
        "measure_code": measure,
        "multiplier_reading": reading,
        "figure_status": status,
        "qualifier": "more_than" if reading == "as_reported" else None,
        "value_usd": None if usd is None else Decimal(str(usd)),
        "value_cny": Decimal(str(cny)),
        "core_cagr_pct": Decimal("14.2310"),
        "report_section": "市场前景巨大",
        "cited_source": "IDC；BCG分析",
    }


def _rank(table: str, gen: str, rank: int, item: str, footnote: str | None = None) -> dict:
    return {
        "generation_key": f"gen_{gen.lower()}",
        "generation_zh": f"{gen}世代",
        "generation_en": f"Generation {gen}",
        "item_rank": rank,
        "item_zh": item,
        "item_en": f"{item} en",
        "item_type": item,
        "item_type_zh": item,
        "item_type_en": item,
        "item_footnote_zh": footnote,
        "table_title_zh": f"{table}表",
        "report_section": "节",
        "cited_source": "抖音用户调研，N=10,303，2020年10月",
        "survey_name_zh": "抖音用户调研",
        "sample_size": 10303,
    }


def _campaign(key: str, city: str, metric_type: str, raw: str, qualifier: str, value: float | None) -> dict:
    return {
        "campaign_metric_key": key,
        "city_zh": city,
        "city_en": city,
        "metric_scope_zh": None,
        "metric_year": 2018,
        "metric_zh": metric_type,
        "metric_en": metric_type,
        "platform_zh": "抖音",
        "metric_type": metric_type,
        "value_raw": raw,
        "qualifier": qualifier,
        "qualifier_zh": "超过",
        "qualifier_en": "more than",
        "value": None if value is None else Decimal(str(value)),
        "report_section": "节",
        "cited_source": "未注明",
    }


PROGRAMS = [
    {
        "program_key": "broadband_china_b1",
        "table_row_order": 6,
        "program_family": "broadband",
        "program_name_zh": "宽带中国示范城市",
        "designation_count": 50,
        "quote_zh": "宽带中国示范城市 50 工信部",
        "report_section": SECTION,
        "cited_source": "各部委网站；BCG分析",
    },
    {
        "program_key": "smart_b1",
        "table_row_order": 1,
        "program_family": "smart_city",
        "program_name_zh": "首批国家智慧城市试点",
        "designation_count": 90,
        "quote_zh": "首批国家智慧城市试点 90 住建部",
        "report_section": SECTION,
        "cited_source": "各部委网站；BCG分析",
    },
]

FIXTURE: report.Data = {
    "pilot_designations": [
        _pilot(1, 2013, "mohurd", 90, 110),
        _pilot(2, 2013, "miit", 20, 110),
        _pilot(3, 2015, "miit", 50, 160),
    ],
    "pilot_programs": PROGRAMS,
    "market_size": [
        _market(2018, "core_tech_investment", "not_applicable", "reported", 2e10, 1.3218e11),
        _market(2023, "core_tech_investment", "not_applicable", "reported", 3.89e10, 2.754e11),
        _market(2018, "total_market", "on_top", "derived", 8e10, 5.287e11),
        _market(2023, "total_market", "on_top", "derived", 1.556e11, 1.1018e12),
        _market(2018, "total_market", "in_total", "derived", 6e10, 3.965e11),
        _market(2023, "total_market", "in_total", "derived", 1.167e11, 8.263e11),
        _market(2023, "total_market", "as_reported", "reported", None, 1e12),
    ],
    "info_channel_ranks": [_rank("渠道", "X", 1, "短视频平台"), _rank("渠道", "Y", 1, "个人社交平台", "微信朋友圈等")],
    "focus_ranks": [_rank("维度", "X", 1, "自然人文"), _rank("维度", "Z", 1, "项目活动")],
    "campaigns": [
        _campaign("xian_plays", "西安", "plays", "17亿次以上", "more_than", 1.7e9),
        _campaign("wuhan_likes", "武汉", "likes", "近1千万", "nearly", 1e7),
        _campaign("no_figure", "成都", "campaign", "", "exact", None),
    ],
    "province_coverage": [
        {
            "program_key": "broadband_china_b1",
            "designation_year": 2014,
            "province_code": 430000,
            "province_name_zh": "湖南省",
            "designated_city_count": 3,
            "member_city_count": 3,
            "sub_unit_only_city_count": 0,
        },
        {
            "program_key": "broadband_china_b1",
            "designation_year": 2014,
            "province_code": 650000,
            "province_name_zh": "新疆维吾尔自治区",
            "designated_city_count": 1,
            "member_city_count": 0,
            "sub_unit_only_city_count": 1,
        },
    ],
    "membership_sources": [{"program_key": "broadband_china_b1", "source_url": "https://www.miit.gov.cn/example.html"}],
    "claim_checks": [
        {
            "claim_order": 1,
            "report_section": SECTION,
            "claim_zh": "超过700个",
            "claim_en": "over 700",
            "stated_value_raw": "超过700个",
            "recomputed_value": Decimal("749"),
            "recomputed_unit": "count",
            "verdict": "holds",
            "verdict_zh": "成立",
            "verdict_en": "Holds",
            "explanation_zh": "749",
            "explanation_en": "749",
        },
        {
            "claim_order": 2,
            "report_section": SECTION,
            "claim_zh": "超万亿",
            "claim_en": "over 1 trillion",
            "stated_value_raw": "超万亿",
            "recomputed_value": Decimal("826341030000"),
            "recomputed_unit": "cny",
            "verdict": "fails",
            "verdict_zh": "不成立",
            "verdict_en": "Fails",
            "explanation_zh": "x",
            "explanation_en": "x",
        },
    ],
}

META = report.Provenance("2020-10-01 00:00:00", "test.duckdb", None, "abc123", "test")


@functools.cache
def _fixture_specs() -> dict[str, str]:
    return {c.key: json.dumps(c.spec) for c in report.build_charts(FIXTURE)}


def _spec(key: str) -> dict[str, Any]:
    return json.loads(_fixture_specs()[key])


@functools.cache
def _scene(spec_text: str) -> dict[str, Any]:
    return vl_convert.vegalite_to_scenegraph(json.loads(spec_text))["scenegraph"]


def _page(data: report.Data) -> tuple[str, int]:
    chart_list = report.build_charts(data)
    return report.render_page(chart_list, META), len(chart_list)


@functools.cache
def _fixture_page() -> tuple[str, int]:
    return _page(FIXTURE)


def _marks(spec: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The items Vega lays out per named mark (Vega-Lite suffixes a name in a concat: data_usd_points_0_marks)."""
    scene = _scene(json.dumps(spec))
    out: dict[str, list[dict[str, Any]]] = {}
    for group in report._mark_groups(scene):
        name = re.sub(r"(_\d+)?_marks$", "", str(group.get("name") or ""))
        if name:
            out.setdefault(name, []).extend(group.get("items", []))
    return out


def _texts(spec: dict[str, Any]) -> set[str]:
    scene = _scene(json.dumps(spec))
    return {
        str(item["text"])
        for group in report._mark_groups(scene)
        if group.get("marktype") == "text"
        for item in group.get("items", [])
        if "text" in item
    }


def _rows(spec: Any) -> list[list[dict[str, Any]]]:
    """Every inline dataset of a spec (each layer carries its own)."""
    if isinstance(spec, dict):
        found = [spec["values"]] if isinstance(spec.get("values"), list) else []
        return found + [rows for value in spec.values() for rows in _rows(value)]
    if isinstance(spec, list):
        return [rows for value in spec for rows in _rows(value)]
    return []


def _specs(page: str) -> dict[str, str]:
    reader = report._FigureReader()
    reader.feed(page)
    return {name: text or "" for name, text in reader.specs.items()}


def test_every_chart_of_the_fixture_draws_data_marks():
    page, expected = _fixture_page()
    assert expected == 6
    check = report.check_page(page, expected)
    assert check.problems == []
    # Counted from the fixture: 3 programme segments + 2 year-end running totals; 3 series x 2 years in USD and in
    # CNY + the CNY headline; 2 + 2 rank cells; 2 campaign points (the row without a figure is not drawn); one
    # segment per province; one bar per verdict.
    assert check.marks == {
        "pilot_designations": 5,
        "market_size": 13,
        "generation_ranks": 4,
        "campaign_reach": 2,
        "broadband_provinces": 2,
        "claim_checks": 2,
    }


def test_a_chart_with_no_data_is_reported():
    broken = copy.deepcopy(FIXTURE)
    broken["market_size"] = []
    page, expected = _page(broken)
    assert report.check_page(page, expected).problems == ["chart market_size has no data marks"]


def test_a_spec_whose_data_is_removed_from_the_page_fails_the_check():
    page, expected = _fixture_page()
    text = _specs(page)["pilot_designations"]
    spec = json.loads(text)
    for rows in _rows(spec):
        rows.clear()
    emptied = page.replace(text, report.spec_json(spec))
    assert emptied != page
    assert report.check_page(emptied, expected).problems == ["chart pilot_designations has no data marks"]


def test_a_missing_spec_a_broken_spec_and_a_missing_chart_are_reported():
    page, expected = _fixture_page()
    start = page.index('<script type="application/json" class="spec">', page.index('data-chart="claim_checks"'))
    end = page.index("</script>", start) + len("</script>")
    assert report.check_page(page[:start] + page[end:], expected).problems == ["chart claim_checks has no spec"]
    text = _specs(page)["campaign_reach"]
    spec = json.loads(text)
    spec["layer"][0]["encoding"]["x"]["type"] = "no-such-type"
    problems = report.check_page(page.replace(text, report.spec_json(spec)), expected).problems
    assert len(problems) == 1 and problems[0].startswith("chart campaign_reach does not render")
    assert report.check_page(page, expected + 1).problems == [f"{expected} charts on the page, {expected + 1} expected"]


def test_text_from_the_marts_is_escaped():
    hostile = copy.deepcopy(FIXTURE)
    hostile["campaigns"][0]["city_zh"] = '<img src=x onerror="alert(1)">'
    hostile["claim_checks"][0]["claim_zh"] = "<script>alert(1)</script>"
    hostile["pilot_programs"][1]["quote_zh"] = "</script><script>alert(2)</script>"
    page, _ = _page(hostile)
    assert "<img src=x" not in page and "<script>alert(" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the claim table
    # The spec keeps the text exactly (Vega draws it as text, the tooltip escapes it).
    labels = [row.get("label_zh") for rows in _rows(json.loads(_specs(page)["campaign_reach"])) for row in rows]
    assert '<img src=x onerror="alert(1)"> 2018 · plays' in labels


def test_the_page_is_offline_and_runs_only_its_own_scripts():
    page, _ = _fixture_page()
    assert remote_render_loads(page) == []
    csp = re.search(r'http-equiv=Content-Security-Policy content="([^"]+)"', page).group(1)
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    # Executable scripts are allowed by hash only: an injected <script> does not run.
    assert "'unsafe-inline'" not in directives["script-src"]
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    assert len(scripts) == 2 and "vegaEmbed" in scripts[1]
    assert sorted(re.findall(r"'sha256-[^']+'", directives["script-src"])) == sorted(
        report.script_hash(s) for s in scripts
    )


def test_every_chart_cites_its_sources():
    page, _ = _fixture_page()
    assert page.count("资料来源 / Source:") == 6
    assert SECTION in page and "abc123" in page
    assert "https://www.miit.gov.cn/example.html" in page


def test_data_marks_carry_the_printed_value_the_quote_and_the_source_as_tooltips():
    campaign = _marks(_spec("campaign_reach"))["data_campaign_points"]
    xian = next(item for item in campaign if "17亿次以上" in item["description"])
    for expected in (
        "原文数值 · as printed: 17亿次以上",
        "原文 · quote: ",
        "来源 · source: 报告章节 / report section「节」",
    ):
        assert expected in xian["description"]
    pilot = _marks(_spec("pilot_designations"))["data_designations"]
    assert any("原文 · quote: 首批国家智慧城市试点 90 住建部" in item["description"] for item in pilot)
    # Every data mark of every chart has one.
    for key in _fixture_specs():
        for name, items in _marks(_spec(key)).items():
            if name.startswith(report.DATA_MARK_PREFIX):
                assert items and all(item.get("description") for item in items), (key, name)


def test_reported_and_derived_market_points_are_drawn_apart():
    marks = _marks(_spec("market_size"))
    shapes = {name: Counter(item["shape"] for item in marks[name]) for name in marks if name.startswith("data_")}
    # USD: the two IDC figures are printed (filled circles), the four ~3倍 values are derived (rings); every CNY value
    # is a conversion (rings); the CNY headline is the report's lower bound (a triangle).
    assert shapes == {
        "data_usd_points": Counter({"circle": 2, charts.RING: 4}),
        "data_cny_points": Counter({charts.RING: 6}),
        "data_cny_headline": Counter({"triangle-up": 1}),
    }


def test_both_readings_of_three_times_are_charted_in_both_currencies():
    marks = _marks(_spec("market_size"))
    for currency in ("usd", "cny"):
        descriptions = " ".join(item["description"] for item in marks[f"data_{currency}_points"])
        assert "~3x on top (4x core)" in descriptions and "~3x in total (3x core)" in descriptions


def test_lower_bounds_and_near_figures_get_their_arrows():
    spec = _spec("campaign_reach")
    marks = _marks(spec)
    assert [item["shape"] for item in marks["qualifier_lower_bound"]] == ["triangle-right"]
    assert [item["shape"] for item in marks["qualifier_nearly"]] == ["triangle-left"]
    assert {"17亿次以上", "近1千万", "≥ more than", "≲ more than"} <= _texts(spec)


def test_the_running_total_and_the_700_line_are_drawn():
    spec = _spec("pilot_designations")
    marks = _marks(spec)
    assert len(marks["data_running_total"]) == 2
    assert {"累计 110", "累计 160", "报告：超过700个 · report: more than 700", "无新批次 none"} <= _texts(spec)


def test_missing_warehouse_tells_the_user_to_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code = report.main(["--db", str(tmp_path / "missing.duckdb"), "--out", str(tmp_path / "index.html")])
    assert code == 2
    assert "make build" in capsys.readouterr().err
    assert not (tmp_path / "index.html").exists()


def test_provenance_reads_the_release_info_in_the_database(tmp_path: Path):
    db = tmp_path / "digital_city.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema meta")
    con.execute(
        "create table meta.release_info as select '20201101T100000Z-deadbeef' as release_id, "
        "'deadbeef' as source_commit, timestamptz '2020-11-01 10:00:00+00' as built_at"
    )
    con.close()
    meta = report.provenance(db)
    assert (meta.source_commit, meta.commit_origin) == ("deadbeef", "release 20201101T100000Z-deadbeef")
    assert meta.warehouse_built is not None and meta.warehouse_built.startswith("2020-11-01")


def test_provenance_of_a_database_without_release_info_is_the_checkout(tmp_path: Path):
    db = tmp_path / "work.duckdb"
    duckdb.connect(str(db)).close()
    meta = report.provenance(db)
    assert meta.warehouse_built is None and meta.commit_origin.startswith("git checkout")


def test_the_exposure_lists_exactly_the_marts_the_report_reads():
    exposures = yaml.safe_load((report.ROOT / "models" / "marts" / "_exposures.yml").read_text(encoding="utf-8"))
    visual = next(e for e in exposures["exposures"] if e["name"] == "visual_report")
    declared = {re.fullmatch(r"ref\('(\w+)'\)", ref).group(1) for ref in visual["depends_on"]}
    queried = {name for sql in report.QUERIES.values() for name in re.findall(r"\bmarts\.(\w+)", sql)}
    assert declared == queried


def test_the_market_source_line_comes_from_the_mart():
    assert charts.market_source(FIXTURE["market_size"]) == (
        "报告章节 / report section「市场前景巨大」；报告引用 / cited: IDC；BCG分析"
    )
    assert charts.market_source([]) == ""


def test_the_runtime_is_bundled_once_and_kept_under_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    calls: list[str] = []
    monkeypatch.setattr(vega_runtime, "ROOT", tmp_path)
    monkeypatch.setattr(vega_runtime.vl_convert, "javascript_bundle", lambda snippet: calls.append(snippet) or "bundled();")
    vega_runtime.runtime.cache_clear()
    try:
        assert vega_runtime.runtime() == "bundled();"
        vega_runtime.runtime.cache_clear()  # as a new process would start
        assert vega_runtime.runtime() == "bundled();"
    finally:
        vega_runtime.runtime.cache_clear()
    assert calls == [vega_runtime.BUNDLE_SNIPPET]
    kept = list((tmp_path / "build" / "cache").iterdir())
    assert [p.suffix for p in kept] == [".js"] and kept[0].read_text(encoding="utf-8") == "bundled();"
