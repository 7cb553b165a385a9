with source as (
    select * from {{ ref('report_leader_statements') }}
),

renamed as (
    select
        statement_key,
        nullif(trim(speaker_zh), '') as speaker_zh,
        trim(speaker_en) as speaker_en,
        nullif(trim(role_zh), '') as role_zh,
        nullif(trim(role_en), '') as role_en,
        nullif(trim(city_en), '') as city_en,
        nullif(trim(term_raw), '') as term_raw,
        term_start_year,
        term_end_year,
        statement_zh,
        statement_en,
        report_section,
        quote_zh,
        cited_source,
        nullif(trim(note), '') as note
    from source
)

select * from renamed
