with rank_items as (
    select * from {{ ref('stg_report__survey_rank_items') }}
),

generations as (
    select * from {{ ref('stg_report__generations') }}
),

-- Chinese and English names of this project's item classification.
item_type_labels as (
    select
        labels.item_type,
        labels.item_type_zh,
        labels.item_type_en
    from (
        values
        ('short_video', '短视频', 'Short video'),
        ('social_platform', '社交平台', 'Social platform'),
        ('personal_network', '亲友关系', 'Personal network'),
        ('traditional_media', '传统媒体', 'Traditional media'),
        ('nature_culture', '自然人文', 'Nature and culture'),
        ('facilities', '设施资源', 'Facilities'),
        ('events', '项目活动', 'Events'),
        ('policy', '民生政策', 'Policy')
    ) as labels (item_type, item_type_zh, item_type_en)
),

labelled as (
    select
        rank_items.rank_item_key,
        rank_items.table_code,
        rank_items.table_title_zh,
        rank_items.generation_key,
        rank_items.generation_zh,
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
