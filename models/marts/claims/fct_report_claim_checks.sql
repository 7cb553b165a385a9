-- Every themed claims model has the same columns (macros/report_claims.sql): the mart is their union.
with claims as (
    select * from {{ ref('int_claims_headline_figures') }}
    union all
    select * from {{ ref('int_claims_market_size') }}
    union all
    select * from {{ ref('int_claims_member_lists') }}
    union all
    select * from {{ ref('int_claims_survey') }}
    union all
    select * from {{ ref('int_claims_generations') }}
    union all
    select * from {{ ref('int_claims_city_campaigns') }}
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
    verdict_zh,
    verdict_en,
    explanation_en,
    explanation_zh
from claims
