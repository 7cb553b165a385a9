-- The report's headline figures (the pilot totals, China's share of the world's projects, urbanisation) recomputed
-- from the seeds. One CTE per claim; wording and order come from lkp_report_claim (macros/report_claims.sql).
with pilot_programs as (
    select * from {{ ref('stg_report__pilot_programs') }}
),

headline_figures as (
    select * from {{ ref('stg_report__headline_figures') }}
),

cities as (
    select * from {{ ref('int_cities_enriched') }}
),

pilot_totals as (
    select
        cast(sum(designation_count) as integer) as designations,
        count(*) as programs
    from pilot_programs
),

prefecture_units as (
    select count(*) as prefecture_count
    from cities
    where not is_county_group
),

claim_pilots as (
    select
        'pilots_over_700' as claim_key,
        headline.report_section,
        headline.quote_zh as quoted_claim_zh,
        headline.value_raw as stated_value_raw,
        headline.value as stated_value,
        headline.qualifier as stated_qualifier,
        headline.unit as stated_unit,
        totals.designations as recomputed_value,
        'count' as recomputed_unit,
        cast(totals.programs as {{ string_type() }}) as inputs_detail,
        case when totals.designations > headline.value then 'holds' else 'fails' end as verdict,
        'The ' || cast(totals.programs as {{ string_type() }}) || ' programmes in the table add up to '
        || cast(totals.designations as {{ string_type() }}) || ' designations, against more than '
        || cast(cast(headline.value as integer) as {{ string_type() }}) || ' stated.' as explanation_en,
        '表中' || cast(totals.programs as {{ string_type() }}) || '个试点项目合计'
        || cast(totals.designations as {{ string_type() }})
        || '个试点，与“超过' || cast(cast(headline.value as integer) as {{ string_type() }}) || '个”相比。' as explanation_zh
    from headline_figures as headline
    cross join pilot_totals as totals
    where headline.headline_figure_key = 'pilot_cities_total_text'
),

claim_pilot_cities as (
    select
        'pilot_cities_over_700' as claim_key,
        headline.report_section,
        headline.quote_zh as quoted_claim_zh,
        headline.value_raw as stated_value_raw,
        headline.value as stated_value,
        headline.qualifier as stated_qualifier,
        headline.unit as stated_unit,
        totals.designations as recomputed_value,
        'count' as recomputed_unit,
        cast(units.prefecture_count as {{ string_type() }}) as inputs_detail,
        case
            when totals.designations <= headline.value then 'fails'
            when units.prefecture_count > headline.value then 'holds'
            else 'holds_under_assumption'
        end as verdict,
        cast(totals.designations as {{ string_type() }}) || ' designations exceed '
        || cast(cast(headline.value as integer) as {{ string_type() }}) || ', but China has only '
        || cast(units.prefecture_count as {{ string_type() }})
        || ' prefecture-level units, so the figure counts designations '
        || '(or includes county-level places), not distinct prefecture-level cities.' as explanation_en,
        cast(totals.designations as {{ string_type() }}) || '个试点批次超过'
        || cast(cast(headline.value as integer) as {{ string_type() }})
        || '，但全国仅有' || cast(units.prefecture_count as {{ string_type() }})
        || '个地级单位，故该数字统计的是试点批次（或含县级单位），而非不重复的地级城市。' as explanation_zh
    from headline_figures as headline
    cross join pilot_totals as totals
    cross join prefecture_units as units
    where headline.headline_figure_key = 'pilot_cities_total_heading'
),

global_projects as (
    select
        max(case when headline_figure_key = 'global_digital_city_projects' then value end) as world_projects,
        max(case when headline_figure_key = 'global_projects_share_in_china' then value end) as china_share_pct,
        max(case when headline_figure_key = 'global_projects_share_in_china' then value_raw end) as share_raw,
        max(case when headline_figure_key = 'global_projects_share_in_china' then qualifier end) as share_qualifier,
        max(case when headline_figure_key = 'global_projects_share_in_china' then quote_zh end) as quote_zh,
        max(case when headline_figure_key = 'global_projects_share_in_china' then report_section end)
            as report_section
    from headline_figures
),

