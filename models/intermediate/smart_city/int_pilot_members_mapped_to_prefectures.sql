with members as (
    select * from {{ ref('stg_reference__pilot_program_members') }}
),

entity_prefectures as (
    select * from {{ ref('stg_reference__member_entity_prefectures') }}
),

cities as (
    select * from {{ ref('int_cities_enriched') }}
),

mapping_labels as (
    select
        labels.mapping_code as mapping_type,
        labels.mapping_zh,
        labels.mapping_en,
        labels.covers_whole_prefecture
    from (
        values
        ('exact', '本级城市', 'Exact: the entity is the prefecture-level unit', true),
        ('parent_of_subunit', '所属上级城市', 'Parent: the entity is a district or county-level city inside it', false),
        ('cluster_member', '城市群成员城市', 'Cluster member: the entity is a city cluster that includes it', true)
    ) as labels (mapping_code, mapping_zh, mapping_en, covers_whole_prefecture)
),

entity_type_labels as (
    select
        labels.type_code as entity_type,
        labels.type_zh,
        labels.type_en
    from (
        values
        ('prefecture_city', '地级市', 'Prefecture-level city'),
        ('municipality', '直辖市', 'Municipality'),
        ('autonomous_prefecture', '自治州', 'Autonomous prefecture'),
        ('league', '盟', 'League'),
        ('region', '地区', 'Prefecture (region)'),
        ('municipal_district', '市辖区', 'Municipal district'),
        ('county_level_city', '县级市', 'County-level city'),
        ('county_level_city_xpcc', '兵团县级市', 'County-level city of the XPCC (兵团)'),
        ('county', '县', 'County'),
        ('city_cluster', '城市群', 'City cluster')
    ) as labels (type_code, type_zh, type_en)
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
        members.entity_type,
        entity_type_labels.type_zh as entity_type_zh,
        entity_type_labels.type_en as entity_type_en,
        members.province_name_zh as entity_province_name_zh,
        members.source_url,
        members.note as entity_note,
        entity_prefectures.mapping_type,
        mapping_labels.mapping_zh as mapping_type_zh,
        mapping_labels.mapping_en as mapping_type_en,
        mapping_labels.covers_whole_prefecture,
        prefectures_per_member.entity_prefecture_count,
        entity_prefectures.prefecture_code as city_code,
        cities.city_name_zh,
        cities.city_name_short_zh,
        cities.city_level,
        cities.province_code,
        cities.province_name_zh,
        cities.population_2020
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
)

select * from mapped
