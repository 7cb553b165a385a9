"""The Superset dashboards end to end: a real Superset on 127.0.0.1 serving the bundle over a published warehouse.

One server per module (a temporary home and a free port), started the way `make dashboards` starts it, stopped
at the end whatever happened. Every chart's data, from Superset's chart-data API and from the requests the
dashboards make in headless Chromium, is compared with the warehouse's own answer: a MetricFlow metric where one
exists (so a chart cannot quietly redefine a metric), a query on the mart otherwise. Each dashboard is opened in
Debian's chromium (driven by Playwright, never a downloaded browser): every chart must render, the console must
stay free of errors, and a screenshot goes to build/superset-check/. The connection's read-only mode is proven
by DuckDB itself refusing an insert. Timings go to build/superset-check/timings.json.

The warehouse: the check sequence's build (DIGITAL_CITY_WORK_DB, else build/ci/) published into a temporary
directory with `python -m digital_city publish`, or, when no such build exists, the session's built project copy.
With CI=true a missing Superset environment or browser fails instead of skipping.
"""

from __future__ import annotations

import json
import math
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from digital_city import load
from digital_city.dashboards import bundle
from digital_city.dashboards.client import Client
from digital_city.dashboards.command import dashboard_slugs, serve
from digital_city.dashboards.server import SUPERSET_VENV, Instance, free_port
from digital_city.local_servers import port_free
from digital_city.tests.support.warehouse_answers import MetricQuery, Rows, metricflow, sql
from digital_city.project import ROOT

OUT_DIR = ROOT / "build" / "superset-check"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMINGS: dict[str, float] = {}


def require(condition: bool, reason: str) -> None:
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: CI must run the Superset check, not skip it")
    pytest.skip(reason)


# -- what each chart must show, from the warehouse ------------------------------------------------------------------

Cells = dict[tuple[Any, ...], Any]


def year(value: Any) -> Any:
    """MetricFlow's metric_time__year ('2013-01-01T00:00:00') as the mart's year (2013)."""
    return int(str(value)[:4]) if value is not None else None


def number(value: Any) -> Any:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def series(rows: Rows, x: str | None, names: Callable[[dict[str, Any]], list[tuple[Any, Any]]]) -> Cells:
    """{(x, series): value} from warehouse rows; `names` gives each row's (series, value) pairs."""
    cells: Cells = {}
    for row in rows:
        key_x = year(row[x]) if x and x.startswith("metric_time") else (row[x] if x else None)
        for name, value in names(row):
            if value is not None:
                cells[(key_x, name)] = number(value)
    return cells


def metric_columns(*metrics: str) -> Callable[[dict[str, Any]], list[tuple[Any, Any]]]:
    return lambda row: [(m, row[m]) for m in metrics]


def grouped(group: str, metric: str) -> Callable[[dict[str, Any]], list[tuple[Any, Any]]]:
    return lambda row: [(row[group], row[metric])]


@dataclass(frozen=True)
class Expect:
    """The warehouse's answer for one query of a chart (a chart with two queries has two)."""

    source: str  # "metricflow" or "mart": what the comparison report says
    metric_query: MetricQuery | None = None
    mart_sql: str | None = None
    # For series charts: x column of the chart's data and the warehouse rows -> {(x, series): value}.
    chart_x: str | None = None
    to_cells: Callable[[Rows], Cells] | None = None
    # For tables: compare rows (as a multiset) on these columns.
    table_columns: list[str] = field(default_factory=list)


CNY_SERIES = {
    ("core_tech_investment", "not_applicable"): "core_tech_investment_cny",
    ("total_market", "on_top"): "total_market_cny_on_top",
    ("total_market", "in_total"): "total_market_cny_in_total",
    ("total_market", "as_reported"): "total_market_cny_as_reported",
}
MF = "metricflow"
MART = "mart"

