with prepared as (
    select * from {{ ref('int_young_founders_cohorted') }}
)

select
    founder_key,
    founder_zh,
    founder_en,
    cohort_raw,
    cohort_birth_year_low,
    cohort_birth_year_high,
    canonical_generation_keys,
    founding_age_raw,
    founding_age,
    company_zh,
    company_en,
    company_description_zh,
    company_description_en,
    report_section,
    quote_zh,
    cited_source,
    note
from prepared
