with source as (
    select * from {{ ref('ref_pilot_program_members') }}
),

renamed as (
    select
        program_key || ':' || trim(entity_name) as member_key,
        program_key,
        designation_year,
        announce_date,
        list_order,
        trim(entity_name) as entity_name,
        trim(entity_name_as_published) as entity_name_as_published,
        entity_type,
        trim(province_name_zh) as province_name_zh,
        historical_name,
        trim(source_url) as source_url,
        nullif(trim(note), '') as note
    from source
)

select * from renamed