EXPECTED: dict[str, list[Expect]] = {
    "pilot_designations_by_year_and_lead_ministry_with_the_running_total": [
        Expect(
            MF,
            MetricQuery(["pilot_designations"], ["metric_time__year", "pilot_program__lead_ministry_zh"]),
            chart_x="designation_year",
            to_cells=lambda rows: series(rows, "metric_time__year", grouped("pilot_program__lead_ministry_zh", "pilot_designations")),
        ),
        Expect(
            MF,
            MetricQuery(["pilot_designations_cumulative"], ["metric_time__year"], end_time="2019-12-31"),
            chart_x="designation_year",
            # The running total over the spine also has 2018 (no designation that year); the chart's x axis
            # holds the designation years only.
            to_cells=lambda rows: {
                k: v for k, v in series(rows, "metric_time__year", metric_columns("pilot_designations_cumulative")).items()
                if k[0] != 2018
            },
        ),
    ],
    "pilot_designations_2013_2019": [
        Expect(MF, MetricQuery(["pilot_designations"]), to_cells=lambda rows: series(rows, None, metric_columns("pilot_designations"))),
    ],
    "market_path_in_usd_under_both_readings_of_3": [
        Expect(
            MF,
            MetricQuery(["core_tech_investment_usd", "total_market_usd_on_top", "total_market_usd_in_total"], ["metric_time__year"]),
            chart_x="market_year",
            to_cells=lambda rows: series(
                rows, "metric_time__year",
                metric_columns("core_tech_investment_usd", "total_market_usd_on_top", "total_market_usd_in_total"),
            ),
        ),
    ],
    "market_path_in_cny_with_the_report_s_headline": [
        Expect(
            MF,
            MetricQuery(["market_size_cny"], ["metric_time__year", "market_size_row__measure_code", "market_size_row__multiplier_reading"]),
            chart_x="market_year",
            # The chart's four series are market_size_cny of one (measure, reading) each, named like the USD
            # metrics; the supporting-investment rows are not charted.
            to_cells=lambda rows: series(
                rows, "metric_time__year",
                lambda row: [
                    (CNY_SERIES[key], row["market_size_cny"])
                    for key in [(row["market_size_row__measure_code"], row["market_size_row__multiplier_reading"])]
                    if key in CNY_SERIES
                ],
            ),
        ),
    ],
    "broadband_china_pilot_coverage_by_province_prefectures_with_a_member": [
        Expect(
            MF,
            MetricQuery(
                ["pilot_member_prefectures"],
                ["city__province_name_zh"],
                where=["{{ Dimension('pilot_program__program_family') }} = 'broadband'"],
            ),
            chart_x="province_name_zh",
            to_cells=lambda rows: series(rows, "city__province_name_zh", metric_columns("pilot_member_prefectures")),
        ),
    ],
    "pilot_member_cities_broadband_china_2014_2016": [
        Expect(
            MART,
            mart_sql="select designation_year, program_name_zh, entity_name, entity_type_zh, city_name_zh, "
            "province_name_zh, mapping_type_zh from marts.fct_city_pilot_membership_v2 "
            "where program_key like 'broadband_china_%'",
            table_columns=["designation_year", "program_name_zh", "entity_name", "entity_type_zh", "city_name_zh", "province_name_zh", "mapping_type_zh"],
        ),
    ],
    "global_smart_city_cases": [
        Expect(
            MART,
            mart_sql="select city_zh, city_en, country_en, initiative_zh, metric_zh, direction_zh, value_raw, unit "
            "from marts.fct_global_city_cases",
            table_columns=["city_zh", "city_en", "country_en", "initiative_zh", "metric_zh", "direction_zh", "value_raw", "unit"],
        ),
    ],
    "what_each_generation_looks_at_in_a_city_rank": [
        Expect(
            MART,
            mart_sql="select item_rank, generation_zh, generation_en, item_zh, item_en from marts.fct_city_focus_ranks",
            table_columns=["item_rank", "generation_zh", "generation_en", "item_zh", "item_en"],
        ),
    ],
    "where_each_generation_learns_about_a_city_rank": [
        Expect(
            MART,
            mart_sql="select item_rank, generation_zh, generation_en, item_zh, item_en from marts.fct_city_info_channel_ranks",
            table_columns=["item_rank", "generation_zh", "generation_en", "item_zh", "item_en"],
        ),
    ],
    "survey_findings_the_shares_the_report_prints": [
        Expect(
            MF,
            MetricQuery(
                ["survey_share_max"],
                ["finding__label_zh", "finding__population_zh"],
                where=["{{ Dimension('finding__unit') }} = 'percent'"],
            ),
            chart_x="label_zh",
            to_cells=lambda rows: series(rows, "finding__label_zh", grouped("finding__population_zh", "survey_share_max")),
        ),
    ],
    "campaign_reach_by_city_plays_reads_exposure_likes_reach": [
        Expect(
            MF,
            MetricQuery(
                ["campaign_plays", "campaign_reads", "campaign_exposure", "campaign_likes", "campaign_reach_max"],
                ["campaign_metric__city_zh"],
            ),
            chart_x="city_zh",
            to_cells=lambda rows: series(
                rows, "campaign_metric__city_zh",
                metric_columns("campaign_plays", "campaign_reads", "campaign_exposure", "campaign_likes", "campaign_reach_max"),
            ),
        ),
    ],
    "city_scorecard_the_chinese_cities_the_report_names": [
        Expect(
            MART,
            mart_sql="select city_zh, city_en, province_name_zh, mention_role, population_2020, campaign_count, "
            "max_plays_raw, max_reach_raw, max_exposure_raw, visitor_growth_pct, is_broadband_china_member, "
            "broadband_china_years, has_talent_policy, talent_policy_year from marts.fct_city_scorecard_v2",
            table_columns=[
                "city_zh", "city_en", "province_name_zh", "mention_role", "population_2020", "campaign_count",
                "max_plays_raw", "max_reach_raw", "max_exposure_raw", "visitor_growth_pct", "is_broadband_china_member",
                "broadband_china_years", "has_talent_policy", "talent_policy_year",
            ],
        ),
    ],
    "talent_policies": [
        Expect(
            MART,
            mart_sql="select place_zh, place_en, policy_year, document_name_zh, target_group_zh, instruments_en "
            "from marts.dim_talent_policy",
            table_columns=["place_zh", "place_en", "policy_year", "document_name_zh", "target_group_zh", "instruments_en"],
        ),
    ],
}


