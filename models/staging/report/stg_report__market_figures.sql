with source as (
    select * from {{ ref('report_market_figures') }}
),

renamed as (
    select
        market_figure_key,
        figure_year,
        trim(label_zh) as label_zh,
        trim(label_en) as label_en,
        value_raw,
        qualifier,
        value,
        unit,
        is_forecast,
        forecast_made_year,
        report_section,
        quote_zh,
        cited_source,
        nullif(trim(note), '') as note
    from source
)

select * from renamed
