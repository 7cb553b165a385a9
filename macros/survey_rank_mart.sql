{#- The two rank marts (channels, city focus) share one shape: one definition keeps their columns in step. -#}
{% macro survey_rank_mart(table_code) %}
with rank_items as (
    select * from {{ ref('int_survey_rank_items_labelled') }}
    where table_code = '{{ table_code }}'
)

select
    rank_item_key,
    generation_key,
    generation_zh,
    generation_en,
    item_rank,
    item_zh,
    item_en,
    item_type,
    item_type_zh,
    item_type_en,
    item_footnote_zh,
    table_title_zh,
    survey_name_zh,
    sample_size,
    survey_month,
    report_section,
    quote_zh,
    cited_source,
    note
from rank_items
{% endmacro %}
