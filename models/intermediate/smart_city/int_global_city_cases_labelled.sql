with global_city_cases as (
    select * from {{ ref('stg_report__global_city_cases') }}
),

direction_labels as (
    select * from {{ ref('lkp_case_direction') }}
)

select
    global_city_cases.case_metric_key,
    global_city_cases.city_zh,
    global_city_cases.city_en,
    global_city_cases.country_en,
    global_city_cases.initiative_zh,
    global_city_cases.initiative_en,
    global_city_cases.metric_zh,
    global_city_cases.metric_en,
    global_city_cases.direction,
    direction_labels.direction_zh,
    direction_labels.direction_en,
    global_city_cases.value_raw,
    global_city_cases.qualifier,
    global_city_cases.value,
    global_city_cases.value_low,
    global_city_cases.value_high,
    global_city_cases.value is null and global_city_cases.value_low is not null as is_range,
    global_city_cases.unit,
    global_city_cases.report_section,
    global_city_cases.quote_zh,
    global_city_cases.cited_source,
    global_city_cases.note
from global_city_cases
left join direction_labels
    on global_city_cases.direction = direction_labels.direction