def chart_cells(result: dict[str, Any], x: str | None) -> Cells:
    """{(x, series): value} from one query result of the chart-data API (pivoted columns are the series)."""
    cells: Cells = {}
    for row in result["data"]:
        for column, value in row.items():
            if column != x and value is not None:
                cells[(row[x] if x else None, column)] = number(value)
    return cells


def close(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)
    return a == b


def table_rows(rows: Rows, columns: list[str]) -> list[tuple[Any, ...]]:
    return sorted((tuple(number(row.get(c)) for c in columns) for row in rows), key=repr)


def differences(expect: Expect, answer: Rows, result: dict[str, Any]) -> list[str]:
    """What differs between the warehouse's answer and one query result of a chart; [] when they agree."""
    if result.get("error"):
        return [f"Superset error: {result['error']}"]
    if expect.table_columns:
        want, got = table_rows(answer, expect.table_columns), table_rows(result["data"], expect.table_columns)
        if len(want) != len(got):
            return [f"{len(got)} rows in the chart, {len(want)} in the mart"]
        return [f"row {g} != mart {w}" for g, w in zip(got, want) if not all(map(close, g, w))][:5]
    assert expect.to_cells is not None
    want, got = expect.to_cells(answer), chart_cells(result, expect.chart_x)
    problems = [f"{key}: chart has nothing, warehouse {want[key]}" for key in sorted(want.keys() - got.keys(), key=repr)]
    problems += [f"{key}: chart {got[key]}, warehouse has nothing" for key in sorted(got.keys() - want.keys(), key=repr)]
    problems += [f"{key}: chart {got[key]} != warehouse {want[key]}" for key in sorted(want.keys() & got.keys(), key=repr) if not close(got[key], want[key])]
    return problems[:8]


# -- chart titles against the rows each chart shows ----------------------------------------------------------------

TITLE_YEARS = re.compile(r"(?<!\d)(20\d\d)(?:\s*[-–]\s*(20\d\d))?(?!\d)")
FILTER_SQL = {"IN": "in", "NOT IN": "not in", "==": "=", "!=": "<>", "LIKE": "like"}


def chart_rows_sql(chart: dict[str, Any], table: str) -> tuple[str, list[Any]]:
    """The rows a chart lists or aggregates: its dataset's table under the chart's own saved filters."""
    queries = json.loads(chart["query_context"])["queries"]
    filters = queries[0]["filters"]
    assert all(q["filters"] == filters for q in queries), "the chart's queries filter different rows"
    assert not any((q.get("extras") or {}).get("where") for q in queries), "free-SQL filters are not checked here"
    clauses, values = [], []
    for f in filters:
        operator = FILTER_SQL[f["op"]]
        if isinstance(f["val"], list):
            clauses.append(f'"{f["col"]}" {operator} ({", ".join("?" for _ in f["val"])})')
            values += f["val"]
        else:
            clauses.append(f'"{f["col"]}" {operator} ?')
            values.append(f["val"])
    where = f" where {' and '.join(clauses)}" if clauses else ""
    return (f"select rows.designation_year, programs.program_family_zh, programs.program_family_en "
            f"from (select * from marts.{table}{where}) as rows "
            f"join marts.dim_pilot_program as programs on rows.program_key = programs.program_key"), values


