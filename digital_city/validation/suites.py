"""Great Expectations suites, one per mart, declared as data (digital_city/validation/expectations.py turns them into expectations).

Every table in schema `marts` must have a suite here; `python -m digital_city validate` fails on a mart without one.
The suites repeat the key checks dbt already runs on purpose (a second, independent engine over the published
data) and add what dbt tests do not hold: exact row counts of tables whose size the report fixes, value ranges
of derived figures, and checks across marts (references, totals).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Numbers, or ISO date strings for date columns.
Bounds = tuple[float | str | None, float | str | None]
PERCENT: Bounds = (0, 100)
NON_NEGATIVE: Bounds = (0, None)


@dataclass(frozen=True)
class Reference:
    """Every non-null value of `column` exists in `mart`.`ref_column`."""

    column: str
    mart: str
    ref_column: str


@dataclass(frozen=True)
class Total:
    """Every value of `column` equals the sum of `mart`.`of_column` (a total repeated on each row)."""

    column: str
    mart: str
    of_column: str


@dataclass(frozen=True)
class Suite:
    mart: str
    min_rows: int
    max_rows: int | None
    keys: tuple[str, ...] = ()  # each column unique and not null
    compound_keys: tuple[tuple[str, ...], ...] = ()
    not_null: tuple[str, ...] = ()
    ranges: Mapping[str, Bounds] = field(default_factory=dict)
    value_sets: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    references: tuple[Reference, ...] = ()
    totals: tuple[Total, ...] = ()


PROGRAM_FAMILIES = (
    "smart_city",
    "broadband",
    "information_consumption",
    "information_benefit",
    "cloud_e_government",
    "spatio_temporal_cloud",
)
LEAD_MINISTRIES = ("mohurd", "most_et_al", "miit", "miit_ndrc", "ndrc_et_al", "nasg")
CITY_LEVELS = ("municipality", "prefecture_city", "autonomous_prefecture", "region", "league", "county_group")
QUALIFIERS = ("exact", "more_than", "approximately", "nearly", "at_least")
BROADBAND_PROGRAMS = ("broadband_china_b1", "broadband_china_b2", "broadband_china_b3")

SUITES: tuple[Suite, ...] = (
    Suite(
        mart="dim_pilot_program",
        # The report's table has exactly 13 rows.
        min_rows=13,
        max_rows=13,
        keys=("program_key", "table_row_order", "program_name_zh"),
        not_null=(
            "designation_year",
            "batch_no",
            "program_family",
            "program_family_zh",
            "program_family_en",
            "lead_ministry_code",
            "lead_ministry_zh",
            "designation_count",
            "quote_zh",
            "cited_source",
        ),
        ranges={"table_row_order": (1, 13), "designation_year": (2013, 2019), "designation_count": (1, None)},
        value_sets={
            "batch_no": (1, 2, 3),
            "program_family": PROGRAM_FAMILIES,
            "lead_ministry_code": LEAD_MINISTRIES,
        },
    ),
    Suite(
        mart="fct_pilot_designations",
        min_rows=13,
        max_rows=13,
        keys=("program_key", "table_row_order"),
        not_null=("designation_year", "designation_count", "running_designations", "all_designations"),
        ranges={
            "designation_year": (2013, 2019),
            "designation_count": (1, None),
            "running_designations": NON_NEGATIVE,
            "share_of_all_pct": PERCENT,
            "ministry_share_pct": PERCENT,
            "share_within_ministry_pct": PERCENT,
            "family_share_pct": PERCENT,
        },
        value_sets={"program_family": PROGRAM_FAMILIES, "lead_ministry_code": LEAD_MINISTRIES},
        references=(Reference("program_key", "dim_pilot_program", "program_key"),),
        totals=(Total("all_designations", "dim_pilot_program", "designation_count"),),
    ),
    Suite(
        mart="dim_city",
        # 333 prefecture-level units, 4 municipalities and one county-level code group (see the model).
        min_rows=338,
        max_rows=338,
        keys=("city_code", "city_name_zh"),
        not_null=("province_code", "province_name_zh", "city_level", "is_municipality"),
        ranges={
            "city_code": (110000, 659999),
            "province_code": (110000, 659999),
            "population_2020": (1, None),
            "urban_population_2020": (1, None),
            "urban_share_pct_2020": PERCENT,
            "age_0_14_pct_2020": PERCENT,
            "age_15_59_pct_2020": PERCENT,
            "age_60_plus_pct_2020": PERCENT,
            "age_65_plus_pct_2020": PERCENT,
        },
        value_sets={
            "city_level": CITY_LEVELS,
            "province_level": ("province", "autonomous_region", "municipality"),
        },
    ),
    Suite(
        mart="fct_city_pilot_membership",
        min_rows=117,  # the 117 Broadband China entities; a cluster adds one row per prefecture it covers
        max_rows=1000,
        compound_keys=(("program_key", "entity_name", "city_code"),),
        not_null=("program_key", "member_key", "entity_name", "city_code", "mapping_type", "announce_date"),
        ranges={"designation_year": (2013, 2019), "entity_prefecture_count": (1, None), "entity_list_order": (1, None)},
        value_sets={"mapping_type": ("exact", "parent_of_subunit", "cluster_member")},
        references=(
            Reference("program_key", "dim_pilot_program", "program_key"),
            Reference("city_code", "dim_city", "city_code"),
        ),
    ),
    Suite(
        mart="fct_city_pilot_coverage",
        min_rows=100,
        max_rows=1000,
        compound_keys=(("program_key", "city_code"),),
        not_null=("program_key", "city_code", "coverage_type", "counts_as_member_city"),
        ranges={"member_entity_count": (1, None), "designation_year": (2013, 2019)},
        value_sets={"coverage_type": ("whole_prefecture", "sub_unit_only")},
        references=(
            Reference("program_key", "dim_pilot_program", "program_key"),
            Reference("city_code", "dim_city", "city_code"),
            Reference("program_key", "fct_city_pilot_membership", "program_key"),
        ),
    ),
    Suite(
        mart="fct_province_pilot_coverage",
        min_rows=31,
        max_rows=31 * 13,  # at most every province in every programme
        compound_keys=(("program_key", "province_code"),),
        not_null=("program_key", "province_code", "designated_city_count", "member_city_count"),
        ranges={
            "member_entity_count": (1, None),
            "designated_city_count": (1, None),
            "member_city_count": NON_NEGATIVE,
            "sub_unit_only_city_count": NON_NEGATIVE,
            "member_city_population_2020": NON_NEGATIVE,
        },
        references=(
            Reference("program_key", "dim_pilot_program", "program_key"),
            Reference("province_code", "dim_city", "province_code"),
        ),
    ),
    Suite(
        mart="fct_global_city_cases",
        min_rows=8,
        max_rows=8,
        keys=("case_metric_key",),
        not_null=("city_zh", "city_en", "metric_zh", "unit", "qualifier", "quote_zh", "cited_source", "is_range"),
        ranges={"value": NON_NEGATIVE, "value_low": NON_NEGATIVE, "value_high": NON_NEGATIVE},
        value_sets={
            "unit": ("percent", "count", "years", "usd", "multiple", "persons", "days"),
            "qualifier": QUALIFIERS,
            "direction": ("reduction", "coverage", "scope", "target"),
        },
    ),
    Suite(
        mart="fct_market_size",
        min_rows=1,
        max_rows=100,
        keys=("market_size_key",),
        compound_keys=(("market_year", "measure_code", "multiplier_reading"),),
        not_null=("market_year", "measure_code", "figure_status", "is_forecast", "value_cny", "derivation_method"),
        ranges={
            "market_year": (2018, 2030),
            "value_usd": (0, None),
            "value_cny": (0, None),
            "cny_per_usd": (5, 9),  # CNY per USD has stayed within 6-8 since 2015; outside 5-9 is a unit slip
            "core_cagr_pct": (-100, 100),
            "supporting_multiple": (0, None),
        },
        value_sets={
            "figure_status": ("reported", "derived"),
            "measure_code": ("total_market", "core_tech_investment", "supporting_facilities_investment"),
            "multiplier_reading": ("not_applicable", "as_reported", "on_top", "in_total"),
        },
    ),
)

GENERATIONS = ("gen_x", "gen_y", "gen_z")
RANK_ITEM_TYPES = (
    "short_video",
    "social_platform",
    "personal_network",
    "traditional_media",
    "nature_culture",
    "facilities",
    "events",
    "policy",
)
RANK_SUITE_FIELDS: dict[str, Any] = {
    # The report's rank tables: 3 generations x ranks 1-3.
    "min_rows": 9,
    "max_rows": 9,
    "keys": ("rank_item_key",),
    "compound_keys": (("generation_key", "item_rank"), ("generation_key", "item_zh")),
    "not_null": ("generation_zh", "generation_en", "item_zh", "item_en", "item_type_zh", "sample_size", "quote_zh"),
    "ranges": {"item_rank": (1, 3), "sample_size": (1, None)},
    "value_sets": {"generation_key": GENERATIONS, "item_type": RANK_ITEM_TYPES},
    "references": (Reference("generation_key", "dim_generation", "generation_key"),),
}

SUITES += (
    Suite(
        mart="dim_generation",
        # X, Y, Z and the groupings 上一代 and 新生代.
        min_rows=5,
        max_rows=5,
        keys=("generation_key", "generation_zh", "display_order"),
        not_null=("cohort_raw", "canonical_birth_year_high", "canonical_birth_years_label", "reference_year"),
        ranges={
            "canonical_birth_year_low": (1900, 2020),
            "canonical_birth_year_high": (1900, 2020),
            "age_low": (0, 120),
            "age_high": (0, 120),
        },
        value_sets={
            "generation_level": ("generation", "grouping"),
            "generation_zh": ("X世代", "Y世代", "Z世代", "上一代", "新生代"),
            "grouping_key": ("gen_previous", "gen_new"),
            "reference_year": (2020,),
        },
        references=(Reference("grouping_key", "dim_generation", "generation_key"),),
    ),
    Suite(mart="fct_city_info_channel_ranks", **RANK_SUITE_FIELDS),
    Suite(mart="fct_city_focus_ranks", **RANK_SUITE_FIELDS),
    Suite(
        mart="fct_survey_findings",
        min_rows=13,
        max_rows=100,
        keys=("finding_key",),
        not_null=("finding_type", "label_zh", "population_zh", "unit", "quote_zh", "cited_source"),
        ranges={"value": NON_NEGATIVE, "sample_size": (1, None), "survey_year": (2015, 2020)},
        value_sets={
            "finding_type": ("share", "count", "qualitative"),
            "qualifier": QUALIFIERS,
            "unit": ("percent", "count", "persons", "none"),
            "sample_size": (1030, 10303, 10729),
        },
        references=(Reference("population_generation_key", "dim_generation", "generation_key"),),
    ),
    Suite(
        mart="fct_city_campaigns",
        min_rows=31,
        max_rows=200,
        keys=("campaign_metric_key",),
        not_null=("city_zh", "city_en", "campaign_zh", "platform", "metric_zh", "metric_type", "unit", "has_figure"),
        ranges={
            "value": NON_NEGATIVE,
            "value_low": NON_NEGATIVE,
            "value_high": NON_NEGATIVE,
            "campaign_year": (2018, 2020),
            "derived_share_group_total_pct": (95, 105),
            "derived_ratio_if_times_base": (1, None),
            "derived_ratio_if_increase_by": (1, None),
        },
        value_sets={
            "qualifier": QUALIFIERS,
            "unit": ("count", "persons", "percent", "multiple", "years", "none"),
            "city_zh": ("西安", "郑州", "北京", "武汉", "成都", "重庆", "阿姆斯特丹"),
        },
    ),
    Suite(
        mart="dim_talent_policy",
        # Singapore, the UK, Germany, Shanghai and Hangzhou.
        min_rows=5,
        max_rows=5,
        keys=("policy_key", "place_zh"),
        not_null=("policy_scope", "policy_scope_zh", "heading_zh", "year_raw", "instrument_1_zh", "quote_zh"),
        ranges={"policy_year": (2019, 2020)},
        value_sets={"policy_scope": ("national", "city")},
    ),
    Suite(
        mart="fct_city_scorecard",
        min_rows=10,
        max_rows=50,
        keys=("city_key", "city_zh"),
        not_null=("city_code", "province_name_zh", "campaign_count", "is_broadband_china_member", "has_talent_policy"),
        ranges={
            "campaign_count": NON_NEGATIVE,
            "broadband_china_batch_count": (0, 3),
            "population_2020": (1, None),
            "visitor_growth_pct": PERCENT,
            "tourism_revenue_growth_pct": PERCENT,
            "population_growth_pct": PERCENT,
            "max_plays": NON_NEGATIVE,
        },
        references=(Reference("city_code", "dim_city", "city_code"),),
    ),
)

SUITES += (
    Suite(
        mart="fct_report_claim_checks",
        min_rows=10,  # the report's headline claims; a lost join would drop rows silently
        max_rows=100,
        keys=("claim_key", "claim_order"),
        not_null=(
            "claim_zh",
            "stated_value_raw",
            "stated_value",
            "recomputed_value",
            "inputs",
            "assumptions",
            "verdict",
            "verdict_zh",
            "verdict_en",
            "explanation_en",
            "explanation_zh",
        ),
        ranges={"claim_order": (1, None)},
        value_sets={
            "verdict": ("holds", "fails", "holds_under_assumption", "cannot_be_checked"),
            "verdict_zh": ("成立", "不成立", "有条件成立", "无法核对"),
            "stated_qualifier": QUALIFIERS,
        },
    ),
)

SUITES += (
    Suite(
        mart="dim_date",
        # 2000-01-01..2035-12-31 is 13,149 days: with a unique, non-null key and both ends in range, no gap.
        min_rows=13149,
        max_rows=13149,
        keys=("date_day",),
        ranges={"date_day": ("2000-01-01", "2035-12-31")},
    ),
)
