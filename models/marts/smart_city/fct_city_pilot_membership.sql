-- Members that reach a prefecture; a province-level member stays in fct_province_pilot_coverage, one province.
with members as (
    select * from {{ ref('int_pilot_members_mapped_to_prefectures') }}
    where mapping_type != 'province_level'
),

programs as (
    select * from {{ ref('dim_pilot_program') }}
)

select
    members.program_key,
    programs.program_name_zh,
    programs.program_name_en,
    members.designation_year,
    members.announce_date,
    members.member_key,
    members.entity_name,
    members.entity_name_as_published,
    members.historical_name,
    members.entity_type,
    members.entity_type_zh,
    members.entity_type_en,
    members.list_order as entity_list_order,
    members.entity_province_name_zh,
    members.mapping_type,
    members.mapping_type_zh,
    members.mapping_type_en,
    members.covers_whole_prefecture,
    cast(members.entity_prefecture_count as integer) as entity_prefecture_count,
    members.city_code,
    members.city_name_zh,
    members.city_name_short_zh,
    members.city_level,
    members.province_code,
    members.province_name_zh,
    members.population_2020,
    members.source_url,
    members.entity_note,
    members.member_list_status,
    programs.member_list_status_zh,
    programs.member_list_status_en
from members
left join programs
    on members.program_key = programs.program_key