def title_problems(title: str, rows: list[tuple[Any, ...]], families: list[tuple[str, str]]) -> list[str]:
    """What a chart's title says about years and programme families that its rows (year, family_zh, family_en) do not."""
    problems = []
    for match in TITLE_YEARS.finditer(title):
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        shown = (min(r[0] for r in rows), max(r[0] for r in rows)) if rows else None
        if shown != (first, last):
            problems.append(f"title says {match.group(0)}, the rows span {shown[0]}-{shown[1]}" if shown else
                            f"title says {match.group(0)}, the chart shows no rows")
    named = {(zh, en) for zh, en in families if zh in title or en in title}
    shown_families = {(r[1], r[2]) for r in rows}
    if named and named != shown_families:
        problems.append(f"title names {sorted(en for _, en in named)}, the rows are of {sorted(en for _, en in shown_families)}")
    return problems


def test_title_problems_sees_a_wrong_year_span_and_a_programme_the_title_leaves_out():
    families = [("宽带中国", "Broadband China"), ("智慧城市", "Smart city")]
    broadband = [(2014, "宽带中国", "Broadband China"), (2016, "宽带中国", "Broadband China")]
    assert title_problems("名单 · Members (Broadband China, 2014-2016)", broadband, families) == []
    assert title_problems("名单 · Members (Broadband China, 2014-2016)", [*broadband, (2013, "智慧城市", "Smart city")],
                          families) == [
        "title says 2014-2016, the rows span 2013-2016",
        "title names ['Broadband China'], the rows are of ['Broadband China', 'Smart city']",
    ]
    assert title_problems("试点 · Pilots, 2013", broadband, families) == ["title says 2013, the rows span 2014-2016"]


def test_every_chart_title_names_the_years_and_programmes_of_the_rows_it_shows(tmp_path: Path, request: pytest.FixtureRequest):
    """A title's years (2014-2016) are the span of designation_year in the rows the chart shows, and the programme
    families it names (Broadband China) are those rows' families: the rows are the dataset's table under the chart's
    saved filters, read from the published warehouse."""
    import duckdb

    warehouse, _ = published_warehouse(tmp_path, request)
    assets = bundle.load()
    datasets = {d["uuid"]: d for d in assets["datasets"].values()}
    checked, problems = [], []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        families = con.execute("select distinct program_family_zh, program_family_en from marts.dim_pilot_program").fetchall()
        for path, chart in sorted(assets["charts"].items()):
            title, dataset = chart["slice_name"], datasets[chart["dataset_uuid"]]
            # Programme families are named only over programme rows (智慧城市 is also the report's general subject).
            if not {"program_key", "designation_year"} <= {c["column_name"] for c in dataset["columns"]}:
                assert not TITLE_YEARS.search(title), f"{path}: the title names years its rows cannot be checked for"
                continue
            statement, values = chart_rows_sql(chart, dataset["table_name"])
            rows = con.execute(statement, values).fetchall()
            checked.append(Path(path).stem)
            problems += [f"{title}: {p}" for p in title_problems(title, rows, families)]
    assert problems == []
    # The charts whose titles name years or programmes today; a new one joins the check by itself.
    assert {"pilot_designations_2013_2019", "pilot_member_cities_broadband_china_2014_2016",
            "broadband_china_pilot_coverage_by_province_prefectures_with_a_member"} <= set(checked), checked


# -- the server --------------------------------------------------------------------------------------------------


@dataclass
class Running:
    instance: Instance
    client: Client
    warehouse: Path
    charts: dict[str, dict[str, Any]]  # bundle chart name -> {"id", "slice_name", "dashboard"}
    answers: dict[str, list[Rows]]


def published_warehouse(tmp: Path, request: pytest.FixtureRequest) -> tuple[Path, Path]:
    """A published warehouse file and the dbt target path whose semantic manifest describes it.

    `make test` publishes its CI build to build/ci/warehouse before pytest runs; alone, pytest uses the session's
    built copy of the project."""
    ci_release = ROOT / "build" / "ci" / "warehouse" / "digital_city.duckdb"
    target = ROOT / os.environ.get("DBT_TARGET_PATH", "target")
    if ci_release.is_file() and (target / "semantic_manifest.json").is_file():
        return ci_release, target
    built = request.getfixturevalue("built_project")
    return built.publish_dir / "digital_city.duckdb", built.root / "target"


