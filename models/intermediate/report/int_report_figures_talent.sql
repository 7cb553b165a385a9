-- The talent half's printed numeric figures, one row each, in the catalogue's columns: every row of the figure
-- seeds with a number (value, or value_low/value_high for a printed range), each generation's printed age range
-- and each young founder's printed founding age, and the birth cohorts printed beside them (80/90后, 80后) as
-- birth years. figure_kind says which (the kinds and their columns are each seed's meta.figure_columns); the
-- survey's rank cells, sample sizes and surveyed age groups are in int_report_figures_talent_survey.
with city_campaigns as (
    select * from {{ ref('stg_report__city_campaigns') }}
),

survey_findings as (
    select * from {{ ref('stg_report__survey_findings') }}
),

talent_context_figures as (
    select * from {{ ref('stg_report__talent_context_figures') }}
),

generations as (
    select * from {{ ref('stg_report__generations') }}
),

young_founders as (
    select * from {{ ref('stg_report__young_founders') }}
),

-- How this project reads a printed cohort label as birth years (an open end is null).
cohort_readings as (
    select * from {{ ref('lkp_printed_cohort') }}
),

-- The birth cohorts printed beside a generation (80/90后) or a founder (80后).
printed_cohorts as (
    select
        'report_generations' as source_seed,
        generation_key as source_key,
        generation_zh as subject_zh,
        generation_en as subject_en,
        cohort_raw,
        report_section,
        quote_zh,
        cited_source
    from generations
    where cohort_raw is not null
    union all
    select
        'report_young_founders' as source_seed,
        founder_key as source_key,
        founder_zh as subject_zh,
        founder_en as subject_en,
        cohort_raw,
        report_section,
        quote_zh,
        cited_source
    from young_founders
    where cohort_raw is not null
),

qualifier_labels as (
    select * from {{ ref('lkp_qualifier') }}
),

figures as (
    select
        'value' as figure_kind,
        '' as key_suffix,
        'report_city_campaigns' as source_seed,
        campaign_metric_key as source_key,
        city_zh as subject_zh,
        city_en as subject_en,
        metric_zh,
        metric_en,
        value_raw,
        qualifier,
        value,
        value_low,
        value_high,
        unit,
        metric_year as figure_year,
        report_section,
        quote_zh,
        cited_source
    from city_campaigns
    where value is not null or value_low is not null or value_high is not null
    union all
    select
        'value' as figure_kind,
        '' as key_suffix,
        'report_survey_findings' as source_seed,
        finding_key as source_key,
        population_zh as subject_zh,
        population_en as subject_en,
        label_zh as metric_zh,
        label_en as metric_en,
        value_raw,
        qualifier,
        value,
        value_low,
        value_high,
        unit,
        survey_year as figure_year,
        report_section,
        quote_zh,
        cited_source
    from survey_findings
    where value is not null or value_low is not null or value_high is not null
    union all
    select
        'value' as figure_kind,
        '' as key_suffix,
        'report_talent_context_figures' as source_seed,
        context_figure_key as source_key,
        null as subject_zh,
        null as subject_en,
        label_zh as metric_zh,
        label_en as metric_en,
        value_raw,
        qualifier,
        value,
        value_low,
        value_high,
        unit,
        null as figure_year,
        report_section,
        quote_zh,
        cited_source
    from talent_context_figures
    where value is not null or value_low is not null or value_high is not null
    union all
    select
        'age_group' as figure_kind,
        '' as key_suffix,
        'report_generations' as source_seed,
        generation_key as source_key,
        generation_zh as subject_zh,
        generation_en as subject_en,
        '年龄' as metric_zh,
        'Age range (printed)' as metric_en,
        age_raw as value_raw,
        'exact' as qualifier,
        null as value,  -- noqa: RF04
        age_low as value_low,
        age_high as value_high,
        'years' as unit,
        null as figure_year,
        report_section,
        quote_zh,
        cited_source
    from generations
    where age_low is not null or age_high is not null
    union all
    select
        'value' as figure_kind,
        '' as key_suffix,
        'report_young_founders' as source_seed,
        founder_key as source_key,
        founder_zh as subject_zh,
        founder_en as subject_en,
        '创业年龄' as metric_zh,
        'Founding age' as metric_en,
        founding_age_raw as value_raw,
        'exact' as qualifier,
        founding_age as value,  -- noqa: RF04
        null as value_low,
        null as value_high,
        'years' as unit,
        null as figure_year,
        report_section,
        quote_zh,
        cited_source
    from young_founders
    where founding_age is not null
    union all
    select
        'birth_cohort' as figure_kind,
        ':birth_cohort' as key_suffix,
        printed_cohorts.source_seed,
        printed_cohorts.source_key,
        printed_cohorts.subject_zh,
        printed_cohorts.subject_en,
        '出生年代' as metric_zh,
        'Birth cohort (printed), as birth years' as metric_en,
        printed_cohorts.cohort_raw as value_raw,
        'exact' as qualifier,
        null as value,  -- noqa: RF04
        cohort_readings.cohort_birth_year_low as value_low,
        cohort_readings.cohort_birth_year_high as value_high,
        'year' as unit,
        null as figure_year,
        printed_cohorts.report_section,
        printed_cohorts.quote_zh,
        printed_cohorts.cited_source
    from printed_cohorts
    left join cohort_readings
        on printed_cohorts.cohort_raw = cohort_readings.cohort_raw
)

-- A seed row's first figure (the first kind in its meta.figure_columns) keeps the key <seed>:<row key>; a further
-- figure of the same row appends its kind (key_suffix: report_survey_findings:lonely_16_24:age_group).
select
    figures.source_seed || ':' || figures.source_key || figures.key_suffix as figure_key,
    'talent' as figure_theme,
    figures.*,
    qualifier_labels.qualifier_zh,
    qualifier_labels.qualifier_en
from figures
left join qualifier_labels
    on figures.qualifier = qualifier_labels.qualifier
