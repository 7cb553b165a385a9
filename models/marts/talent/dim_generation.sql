with generations as (
    select * from {{ ref('int_generations_ranged') }}
)

select
    generation_key,
    display_order,
    generation_level,
    generation_zh,
    generation_en,
    grouping_key,
    grouping_zh,
    grouping_en,
    cohort_raw,
    age_raw,
    age_low,
    age_high,
    reference_year,
    cohort_birth_year_low,
    cohort_birth_year_high,
    printed_birth_year_low,
    printed_birth_year_high,
    canonical_birth_year_low,
    canonical_birth_year_high,
    coalesce(cast(canonical_birth_year_low as {{ string_type() }}), '') || '–'
    || coalesce(cast(canonical_birth_year_high as {{ string_type() }}), '') as canonical_birth_years_label,
    age_overlaps_with,
    cohort_overlaps_with,
    age_overlaps_with is not null or cohort_overlaps_with is not null as has_printed_overlap,
    layout_heading_zh,
    life_stage_1_zh,
    life_stage_2_zh,
    report_section,
    quote_zh,
    cited_source,
    note
from generations
