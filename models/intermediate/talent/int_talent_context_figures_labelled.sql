with figures as (
    select * from {{ ref('stg_report__talent_context_figures') }}
),

qualifier_labels as (
    select * from {{ ref('lkp_qualifier') }}
),

labelled as (
    select
        figures.context_figure_key,
        figures.label_zh,
        figures.label_en,
        figures.value_raw,
        figures.qualifier,
        qualifier_labels.qualifier_zh,
        qualifier_labels.qualifier_en,
        figures.value,
        figures.value_low,
        figures.value_high,
        figures.unit,
        figures.report_section,
        figures.quote_zh,
        figures.cited_source,
        figures.note
    from figures
    left join qualifier_labels
        on figures.qualifier = qualifier_labels.qualifier
)

select * from labelled
