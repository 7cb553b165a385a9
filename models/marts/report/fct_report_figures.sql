-- 报告数字目录 · One row per printed numeric figure of every report seed, with the marts that carry it. The
-- carriers come from dbt's lineage at compile time (macros/report_seed_carriers.sql), never from a typed list.
with smart_city as (
    select * from {{ ref('int_report_figures_smart_city') }}
),

talent as (
    select * from {{ ref('int_report_figures_talent') }}
),

talent_survey as (
    select * from {{ ref('int_report_figures_talent_survey') }}
),

figures as (
    select * from smart_city
    union all
    select * from talent
    union all
    select * from talent_survey
),

carriers as (
    {{ report_seed_carriers(exclude=[this.name]) }}
)

select
    figures.figure_key,
    figures.figure_theme,
    figures.figure_kind,
    figures.source_seed,
    figures.source_key,
    figures.subject_zh,
    figures.subject_en,
    figures.metric_zh,
    figures.metric_en,
    figures.value_raw,
    figures.qualifier,
    figures.qualifier_zh,
    figures.qualifier_en,
    cast(figures.value as decimal(20, 4)) as value,  -- noqa: RF04
    cast(figures.value_low as decimal(20, 4)) as value_low,
    cast(figures.value_high as decimal(20, 4)) as value_high,
    figures.unit,
    cast(figures.figure_year as smallint) as figure_year,
    figures.report_section,
    figures.quote_zh,
    figures.cited_source,
    carriers.carried_by_marts
from figures
left join carriers
    on figures.source_seed = carriers.source_seed
