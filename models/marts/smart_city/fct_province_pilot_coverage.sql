-- One row per (programme, province) the programme's member entities reach: members are counted from the member
-- list itself (a cluster that spans several prefectures of one province is one member entity there), cities from
-- the per-city coverage. A province-level member (the province itself designated) gives its province a row even
-- where none of its cities is listed, and is never counted as a city.
with coverage as (
    select * from {{ ref('int_pilot_coverage_per_city') }}
),

members as (
    select * from {{ ref('int_pilot_members_mapped_to_prefectures') }}
),

entities_per_province as (
    select
        program_key,
        province_code,
        min(designation_year) as designation_year,
        max(province_name_zh) as province_name_zh,
        count(distinct member_key) as member_entity_count,
        bool_or(mapping_type = 'province_level') as province_itself_designated,
        max(member_list_status) as member_list_status
    from members
    group by program_key, province_code
),

cities_per_province as (
    select
        program_key,
        province_code,
        count(*) as designated_city_count,
        count(*) filter (where counts_as_member_city) as member_city_count,
        count(*) filter (where not counts_as_member_city) as sub_unit_only_city_count,
        sum(member_city_population_2020) as member_city_population_2020
    from coverage
    group by program_key, province_code
)

select
    entities_per_province.program_key,
    entities_per_province.designation_year,
    entities_per_province.province_code,
    entities_per_province.province_name_zh,
    cast(entities_per_province.member_entity_count as integer) as member_entity_count,
    cast(coalesce(cities_per_province.designated_city_count, 0) as integer) as designated_city_count,
    cast(coalesce(cities_per_province.member_city_count, 0) as integer) as member_city_count,
    cast(coalesce(cities_per_province.sub_unit_only_city_count, 0) as integer) as sub_unit_only_city_count,
    cast(cities_per_province.member_city_population_2020 as bigint) as member_city_population_2020,
    entities_per_province.province_itself_designated,
    entities_per_province.member_list_status
from entities_per_province
left join cities_per_province
    on
        entities_per_province.program_key = cities_per_province.program_key
        and entities_per_province.province_code = cities_per_province.province_code
