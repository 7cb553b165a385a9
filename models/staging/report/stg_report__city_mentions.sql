with source as (
    select * from {{ ref('report_city_mentions') }}
),

renamed as (
    select
        city_key,
        trim(city_zh) as city_zh,
        trim(city_en) as city_en,
        trim(lookup_name_zh) as lookup_name_zh,
        lookup_is_parent_city,
        mention_role,
        report_section,
        quote_zh,
        cited_source,
        nullif(trim(note), '') as note
    from source
)

select * from renamed
