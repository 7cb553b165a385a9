with report_cities as (
    select * from {{ ref('int_report_cities_summarised') }}
),

cities as (
    select * from {{ ref('dim_city') }}
),

broadband_memberships as (
    select * from {{ ref('int_city_broadband_memberships') }}
),

-- Codes come from dim_city by name (西安 → 西安市), never typed by hand.
report_cities_coded as (
    select
        report_cities.*,
        cities.city_code,
        cities.city_name_zh as city_official_name_zh,
        cities.province_name_zh,
        -- 雄安's parent 保定 is not 雄安: its population would be wrong here.
        case when not report_cities.lookup_is_parent_city then cities.population_2020 end as population_2020
    from report_cities
    left join cities
        on
            report_cities.lookup_name_zh = cities.city_name_short_zh
            or report_cities.lookup_name_zh || '市' = cities.city_name_zh
)

select
    report_cities_coded.city_key,
    report_cities_coded.city_zh,
    report_cities_coded.city_en,
    report_cities_coded.city_code,
    report_cities_coded.city_official_name_zh,
    report_cities_coded.province_name_zh,
    report_cities_coded.lookup_is_parent_city,
    report_cities_coded.mention_role,
    report_cities_coded.population_2020,
    report_cities_coded.campaign_count,
    report_cities_coded.campaign_metric_count,
    report_cities_coded.first_campaign_year,
    report_cities_coded.max_plays,
    report_cities_coded.max_plays_raw,
    report_cities_coded.max_reach,
    report_cities_coded.max_reach_raw,
    report_cities_coded.max_exposure,
    report_cities_coded.max_exposure_raw,
    report_cities_coded.max_reads,
    report_cities_coded.visitor_growth_pct,
    report_cities_coded.tourism_revenue_growth_pct,
    report_cities_coded.population_growth_pct,
    -- Whole persons (version 2); a fraction stops the build at int_report_cities_summarised's test, before this cast.
    cast(report_cities_coded.population_increase_persons as bigint) as population_increase_persons,
    cast(report_cities_coded.high_edu_population_increase_persons as bigint) as high_edu_population_increase_persons,
    report_cities_coded.brand_heat_growth_multiple,
    broadband_memberships.city_code is not null as is_broadband_china_member,
    coalesce(broadband_memberships.broadband_china_batch_count, 0) as broadband_china_batch_count,
    broadband_memberships.broadband_china_years,
    broadband_memberships.broadband_china_programs_zh,
    broadband_memberships.broadband_china_covers_whole_city,
    report_cities_coded.has_talent_policy,
    report_cities_coded.talent_policy_year,
    report_cities_coded.talent_policy_documents_zh,
    report_cities_coded.report_section,
    report_cities_coded.quote_zh,
    report_cities_coded.note
from report_cities_coded
left join broadband_memberships
    on report_cities_coded.city_code = broadband_memberships.city_code
