with source as (
    select * from {{ ref('report_survey_findings') }}
),

renamed as (
    select
        finding_key,
        finding_type,
        trim(label_zh) as label_zh,
        trim(label_en) as label_en,
        trim(population_zh) as population_zh,
        trim(population_en) as population_en,
        nullif(trim(population_generation_key), '') as population_generation_key,
        population_age_low,
        population_age_high,
        nullif(trim(survey_name_zh), '') as survey_name_zh,
        nullif(trim(sample_size_raw), '') as sample_size_raw,
        sample_size,
        survey_month,
        survey_year,
        nullif(trim(value_raw), '') as value_raw,
        nullif(trim(qualifier), '') as qualifier,
        value,
        value_low,
        value_high,
        unit,
        report_section,
        quote_zh,
        cited_source,
        nullif(trim(note), '') as note
    from source
)

select * from renamed
