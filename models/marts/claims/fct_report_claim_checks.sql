with claims as (
    select * from {{ ref('int_report_claims_recomputed') }}
)

select
    claim_key,
    claim_order,
    report_section,
    claim_zh,
    claim_en,
    stated_value_raw,
    stated_value,
    stated_qualifier,
    stated_unit,
    recomputed_value,
    recomputed_unit,
    inputs,
    assumptions,
    verdict,
    {{ verdict_zh('verdict') }} as verdict_zh,
    {{ verdict_en('verdict') }} as verdict_en,
    explanation_en,
    explanation_zh
from claims
