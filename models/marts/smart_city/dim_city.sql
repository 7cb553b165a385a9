with cities as (
    select * from {{ ref('int_cities_enriched') }}
)

select
    city_code,
    city_name_zh,
    city_name_short_zh,
    city_level,
    city_level_zh,
    city_level_en,
    province_code,
    province_name_zh,
    province_name_short_zh,
    province_level,
    province_level_zh,
    province_level_en,
    is_municipality,
    is_county_group,
    has_census_2020,
    population_2020,
    urban_population_2020,
    urban_share_pct_2020,
    age_0_14_pct_2020,
    age_15_59_pct_2020,
    age_60_plus_pct_2020,
    age_65_plus_pct_2020
from cities
