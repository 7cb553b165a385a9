with prepared as (
    select * from {{ ref('int_city_drivers_prepared') }}
)

select
    driver_key,
    driver_order,
    driver_zh,
    driver_en,
    summary_zh,
    exemplar_region_zh,
    exemplar_region_en,
    exemplar_zh,
    report_section,
    quote_zh,
    cited_source
from prepared
