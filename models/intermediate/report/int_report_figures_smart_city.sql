-- The smart-city half's printed numeric figures, one row each, in the catalogue's columns: every row of the
-- figure seeds with a number (value, or value_low/value_high for a printed range), and each pilot programme's
-- printed designation count.
with headline_figures as (
    select * from {{ ref('stg_report__headline_figures') }}
),

market_figures as (
    select * from {{ ref('stg_report__market_figures') }}
),

global_city_cases as (
    select * from {{ ref('stg_report__global_city_cases') }}
),

pilot_programs as (
    select * from {{ ref('stg_report__pilot_programs') }}
),

qualifier_labels as (
    select * from {{ ref('lkp_qualifier') }}
),

figures as (
    select
        'value' as figure_kind,
        '' as key_suffix,
        'report_headline_figures' as source_seed,
        headline_figure_key as source_key,
        cast(null as {{ string_type() }}) as subject_zh,
        cast(null as {{ string_type() }}) as subject_en,
        label_zh as metric_zh,
        label_en as metric_en,
        value_raw,
        qualifier,
        value,
        cast(null as decimal(20, 4)) as value_low,
        cast(null as decimal(20, 4)) as value_high,
        unit,
        figure_year,
        report_section,
        quote_zh,
        cited_source
    from headline_figures
    where value is not null
    union all
    select
        'value' as figure_kind,
        '' as key_suffix,
        'report_market_figures' as source_seed,
        market_figure_key as source_key,
        null as subject_zh,
        null as subject_en,
        label_zh as metric_zh,
        label_en as metric_en,
        value_raw,
        qualifier,
        value,
        null as value_low,
        null as value_high,
        unit,
        figure_year,
        report_section,
        quote_zh,
        cited_source
    from market_figures
    where value is not null
    union all
    select
        'value' as figure_kind,
        '' as key_suffix,
        'report_global_city_cases' as source_seed,
        case_metric_key as source_key,
        city_zh as subject_zh,
        city_en as subject_en,
        metric_zh,
        metric_en,
        value_raw,
        qualifier,
        value,
        value_low,
        value_high,
        unit,
        null as figure_year,
        report_section,
        quote_zh,
        cited_source
    from global_city_cases
    where value is not null or value_low is not null or value_high is not null
    union all
    select
        'value' as figure_kind,
        '' as key_suffix,
        'report_pilot_programs' as source_seed,
        program_key as source_key,
        program_name_zh as subject_zh,
        program_name_en as subject_en,
        '入选数量' as metric_zh,
        'Designations' as metric_en,
        cast(designation_count as {{ string_type() }}) as value_raw,
        'exact' as qualifier,
        designation_count as value,  -- noqa: RF04
        null as value_low,
        null as value_high,
        'count' as unit,
        designation_year as figure_year,
        report_section,
        quote_zh,
        cited_source
    from pilot_programs
    where designation_count is not null
)

select
    figures.source_seed || ':' || figures.source_key || figures.key_suffix as figure_key,
    'smart_city' as figure_theme,
    figures.*,
    qualifier_labels.qualifier_zh,
    qualifier_labels.qualifier_en
from figures
left join qualifier_labels
    on figures.qualifier = qualifier_labels.qualifier
