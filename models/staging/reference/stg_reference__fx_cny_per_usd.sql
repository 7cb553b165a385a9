with source as (
    select * from {{ ref('ref_fx_cny_per_usd') }}
),

renamed as (
    select
        year as rate_year,
        cny_per_usd
    from source
)

select * from renamed
