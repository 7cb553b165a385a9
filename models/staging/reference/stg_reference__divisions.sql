with source as (
    select * from {{ ref('ref_divisions') }}
),

renamed as (
    select
        division_code,
        division_tier,
        division_level,
        province_code,
        trim(division_name_zh) as division_name_zh,
        trim(division_short_name_zh) as division_short_name_zh
    from source
)

select * from renamed
