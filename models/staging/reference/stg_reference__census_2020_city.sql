with source as (
    select * from {{ ref('ref_census_2020_city') }}
),

renamed as (
    select
        city_code,
        population_2020,
        urban_population_2020,
        age_0_14_pct_2020,
        age_15_59_pct_2020,
        age_60_plus_pct_2020,
        age_65_plus_pct_2020
    from source
)

select * from renamed
