with members as (
    select * from {{ ref('int_pilot_members_mapped_to_prefectures') }}
),

per_city as (
    select
        program_key,
        city_code,
        min(designation_year) as designation_year,
        any_value(city_name_zh) as city_name_zh,
        any_value(city_name_short_zh) as city_name_short_zh,
        any_value(city_level) as city_level,
        any_value(province_code) as province_code,
        any_value(province_name_zh) as province_name_zh,
        any_value(population_2020) as population_2020,
        count(*) as member_entity_count,
        string_agg(entity_name, '、' order by list_order) as member_entity_names,
        bool_or(covers_whole_prefecture) as counts_as_member_city
    from members
    group by program_key, city_code
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
    case when counts_as_member_city then 'whole_prefecture' else 'sub_unit_only' end as coverage_type,
    case when counts_as_member_city then '整市入选' else '仅下辖区县入选' end as coverage_type_zh,
    case
        when counts_as_member_city then 'Whole prefecture designated'
        else 'Only a district or county-level city designated'
    end as coverage_type_en,
    population_2020,
    case when counts_as_member_city then population_2020 end as member_city_population_2020
from per_city
