with divisions as (
    select * from {{ ref('stg_reference__divisions') }}
),

census as (
    select * from {{ ref('stg_reference__census_2020_city') }}
),

level_labels as (
    select * from {{ ref('lkp_division_type') }}
),

prefectures as (
    select * from divisions
    where division_tier = 'prefecture'
),

provinces as (
    select * from divisions
    where division_tier = 'province'
),

enriched as (
    select
        prefectures.division_code as city_code,
        prefectures.division_name_zh as city_name_zh,
        prefectures.division_short_name_zh as city_name_short_zh,
        prefectures.division_level as city_level,
        city_levels.division_type_zh as city_level_zh,
        city_levels.division_type_en as city_level_en,
        prefectures.province_code,
        provinces.division_name_zh as province_name_zh,
        provinces.division_short_name_zh as province_name_short_zh,
        provinces.division_level as province_level,
        province_levels.division_type_zh as province_level_zh,
        province_levels.division_type_en as province_level_en,
        prefectures.division_level = 'municipality' as is_municipality,
        prefectures.division_level = 'county_group' as is_county_group,
        census.city_code is not null as has_census_2020,
        census.population_2020,
        census.urban_population_2020,
        cast(
            round(100.0 * census.urban_population_2020 / census.population_2020, 4) as decimal(7, 4)
        ) as urban_share_pct_2020,
        census.age_0_14_pct_2020,
        census.age_15_59_pct_2020,
        census.age_60_plus_pct_2020,
        census.age_65_plus_pct_2020
    from prefectures
    inner join provinces
        on prefectures.province_code = provinces.division_code
    left join level_labels as city_levels
        on prefectures.division_level = city_levels.division_type
    left join level_labels as province_levels
        on provinces.division_level = province_levels.division_type
    left join census
        on prefectures.division_code = census.city_code
)

select * from enriched
