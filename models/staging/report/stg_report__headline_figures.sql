with source as (
    select * from {{ ref('report_headline_figures') }}
),

renamed as (
    select
        headline_figure_key,
        theme,
        figure_year,
        trim(label_zh) as label_zh,
        trim(label_en) as label_en,
        value_raw,
        qualifier,
        value,
        unit,
        report_section,
        quote_zh,
        cited_source,
        nullif(trim(note), '') as note
    from source
)

select * from renamed