def answers_for(warehouse: Path, target: Path) -> dict[str, list[Rows]]:
    names = [(name, i) for name, expects in EXPECTED.items() for i, _ in enumerate(expects)]
    flat = [EXPECTED[n][i] for n, i in names]
    mf_answers = iter(metricflow([e.metric_query for e in flat if e.metric_query], warehouse, target))
    answers: dict[str, list[Rows]] = {name: [] for name in EXPECTED}
    for (name, _), expect in zip(names, flat):
        answers[name].append(next(mf_answers) if expect.metric_query else sql(warehouse, str(expect.mart_sql)))
    return answers


@pytest.fixture(scope="module")
def superset(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[Running]:
    require((SUPERSET_VENV / "bin" / "gunicorn").is_file(), f"Superset is not installed in {SUPERSET_VENV} (make superset)")
    tmp = tmp_path_factory.mktemp("superset")
    warehouse, target = published_warehouse(tmp, request)
    instance = Instance(home=tmp / "home", port=free_port())
    check_started = time.perf_counter()
    try:
        # MetricFlow answers while Superset migrates its metadata database: both take seconds, mostly waiting.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(answers_for, warehouse, target)
            seconds = serve(instance, warehouse)
            started = time.perf_counter()
            answers = pending.result()
            TIMINGS["metricflow_wait"] = time.perf_counter() - started
        TIMINGS.update({f"{k}": v for k, v in seconds.items()})
        client = Client(instance.url, instance.admin_password())
        charts: dict[str, dict[str, Any]] = {}
        by_title = {c["slice_name"]: Path(rel).stem for rel, c in bundle.load()["charts"].items()}
        for slug in dashboard_slugs():
            for listed in client.dashboard_charts(slug):
                charts[by_title[listed["slice_name"]]] = {"id": listed["id"], "slice_name": listed["slice_name"], "dashboard": slug}
        yield Running(instance, client, warehouse, charts, answers)
    finally:
        instance.stop()
        TIMINGS["check_total"] = time.perf_counter() - check_started
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        (OUT_DIR / "timings.json").write_text(json.dumps({k: round(v, 2) for k, v in TIMINGS.items()}, indent=2) + "\n")
    assert port_free(instance.port), "the server still listens after stop()"


# -- the bundle, without a server ------------------------------------------------------------------------------------


def test_bundle_is_two_bilingual_dashboards_of_mart_datasets_with_a_read_only_secretless_database():
    assets = bundle.load()
    (database,) = assets["databases"].values()
    assert database["sqlalchemy_uri"] == bundle.URI_PLACEHOLDER
    assert database["sqlalchemy_uri"].endswith("?access_mode=read_only")
    assert database["allow_dml"] is False and not database.get("password")
    assert "metadata.yaml" in assets["metadata"] and "type" not in assets["metadata"]["metadata.yaml"]
    datasets = {d["uuid"]: d for d in assets["datasets"].values()}
    assert all(d["schema"] == "marts" and d["database_uuid"] == database["uuid"] for d in datasets.values())
    charts = assets["charts"]
    assert len(charts) >= 8
    placed: dict[str, str] = {}
    for dashboard in assets["dashboards"].values():
        assert " · " in dashboard["dashboard_title"]
        for item in dashboard["position"].values():
            if isinstance(item, dict) and item.get("type") == "CHART":
                assert item["meta"]["uuid"] not in placed, "a chart placed twice"
                placed[item["meta"]["uuid"]] = dashboard["slug"]
    assert sorted(placed) == sorted(c["uuid"] for c in charts.values()), "every chart on exactly one dashboard"
    assert {*placed.values()} == {"smart-city-market", "talent-attraction"}
    for path, chart in charts.items():
        zh, _, en = chart["slice_name"].partition(" · ")
        assert en and any("\u4e00" <= ch <= "\u9fff" for ch in zh), f"{path}: title is not 中文 · English"
        dataset = datasets[chart["dataset_uuid"]]
        metrics = {m["metric_name"] for m in dataset["metrics"]}
        context = json.loads(chart["query_context"])
        for query in context["queries"]:
            for metric in query.get("metrics") or []:
                assert isinstance(metric, str) and metric in metrics, f"{path}: {metric!r} is not a saved metric of {dataset['table_name']}"
        assert Path(path).stem in EXPECTED, f"{path}: no warehouse answer to compare this chart with (EXPECTED)"
        assert len(EXPECTED[Path(path).stem]) == len(context["queries"])


def test_bundle_tables_are_marts_of_the_warehouse_and_pin_each_versioned_mart():
    """Every dataset reads a relation of the public interface (contracts/), and never the unversioned name of a
    versioned mart (a view that follows its latest version): it reads the pinned marts.<name>_v<n>."""
    import yaml

    contract = yaml.safe_load((ROOT / "contracts" / "digital_city.datacontract.yaml").read_text(encoding="utf-8"))
    relations = {o["name"]: {p["property"]: p["value"] for p in o.get("customProperties", [])} for o in contract["schema"]}
    read = {t["table_name"] for t in bundle.load()["datasets"].values()}
    assert read <= set(relations), read - set(relations)
    following = {name for name in read if "pointsAt" in relations[name]}
    assert following == set(), f"datasets read the unversioned name of a versioned mart: {sorted(following)}"


def test_zip_fills_the_placeholder_and_refuses_a_bundle_without_it(tmp_path: Path):
    import io
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(bundle.zip_bundle("duckdb:////x/warehouse/digital_city.duckdb?access_mode=read_only")))
    (db_file,) = [n for n in archive.namelist() if "/databases/" in n]
    assert "duckdb:////x/warehouse/digital_city.duckdb?access_mode=read_only" in archive.read(db_file).decode()
    assert bundle.URI_PLACEHOLDER not in archive.read(db_file).decode()
    broken = tmp_path / "bundle"
    for path in bundle.bundle_files():
        target = broken / path.relative_to(bundle.BUNDLE_DIR)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8").replace(bundle.URI_PLACEHOLDER, "duckdb:////home/me/wh.duckdb"), encoding="utf-8")
    with pytest.raises(ValueError, match="placeholder"):
        bundle.zip_bundle("duckdb:///elsewhere", broken)


