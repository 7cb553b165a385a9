with cities as (
    select * from {{ ref('stg_report__city_mentions') }}
),

campaign_metrics as (
    select * from {{ ref('int_city_campaigns_derived') }}
),

policies as (
    select * from {{ ref('int_talent_policies_labelled') }}
    where policy_scope = 'city'
),

-- Maxima are over printed figures; their qualifiers (超过, 近 ...) stay in fct_city_campaigns.
campaign_summary as (
    select
        city_zh,
        cast(count(distinct campaign_zh) as integer) as campaign_count,
        cast(count(*) filter (where has_figure) as integer) as campaign_metric_count,
        cast(min(coalesce(campaign_year, metric_year)) as smallint) as first_campaign_year,
        cast(max(value) filter (where metric_type = 'plays') as decimal(20, 4)) as max_plays,
        {{ arg_max('value_raw', 'value', where="metric_type = 'plays'") }} as max_plays_raw,
        cast(max(value) filter (where metric_type = 'reach') as decimal(20, 4)) as max_reach,
        {{ arg_max('value_raw', 'value', where="metric_type = 'reach'") }} as max_reach_raw,
        cast(max(value) filter (where metric_type = 'exposure') as decimal(20, 4)) as max_exposure,
        {{ arg_max('value_raw', 'value', where="metric_type = 'exposure'") }} as max_exposure_raw,
        cast(max(value) filter (where metric_type = 'reads') as decimal(20, 4)) as max_reads,
        cast(max(value) filter (where metric_type = 'visitor_growth') as decimal(20, 4)) as visitor_growth_pct,
        cast(max(value) filter (where metric_type = 'revenue_growth') as decimal(20, 4)) as tourism_revenue_growth_pct,
        cast(
            max(value) filter (where metric_type = 'population_growth' and unit = 'percent') as decimal(20, 4)
        ) as population_growth_pct,
        cast(
            max(value) filter (where campaign_metric_key = 'wuhan_2020_population_increase') as decimal(20, 4)
        ) as population_increase_persons,
        cast(
            max(value) filter (where campaign_metric_key = 'wuhan_2020_high_edu_population_increase') as decimal(20, 4)
        ) as high_edu_population_increase_persons,
        cast(max(value) filter (where metric_type = 'growth_multiple') as decimal(20, 4)) as brand_heat_growth_multiple
    from campaign_metrics
    group by city_zh
),

policy_summary as (
    select
        place_zh as city_zh,
        cast(min(policy_year) as smallint) as talent_policy_year,
        {{ ordered_string_agg("document_name_zh", "'; '", "policy_year") }} as talent_policy_documents_zh
    from policies
    group by place_zh
),

summarised as (
    select
        cities.city_key,
        cities.city_zh,
        cities.city_en,
        cities.lookup_name_zh,
        cities.lookup_is_parent_city,
        cities.mention_role,
        coalesce(campaign_summary.campaign_count, 0) as campaign_count,
        coalesce(campaign_summary.campaign_metric_count, 0) as campaign_metric_count,
        campaign_summary.first_campaign_year,
        campaign_summary.max_plays,
        campaign_summary.max_plays_raw,
        campaign_summary.max_reach,
        campaign_summary.max_reach_raw,
        campaign_summary.max_exposure,
        campaign_summary.max_exposure_raw,
        campaign_summary.max_reads,
        campaign_summary.visitor_growth_pct,
        campaign_summary.tourism_revenue_growth_pct,
        campaign_summary.population_growth_pct,
        campaign_summary.population_increase_persons,
        campaign_summary.high_edu_population_increase_persons,
        campaign_summary.brand_heat_growth_multiple,
        policy_summary.city_zh is not null as has_talent_policy,
        policy_summary.talent_policy_year,
        policy_summary.talent_policy_documents_zh,
        cities.quote_zh,
        cities.report_section,
        cities.note
    from cities
    left join campaign_summary
        on cities.city_zh = campaign_summary.city_zh
    left join policy_summary
        on cities.city_zh = policy_summary.city_zh
)

select * from summarised
