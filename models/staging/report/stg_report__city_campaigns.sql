with source as (
    select * from {{ ref('report_city_campaigns') }}
),

renamed as (
    select
        campaign_metric_key,
        trim(city_zh) as city_zh,
        trim(city_en) as city_en,
        nullif(trim(metric_scope_zh), '') as metric_scope_zh,
        nullif(trim(metric_scope_en), '') as metric_scope_en,
        trim(campaign_zh) as campaign_zh,
        trim(campaign_en) as campaign_en,
        trim(platform_zh) as platform_zh,
        platform,
        campaign_year,
        campaign_month,
        metric_year,
        as_of_date,
        trim(metric_zh) as metric_zh,
        trim(metric_en) as metric_en,
        metric_type,
        nullif(trim(value_raw), '') as value_raw,
        nullif(trim(qualifier), '') as qualifier,
        value,
        value_low,
        value_high,
        unit,
        report_section,
        quote_zh,
        cited_source,
        nullif(trim(note), '') as note
    from source
)

select * from renamed
