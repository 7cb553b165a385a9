with global_city_cases as (
    select * from {{ ref('int_global_city_cases_labelled') }}
)

select
    case_metric_key,
    city_zh,
    city_en,
    country_en,
    initiative_zh,
    initiative_en,
    metric_zh,
    metric_en,
    direction,
    direction_zh,
    direction_en,
    value_raw,
    qualifier,
    value,
    value_low,
    value_high,
    is_range,
    unit,
    report_section,
    quote_zh,
    cited_source,
    note
from global_city_cases
