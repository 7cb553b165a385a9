with source as (
    select * from {{ ref('report_talent_context_figures') }}
),

renamed as (
    select
        context_figure_key,
        trim(label_zh) as label_zh,
        trim(label_en) as label_en,
        trim(value_raw) as value_raw,
        qualifier,
        value,
        value_low,
        value_high,
        unit,
        report_section,
        quote_zh,
        cited_source,
        nullif(trim(note), '') as note
    from source
)

select * from renamed
