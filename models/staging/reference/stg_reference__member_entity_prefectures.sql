with source as (
    select * from {{ ref('ref_member_entity_prefectures') }}
),

renamed as (
    select
        program_key || ':' || trim(entity_name) as member_key,
        program_key,
        trim(entity_name) as entity_name,
        prefecture_code,
        mapping as mapping_type
    from source
)

select * from renamed
