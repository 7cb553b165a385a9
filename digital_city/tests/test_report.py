"""The visual report without a browser: charts from small hand-made rows, the page's own check, escaping, CLI."""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from digital_city.presentation import report
from digital_city.presentation.docs_site import remote_render_loads

SECTION = "目前全国试点城市数量已超过700个，市场前景巨大"


def _pilot(order: int, year: int, ministry: str, count: int, running: int) -> dict:
    return {
        "table_row_order": order,
        "designation_year": year,
        "program_name_zh": f"试点{order}",
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
        "report_section": SECTION,
        "cited_source": "各部委网站；BCG分析",
    },
    {
        "program_key": "smart_b1",
        "table_row_order": 1,
        "program_family": "smart_city",
        "program_name_zh": "首批国家智慧城市试点",
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
    "membership_sources": [{"source_url": "https://www.miit.gov.cn/example.html"}],
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


def _page(data: report.Data) -> tuple[str, int]:
    charts = report.build_charts(data)
    return report.render_page(charts, META), len(charts)


def test_every_chart_of_the_fixture_draws_data_marks():
    page, expected = _page(FIXTURE)
    assert expected == 6
    assert report.check_page(page, expected) == []
    marks = report.mark_counts(page)
    assert set(marks) == {
        "pilot_designations",
        "market_size",
        "generation_ranks",
        "campaign_reach",
        "broadband_provinces",
        "claim_checks",
    }
    # 3 ministry segments + 2 running-total points; 2 campaign points (the row without a figure is not drawn).
    assert marks["pilot_designations"] == 5
    assert marks["campaign_reach"] == 2
    assert marks["claim_checks"] == 2


def test_a_chart_with_no_data_is_reported():
    broken = copy.deepcopy(FIXTURE)
    broken["market_size"] = []
    page, expected = _page(broken)
    assert report.check_page(page, expected) == ["chart market_size has no data marks"]


def test_a_chart_without_svg_and_a_missing_chart_are_reported():
    page, expected = _page(FIXTURE)
    start = page.index('<figure class="chart" data-chart="claim_checks">')
    svg_start = page.index("<svg", start)
    svg_end = page.index("</svg>", svg_start) + len("</svg>")
    no_svg = page[:svg_start] + page[svg_end:]
    assert report.check_page(no_svg, expected) == ["chart claim_checks has no svg"]
    assert report.check_page(page, expected + 1) == [f"{expected} charts on the page, {expected + 1} expected"]


def test_marks_outside_an_svg_do_not_count():
    page = '<figure class="chart" data-chart="x"><svg></svg><span class="mark"></span></figure>'
    assert report.check_page(page) == ["chart x has no data marks"]


def test_text_from_the_marts_is_escaped():
    hostile = copy.deepcopy(FIXTURE)
    hostile["campaigns"][0]["city_zh"] = '<img src=x onerror="alert(1)">'
    hostile["claim_checks"][0]["claim_zh"] = "<script>alert(1)</script>"
    page, _ = _page(hostile)
    assert "<img src=x" not in page and "<script>alert(1)" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_page_is_offline_and_cites_its_sources():
    page, _ = _page(FIXTURE)
    assert remote_render_loads(page) == []
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert page.count("资料来源 / Source:") == 6
    assert SECTION in page and "abc123" in page
    assert "超过700个" in page


def test_reported_and_derived_market_points_are_marked_apart():
    page, _ = _page(FIXTURE)
    # USD panel: 2 reported IDC points filled; CNY values are conversions, so derived; the headline is reported.
    assert page.count('data-status="reported"') == 3
    assert page.count('data-status="derived"') == 6


def test_lower_bounds_are_labelled_not_shown_as_exact():
    page, _ = _page(FIXTURE)
    assert 'data-qualifier="more_than"' in page and "17亿次以上" in page
    assert 'data-qualifier="nearly"' in page and "近1千万" in page


def test_missing_warehouse_tells_the_user_to_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code = report.main(["--db", str(tmp_path / "missing.duckdb"), "--out", str(tmp_path / "index.html")])
    assert code == 2
    assert "make build" in capsys.readouterr().err
    assert not (tmp_path / "index.html").exists()


def test_provenance_reads_the_publish_manifest(tmp_path: Path):
    (tmp_path / "parquet").mkdir()
    (tmp_path / "parquet" / "manifest.json").write_text(
        '{"built_at": "2020-11-01T10:00:00+0000", "source_commit": "deadbeef"}', encoding="utf-8"
    )
    meta = report.provenance(tmp_path / "digital_city.duckdb")
    assert (meta.warehouse_built, meta.source_commit, meta.commit_origin) == (
        "2020-11-01T10:00:00+0000",
        "deadbeef",
        "publish manifest",
    )


def test_the_exposure_lists_exactly_the_marts_the_report_reads():
    exposures = yaml.safe_load((report.ROOT / "models" / "marts" / "_exposures.yml").read_text(encoding="utf-8"))
    visual = next(e for e in exposures["exposures"] if e["name"] == "visual_report")
    declared = {re.fullmatch(r"ref\('(\w+)'\)", ref).group(1) for ref in visual["depends_on"]}
    queried = {name for sql in report.QUERIES.values() for name in re.findall(r"\bmarts\.(\w+)", sql)}
    assert declared == queried


def test_the_market_source_line_comes_from_the_mart():
    from digital_city.presentation.charts import market_source

    assert market_source(FIXTURE["market_size"]) == "报告章节 / report section「市场前景巨大」；报告引用 / cited: IDC；BCG分析"
    assert market_source([]) == ""