-- 一千多个 is 1,000 to 1,999: the share holds for sure only if it clears the bar at 1,999 projects.
claim_china_share as (
    select
        'china_share_of_global_projects' as claim_key,
        projects.report_section,
        projects.quote_zh as quoted_claim_zh,
        projects.share_raw as stated_value_raw,
        projects.china_share_pct as stated_value,
        projects.share_qualifier as stated_qualifier,
        'percent' as stated_unit,
        round(100.0 * totals.designations / projects.world_projects, 4) as recomputed_value,
        'percent' as recomputed_unit,
        cast(null as {{ string_type() }}) as inputs_detail,
        case
            when 100.0 * totals.designations / (2 * projects.world_projects - 1) > projects.china_share_pct then 'holds'
            when 100.0 * totals.designations / projects.world_projects <= projects.china_share_pct then 'fails'
            else 'holds_under_assumption'
        end as verdict,
        cast(totals.designations as {{ string_type() }}) || ' designations are '
        || {{ format_decimal('100.0 * totals.designations / projects.world_projects', 1) }}
        || '% of 1,000 projects; the share stays above '
        || cast(cast(projects.china_share_pct as integer) as {{ string_type() }})
        || '% only while the world total is below '
        || cast(cast(ceil(100.0 * totals.designations / projects.china_share_pct) as integer) as {{ string_type() }})
        || '.'
            as explanation_en,
        cast(totals.designations as {{ string_type() }}) || '个试点占1000个项目的'
        || {{ format_decimal('100.0 * totals.designations / projects.world_projects', 1) }} || '%；全球项目总数低于'
        || cast(cast(ceil(100.0 * totals.designations / projects.china_share_pct) as integer) as {{ string_type() }})
        || '个时，中国占比才超过' || cast(cast(projects.china_share_pct as integer) as {{ string_type() }})
        || '%。' as explanation_zh
    from global_projects as projects
    cross join pilot_totals as totals
),

urbanisation as (
    select
        max(case when headline_figure_key = 'urban_population_2030' then value end) as urban_population,
        max(case when headline_figure_key = 'urban_population_2030' then value_raw end) as urban_population_raw,
        max(case when headline_figure_key = 'urban_population_share_2030' then value end) as urban_share_pct,
        max(case when headline_figure_key = 'urban_population_2030' then quote_zh end) as quote_zh,
        max(report_section) as report_section
    from headline_figures
    where theme = 'urbanisation'
),

-- The warehouse holds no world-population projection: the verdict stays cannot_be_checked until one is added.
claim_urbanisation as (
    select
        'urban_population_2030' as claim_key,
        urban.report_section,
        urban.quote_zh as quoted_claim_zh,
        urban.urban_population_raw as stated_value_raw,
        urban.urban_population as stated_value,
        'approximately' as stated_qualifier,
        'persons' as stated_unit,
        round(urban.urban_population / (urban.urban_share_pct / 100), 0) as recomputed_value,
        'persons' as recomputed_unit,
        cast(null as {{ string_type() }}) as inputs_detail,
        'cannot_be_checked' as verdict,
        'The two figures imply a 2030 world population of '
        || {{ format_decimal('urban.urban_population / (urban.urban_share_pct / 100) / 1e9', 2) }}
        || ' billion; the warehouse holds no world-population projection to check it against.' as explanation_en,
        '两数隐含2030年全球人口约'
        || {{ format_decimal('urban.urban_population / (urban.urban_share_pct / 100) / 1e8', 1) }}
        || '亿；仓库中没有全球人口预测数据可供核对。' as explanation_zh
    from urbanisation as urban
),

claims as (
    select * from claim_pilots
    union all
    select * from claim_pilot_cities
    union all
    select * from claim_china_share
    union all
    select * from claim_urbanisation
),

{{ report_claims('headline_figures') }}
