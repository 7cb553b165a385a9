with source as (
    select * from {{ ref('report_survey_rank_items') }}
),

renamed as (
    select
        rank_item_key,
        table_code,
        trim(table_title_zh) as table_title_zh,
        generation_key,
        item_rank,
        trim(item_zh) as item_zh,
        trim(item_en) as item_en,
        item_type,
        nullif(trim(item_footnote_zh), '') as item_footnote_zh,
        trim(survey_name_zh) as survey_name_zh,
        sample_size,
        survey_month,
        report_section,
        quote_zh,
        cited_source,
        nullif(trim(note), '') as note
    from source
)

select * from renamed
