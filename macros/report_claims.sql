{#- The last step of every themed claims model (models/intermediate/claims/int_claims_<theme>.sql): the model's claim
    CTEs, unioned as `claims`, get their wording (claim text, inputs, assumptions, order) from lkp_report_claim and
    their verdict labels from lkp_claim_verdict. One definition keeps the themes' columns in step, so
    fct_report_claim_checks can union them. A claim with a definition row but no CTE row (or the reverse) comes out
    with nulls that the mart's not-null constraints reject. `inputs` may hold one `{}`, filled by the CTE's
    `inputs_detail`. -#}
{% macro report_claims(theme) %}
definitions as (
    select * from {{ ref('lkp_report_claim') }}
    where claim_theme = '{{ theme }}'
),

verdict_labels as (
    select * from {{ ref('lkp_claim_verdict') }}
)

select
    coalesce(definitions.claim_key, claims.claim_key) as claim_key,
    cast(definitions.claim_order as integer) as claim_order,
    claims.report_section,
    coalesce(claims.quoted_claim_zh, definitions.claim_zh) as claim_zh,
    definitions.claim_en,
    claims.stated_value_raw,
    cast(claims.stated_value as decimal(20, 4)) as stated_value,
    claims.stated_qualifier,
    claims.stated_unit,
    cast(claims.recomputed_value as decimal(20, 4)) as recomputed_value,
    claims.recomputed_unit,
    coalesce(replace(definitions.inputs, '{}', claims.inputs_detail), definitions.inputs) as inputs,
    definitions.assumptions,
    claims.verdict,
    verdict_labels.verdict_zh,
    verdict_labels.verdict_en,
    claims.explanation_en,
    claims.explanation_zh
from definitions
full outer join claims
    on definitions.claim_key = claims.claim_key
left join verdict_labels
    on claims.verdict = verdict_labels.verdict
{% endmacro %}
