-- Every headline claim of the report, its recomputed value and the verdict, in report order.
select
    claim_key,
    verdict_en,
    verdict_zh,
    stated_value_raw,
    recomputed_value,
    recomputed_unit,
    explanation_en
from {{ ref('fct_report_claim_checks') }}
order by claim_order
