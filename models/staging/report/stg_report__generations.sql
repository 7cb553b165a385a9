with source as (
    select * from {{ ref('report_generations') }}
),

renamed as (
    select
        generation_key,
        display_order,
        generation_level,
        trim(generation_zh) as generation_zh,
        trim(generation_en) as generation_en,
        nullif(trim(grouping_key), '') as grouping_key,
        trim(cohort_raw) as cohort_raw,
        nullif(trim(age_raw), '') as age_raw,
        age_low,
        age_high,
        trim(layout_heading_zh) as layout_heading_zh,
        trim(life_stage_1_zh) as life_stage_1_zh,
        trim(life_stage_2_zh) as life_stage_2_zh,
        report_section,
        quote_zh,
        cited_source,
        nullif(trim(note), '') as note
    from source
)

select * from renamed
