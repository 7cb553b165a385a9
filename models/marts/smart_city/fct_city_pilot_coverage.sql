with coverage as (
    select * from {{ ref('int_pilot_coverage_per_city') }}
)

select
    program_key,
    designation_year,
    city_code,
    city_name_zh,
    city_name_short_zh,
    city_level,
    province_code,
    province_name_zh,
    cast(member_entity_count as integer) as member_entity_count,
    member_entity_names,
    counts_as_member_city,
    coverage_type,
    coverage_type_zh,
    coverage_type_en,
    population_2020,
    member_city_population_2020,
    member_list_status
from coverage
