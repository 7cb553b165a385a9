with source as (
    select * from {{ ref('ref_pilot_member_lists') }}
),

renamed as (
    select
        program_key,
        entities_listed,
        trim(list_origin) as list_origin,
        trim(list_license) as list_license,
        trim(list_vintage) as list_vintage,
        list_completeness
    from source
)

select * from renamed
