with source as (
    select * from {{ ref('report_city_drivers') }}
),

renamed as (
    select
        driver_key,
        driver_order,
        trim(driver_zh) as driver_zh,
        trim(driver_en) as driver_en,
        trim(summary_zh) as summary_zh,
        trim(exemplar_region_zh) as exemplar_region_zh,
        trim(exemplar_region_en) as exemplar_region_en,
        trim(exemplar_zh) as exemplar_zh,
        report_section,
        quote_zh,
        cited_source
    from source
)

select * from renamed
