with policies as (
    select * from {{ ref('int_talent_policies_labelled') }}
)

select
    policy_key,
    place_zh,
    place_en,
    policy_scope,
    policy_scope_zh,
    policy_scope_en,
    heading_zh,
    year_raw,
    policy_year,
    effective_month,
    target_group_zh,
    target_group_en,
    document_name_zh,
    document_name_en,
    instrument_1_zh,
    instrument_2_zh,
    instruments_en,
    report_section,
    quote_zh,
    cited_source,
    note
from policies
