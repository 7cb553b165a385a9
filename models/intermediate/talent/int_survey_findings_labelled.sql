with findings as (
    select * from {{ ref('stg_report__survey_findings') }}
),

qualifier_labels as (
    select * from {{ ref('lkp_qualifier') }}
),

-- The same survey and month printed with more than one sample size is an ambiguity to show, not to hide.
survey_sample_sizes as (
    select
        survey_name_zh,
        survey_month,
        {{ ordered_string_agg("sample_size_raw", "'; '", distinct=true) }} as sample_sizes_printed,
        count(distinct sample_size) > 1 as has_conflicting_sample_sizes
    from findings
    where survey_name_zh is not null and survey_month is not null
    group by survey_name_zh, survey_month
),

labelled as (
    select
        findings.finding_key,
        findings.finding_type,
        findings.label_zh,
        findings.label_en,
        findings.population_zh,
        findings.population_en,
        findings.population_generation_key,
        findings.population_age_low,
        findings.population_age_high,
        findings.survey_name_zh,
        findings.sample_size_raw,
        findings.sample_size,
        findings.survey_month,
        coalesce(findings.survey_year, cast(extract(year from findings.survey_month) as smallint)) as survey_year,
        survey_sample_sizes.sample_sizes_printed as survey_sample_sizes_printed,
        coalesce(survey_sample_sizes.has_conflicting_sample_sizes, false) as has_conflicting_sample_sizes,
        findings.value_raw,
        findings.qualifier,
        qualifier_labels.qualifier_zh,
        qualifier_labels.qualifier_en,
        findings.value,
        findings.value_low,
        findings.value_high,
        findings.unit,
        findings.report_section,
        findings.quote_zh,
        findings.cited_source,
        findings.note
    from findings
    left join qualifier_labels
        on findings.qualifier = qualifier_labels.qualifier
    left join survey_sample_sizes
        on
            findings.survey_name_zh = survey_sample_sizes.survey_name_zh
            and findings.survey_month = survey_sample_sizes.survey_month
)

select * from labelled