def test_warehouse_uri_keeps_the_published_name_not_the_release_it_points_at(tmp_path: Path):
    release = tmp_path / ".releases" / "r1"
    release.mkdir(parents=True)
    (release / "digital_city.duckdb").write_bytes(b"")
    (tmp_path / "digital_city.duckdb").symlink_to(release / "digital_city.duckdb")
    assert bundle.warehouse_uri(tmp_path / "digital_city.duckdb") == f"duckdb:///{tmp_path}/digital_city.duckdb?access_mode=read_only"


def test_a_chart_that_redefines_its_metric_is_caught():
    """The comparison is not blind: a campaign chart whose plays became a maximum differs from MetricFlow's sum."""
    expect = EXPECTED["campaign_reach_by_city_plays_reads_exposure_likes_reach"][0]
    answer = [{"campaign_metric__city_zh": "武汉", "campaign_plays": 150000000.0, "campaign_reads": None,
               "campaign_exposure": None, "campaign_likes": None, "campaign_reach_max": None}]
    faithful = {"data": [{"city_zh": "武汉", "campaign_plays": 150000000.0}]}
    redefined = {"data": [{"city_zh": "武汉", "campaign_plays": 100000000.0}]}
    assert differences(expect, answer, faithful) == []
    assert differences(expect, answer, redefined) == [
        "('武汉', 'campaign_plays'): chart 100000000.0 != warehouse 150000000.0"
    ]
    assert differences(expect, answer, {"data": []}) != []


# -- the running server ------------------------------------------------------------------------------------------


def test_every_chart_returns_the_warehouses_answer(superset: Running):
    started = time.perf_counter()
    assert sorted(superset.charts) == sorted(EXPECTED), "the dashboards' charts are not the bundle's"
    report: list[dict[str, Any]] = []
    failures: list[str] = []
    for name, chart in sorted(superset.charts.items()):
        results = superset.client.chart_data(chart["id"])
        assert len(results) == len(EXPECTED[name]), name
        for i, (expect, answer, result) in enumerate(zip(EXPECTED[name], superset.answers[name], results)):
            problems = differences(expect, answer, result)
            compared = len(result["data"])
            report.append({"chart": chart["slice_name"], "query": i, "against": expect.source,
                           "metric_query": expect.metric_query.__dict__ if expect.metric_query else None,
                           "mart_sql": expect.mart_sql, "chart_rows": compared, "ok": not problems})
            failures += [f"{chart['slice_name']} (query {i}): {p}" for p in problems]
            assert compared > 0, f"{chart['slice_name']}: no data"
    TIMINGS["chart_data"] = time.perf_counter() - started
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUT_DIR / "comparisons.json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert failures == []


