with members as (
    select * from {{ ref('stg_reference__pilot_program_members') }}
),

entity_prefectures as (
    select * from {{ ref('stg_reference__member_entity_prefectures') }}
),

cities as (
    select * from {{ ref('int_cities_enriched') }}
),

list_coverage as (
    select * from {{ ref('int_pilot_member_list_coverage') }}
),

-- A province-level member reaches no prefecture: its province comes from the provinces the cities name.
provinces as (
    select distinct
        province_code,
        province_name_zh
    from cities
),

mapping_labels as (
    select * from {{ ref('lkp_member_mapping_type') }}
),

-- A list entity is typed with the division-type labels; the member lists use the short English form.
entity_type_labels as (
    select
        division_type as entity_type,
        division_type_zh as type_zh,
        coalesce(division_type_en_short, division_type_en) as type_en
    from {{ ref('lkp_division_type') }}
),

prefectures_per_member as (
    select
        member_key,
        count(*) as entity_prefecture_count
    from entity_prefectures
    group by member_key
),

mapped as (
    select
        members.member_key,
        members.program_key,
        members.designation_year,
        members.announce_date,
        members.list_order,
        members.entity_name,
        members.entity_name_as_published,
        members.historical_name,
        members.entity_type,
        entity_type_labels.type_zh as entity_type_zh,
        entity_type_labels.type_en as entity_type_en,
        members.province_name_zh as entity_province_name_zh,
        members.source_url,
        members.note as entity_note,
        entity_prefectures.mapping_type,
        mapping_labels.mapping_type_zh,
        mapping_labels.mapping_type_en,
        mapping_labels.covers_whole_prefecture,
        prefectures_per_member.entity_prefecture_count,
        entity_prefectures.prefecture_code as city_code,
        cities.city_name_zh,
        cities.city_name_short_zh,
        cities.city_level,
        coalesce(cities.province_code, provinces.province_code) as province_code,
        coalesce(cities.province_name_zh, provinces.province_name_zh) as province_name_zh,
        cities.population_2020,
        list_coverage.member_list_status
    from members
    left join entity_prefectures
        on members.member_key = entity_prefectures.member_key
    left join prefectures_per_member
        on members.member_key = prefectures_per_member.member_key
    left join mapping_labels
        on entity_prefectures.mapping_type = mapping_labels.mapping_type
    left join entity_type_labels
        on members.entity_type = entity_type_labels.entity_type
    left join cities
        on entity_prefectures.prefecture_code = cities.city_code
    left join provinces
        on
            entity_prefectures.mapping_type = 'province_level'
            and members.province_name_zh = provinces.province_name_zh
    left join list_coverage
        on members.program_key = list_coverage.program_key
)

select * from mapped
