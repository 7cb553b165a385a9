with source as (
    select * from {{ ref('report_global_city_cases') }}
),

renamed as (
    select
        case_metric_key,
        trim(city_zh) as city_zh,
        trim(city_en) as city_en,
        trim(country_en) as country_en,
        trim(initiative_zh) as initiative_zh,
        trim(initiative_en) as initiative_en,
        trim(metric_zh) as metric_zh,
        trim(metric_en) as metric_en,
        value_raw,
        qualifier,
        value,
        value_low,
        value_high,
        unit,
        direction,
        report_section,
        quote_zh,
        cited_source,
        nullif(trim(note), '') as note
    from source
)

select * from renamed
