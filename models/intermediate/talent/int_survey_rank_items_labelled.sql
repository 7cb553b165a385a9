with rank_items as (
    select * from {{ ref('stg_report__survey_rank_items') }}
),

generations as (
    select * from {{ ref('stg_report__generations') }}
),

item_type_labels as (
    select * from {{ ref('lkp_survey_item_type') }}
),

labelled as (
    select
        rank_items.rank_item_key,
        rank_items.table_code,
        rank_items.table_title_zh,
        rank_items.generation_key,
        generations.generation_zh,
        generations.generation_en,
        rank_items.item_rank,
        rank_items.item_zh,
        rank_items.item_en,
        rank_items.item_type,
        item_type_labels.item_type_zh,
        item_type_labels.item_type_en,
        rank_items.item_footnote_zh,
        rank_items.survey_name_zh,
        rank_items.sample_size,
        rank_items.survey_month,
        rank_items.report_section,
        rank_items.quote_zh,
        rank_items.cited_source,
        rank_items.note
    from rank_items
    left join generations
        on rank_items.generation_key = generations.generation_key
    left join item_type_labels
        on rank_items.item_type = item_type_labels.item_type
)

select * from labelled