def test_dashboards_render_every_chart_in_chromium_without_console_errors(superset: Running):
    require(CHROMIUM.exists(), "Debian's chromium is not installed (apt-get install -y chromium; .ci/run does it)")
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    base = superset.instance.url
    outside: dict[str, str | None] = {}
    console: list[str] = []
    local = (f"{base}/", "data:", "blob:")
    responses: list[tuple[int, list[dict[str, Any]]]] = []

    def note_outside(request: Any) -> None:
        # Recorded as the browser makes it, unanswered: the server's policy must stop it before it leaves.
        if not request.url.startswith(local):
            outside[request.url] = None

    def note_failed(request: Any) -> None:
        if request.url in outside:
            outside[request.url] = request.failure

    def on_response(response: Any) -> None:
        if response.request.method == "POST" and "/api/v1/chart/data" in response.url and response.ok:
            form = json.loads(response.request.post_data or "{}").get("form_data", {})
            responses.append((int(form.get("slice_id", -1)), response.json()["result"]))

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    rendered: dict[str, list[dict[str, Any]]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 2600}, locale="zh-CN")
            page.on("request", note_outside)
            page.on("requestfailed", note_failed)
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
            page.on("response", on_response)
            page.goto(f"{base}/login/")
            page.fill("input#username", "admin")
            page.fill("input#password", superset.instance.admin_password())
            page.click("button[type=submit]")
            page.wait_for_url("**/superset/welcome/**")
            for slug in dashboard_slugs():
                expected = sorted(c["id"] for c in superset.charts.values() if c["dashboard"] == slug)
                page.goto(f"{base}/superset/dashboard/{slug}/")
                page.wait_for_function(
                    """ids => ids.every(id => {
                        const holder = document.querySelector(`.dashboard-chart-id-${id} [data-test="slice-container"]`);
                        return holder && !holder.querySelector('.loading, [data-test="loading-indicator"]')
                            && holder.querySelector('canvas, table tbody tr, .header-line, [role="alert"], .alert');
                    })""",
                    arg=expected,
                    timeout=60_000,
                )
                rendered[slug] = page.evaluate(
                    """ids => ids.map(id => {
                        const holder = document.querySelector(`.dashboard-chart-id-${id} [data-test="slice-container"]`);
                        return {id, canvas: holder.querySelectorAll('canvas').length,
                                rows: holder.querySelectorAll('table tbody tr').length,
                                big_number: (holder.querySelector('.header-line') || {}).innerText || null,
                                error: (holder.querySelector('[role="alert"], .alert') || {}).innerText || null};
                    })""",
                    expected,
                )
                # ECharts animates its marks in; the picture is for people, so let the animation end first.
                page.wait_for_timeout(1200)
                page.screenshot(path=str(OUT_DIR / f"{slug}.png"), full_page=True)
        finally:
            browser.close()
    TIMINGS["browser"] = time.perf_counter() - started

    # Chromium reports a request its page's policy refused, though it never left the browser: only those may stand.
    left = {url: failure for url, failure in outside.items() if failure != "csp"}
    assert left == {}, f"the dashboards sent requests to hosts other than {base}: {left}"
    # Chromium logs each refusal as a console error: those are the policy at work, every other error fails.
    refusals = tuple(f"'{url}' violates the following Content Security Policy" for url in outside)
    assert [m for m in console if not any(r in m for r in refusals)] == [], console
    for slug, charts in rendered.items():
        for chart in charts:
            assert chart["error"] is None, f"{slug}: chart {chart['id']} shows an error: {chart['error']}"
            assert chart["canvas"] or chart["rows"] or chart["big_number"], f"{slug}: chart {chart['id']} drew nothing"
        assert (OUT_DIR / f"{slug}.png").stat().st_size > 50_000, f"{slug}: a near-empty screenshot"
    # What the dashboards drew is the warehouse's answer too (the data of every chart-data request they made).
    by_id = {c["id"]: name for name, c in superset.charts.items()}
    seen = set()
    for chart_id, results in responses:
        name = by_id[chart_id]
        seen.add(name)
        for expect, answer, result in zip(EXPECTED[name], superset.answers[name], results):
            assert differences(expect, answer, result) == [], name
    assert seen == set(EXPECTED), set(EXPECTED) - seen


