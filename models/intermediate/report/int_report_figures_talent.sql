-- The talent half's printed numeric figures, one row each, in the catalogue's columns: every row of the figure
-- seeds with a number (value, or value_low/value_high for a printed range), each generation's printed age range
-- and each young founder's printed founding age.
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

qualifier_labels as (
    select * from {{ ref('lkp_qualifier') }}
),

figures as (
    select
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
)

select
    figures.source_seed || ':' || figures.source_key as figure_key,
    'talent' as figure_theme,
    figures.*,
    qualifier_labels.qualifier_zh,
    qualifier_labels.qualifier_en
from figures
left join qualifier_labels
    on figures.qualifier = qualifier_labels.qualifier
