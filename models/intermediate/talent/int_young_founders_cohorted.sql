-- Each founder's printed cohort (80后, 90后) read as birth years (lkp_printed_cohort), beside the canonical
-- generations of dim_generation that the printed range overlaps (90后 = 1990-1999 touches Y世代 and Z世代).
with founders as (
    select * from {{ ref('stg_report__young_founders') }}
),

cohort_readings as (
    select * from {{ ref('lkp_printed_cohort') }}
),

generations as (
    select * from {{ ref('int_generations_ranged') }}
    where generation_level = 'generation'
),

overlapping_generations as (
    select
        founders.founder_key,
        {{ ordered_string_agg(
            "generations.generation_key", "', '", "generations.display_order"
        ) }} as canonical_generation_keys
    from founders
    inner join cohort_readings
        on founders.cohort_raw = cohort_readings.cohort_raw
    inner join generations
        on
            coalesce(cohort_readings.cohort_birth_year_low, 0)
            <= coalesce(generations.canonical_birth_year_high, 9999)
            and coalesce(generations.canonical_birth_year_low, 0)
            <= coalesce(cohort_readings.cohort_birth_year_high, 9999)
    group by founders.founder_key
)

select
    founders.founder_key,
    founders.founder_zh,
    founders.founder_en,
    founders.cohort_raw,
    cohort_readings.cohort_birth_year_low,
    cohort_readings.cohort_birth_year_high,
    overlapping_generations.canonical_generation_keys,
    founders.founding_age_raw,
    founders.founding_age,
    founders.company_zh,
    founders.company_en,
    founders.company_description_zh,
    founders.company_description_en,
    founders.report_section,
    founders.quote_zh,
    founders.cited_source,
    founders.note
from founders
left join cohort_readings
    on founders.cohort_raw = cohort_readings.cohort_raw
left join overlapping_generations
    on founders.founder_key = overlapping_generations.founder_key
