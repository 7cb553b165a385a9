with prepared as (
    select * from {{ ref('int_talent_context_figures_labelled') }}
)

select
    context_figure_key,
    label_zh,
    label_en,
    value_raw,
    qualifier,
    qualifier_zh,
    qualifier_en,
    value,
    value_low,
    value_high,
    unit,
    report_section,
    quote_zh,
    cited_source,
    note
from prepared
