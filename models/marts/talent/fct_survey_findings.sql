with findings as (
    select * from {{ ref('int_survey_findings_labelled') }}
)

select
    finding_key,
    finding_type,
    label_zh,
    label_en,
    population_zh,
    population_en,
    population_generation_key,
    population_age_low,
    population_age_high,
    survey_name_zh,
    sample_size_raw,
    sample_size,
    survey_month,
    survey_year,
    survey_sample_sizes_printed,
    has_conflicting_sample_sizes,
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
from findings