def test_every_page_confines_the_browser_to_this_server(superset: Running):
    """The Content-Security-Policy is what keeps a real browser's requests (the compiled-in telemetry pixel, map
    tiles, web fonts) on the machine: each directive that fetches allows this server and inline data only."""
    fetching = ("default-src", "img-src", "connect-src", "script-src", "style-src", "font-src", "worker-src")
    for path in ("/login/", "/superset/welcome/", *(f"/superset/dashboard/{slug}/" for slug in dashboard_slugs())):
        answer = superset.client.session.get(f"{superset.instance.url}{path}", timeout=30)
        assert answer.status_code == 200, (path, answer.status_code)
        policy = answer.headers.get("Content-Security-Policy", "")
        directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
        assert set(fetching) <= set(directives), f"{path}: {policy!r}"
        for name in fetching:
            hosts = [v for v in directives[name] if not v.startswith("'") and v not in ("data:", "blob:")]
            assert hosts == [], f"{path}: {name} allows {hosts}"


def test_sixteen_concurrent_clients_get_every_charts_data_without_an_error(superset: Running):
    chart_ids = sorted(chart["id"] for chart in superset.charts.values())
    figures = load.superset_load(superset.instance.url, superset.instance.admin_password(), chart_ids,
                                 clients=16, seconds=5)
    print(f"\n{figures.line()}")
    assert figures.failed == [], figures.failed[:5]
    assert len(figures.latencies) >= 16 * len(chart_ids) // 4, "the clients were not served"


def test_the_connection_is_read_only_in_duckdb_itself(superset: Running):
    client = superset.client
    database_id = client.database_id("digital_city")
    client.call("PUT", f"/api/v1/database/{database_id}", json={"allow_dml": True})
    try:
        select = client.run_sql(database_id, "select count(*) as n from marts.dim_talent_policy")
        assert select.status_code == 200, select.text
        assert select.json()["data"] == [{"n": 5}]
        insert = client.run_sql(database_id, "insert into marts.dim_date values (date '2099-01-01')")
        assert insert.status_code >= 400, insert.text
        assert "read-only mode" in insert.text, insert.text
    finally:
        client.call("PUT", f"/api/v1/database/{database_id}", json={"allow_dml": False})


def test_a_second_start_finds_the_running_server(superset: Running):
    before = superset.instance.read_state()
    started = time.perf_counter()
    state, fresh = superset.instance.start()
    assert not fresh and state == before
    assert time.perf_counter() - started < 3


def test_a_killed_server_does_not_block_the_next_start(superset: Running):
    """SIGKILL to gunicorn's master leaves a stale state file and possibly a worker: the next start clears both."""
    instance = superset.instance
    old = int(instance.read_state()["pid"])
    os.kill(old, signal.SIGKILL)
    try:
        os.waitpid(old, 0)
    except ChildProcessError:
        pass
    started = time.perf_counter()
    state, fresh = instance.start()
    TIMINGS["restart_after_kill"] = time.perf_counter() - started
    assert fresh and int(state["pid"]) != old
    assert instance.healthy()


def relation_of_ref(ref: str) -> str:
    """The relation an exposure's ref reads: ref('x') is marts.x, ref('x', v=2) the pinned marts.x_v2."""
    match = re.fullmatch(r"ref\('(\w+)'(?:,\s*v=(\d+))?\)", ref)
    assert match, f"not a ref: {ref}"
    return match.group(1) + (f"_v{match.group(2)}" if match.group(2) else "")


def test_each_dashboard_exposure_names_its_asset_url_owner_and_exactly_the_marts_it_reads():
    import yaml

    from digital_city.dashboards.server import DEFAULT_PORT

    exposures = yaml.safe_load((ROOT / "models" / "marts" / "_exposures.yml").read_text(encoding="utf-8"))["exposures"]
    assets = bundle.load()
    tables = {d["uuid"]: d["table_name"] for d in assets["datasets"].values()}
    dataset_of = {c["uuid"]: tables[c["dataset_uuid"]] for c in assets["charts"].values()}
    dashboards = [e for e in exposures if e["type"] == "dashboard"]
    assert len(dashboards) == len(assets["dashboards"]) == 2
    for exposure in dashboards:
        asset = exposure["config"]["meta"]["superset_asset"]
        dashboard = assets["dashboards"][str(Path(asset).relative_to("dashboards/superset"))]
        assert (ROOT / asset).is_file() and asset in exposure["description"]
        assert exposure["url"] == f"http://127.0.0.1:{DEFAULT_PORT}/superset/dashboard/{dashboard['slug']}/"
        assert exposure["owner"]["name"] == "digital_city maintainers"
        assert not exposure["owner"]["email"].endswith("example.org")
        read = {dataset_of[item["meta"]["uuid"]] for item in dashboard["position"].values()
                if isinstance(item, dict) and item.get("type") == "CHART"}
        assert sorted(map(relation_of_ref, exposure["depends_on"])) == sorted(read), exposure["name"]
