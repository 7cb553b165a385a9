with source as (
    select * from {{ ref('report_talent_policies') }}
),

renamed as (
    select
        policy_key,
        trim(place_zh) as place_zh,
        trim(place_en) as place_en,
        policy_scope,
        trim(heading_zh) as heading_zh,
        trim(year_raw) as year_raw,
        policy_year,
        effective_month,
        trim(target_group_zh) as target_group_zh,
        trim(target_group_en) as target_group_en,
        nullif(trim(document_name_zh), '') as document_name_zh,
        nullif(trim(document_name_en), '') as document_name_en,
        trim(instrument_1_zh) as instrument_1_zh,
        nullif(trim(instrument_2_zh), '') as instrument_2_zh,
        trim(instruments_en) as instruments_en,
        report_section,
        quote_zh,
        cited_source,
        nullif(trim(note), '') as note
    from source
)

select * from renamed
