with source as (
    select * from {{ ref('report_young_founders') }}
),

renamed as (
    select
        founder_key,
        trim(founder_zh) as founder_zh,
        trim(founder_en) as founder_en,
        trim(cohort_raw) as cohort_raw,
        trim(founding_age_raw) as founding_age_raw,
        founding_age,
        trim(company_zh) as company_zh,
        trim(company_en) as company_en,
        trim(company_description_zh) as company_description_zh,
        trim(company_description_en) as company_description_en,
        report_section,
        quote_zh,
        cited_source,
        nullif(trim(note), '') as note
    from source
)

select * from renamed
