with source as (
    select * from {{ ref('report_city_problems') }}
),

renamed as (
    select
        problem_key,
        problem_no,
        trim(problem_zh) as problem_zh,
        trim(problem_en) as problem_en,
        trim(pain_point_zh) as pain_point_zh,
        trim(implication_zh) as implication_zh,
        trim(implication_en) as implication_en,
        report_section,
        quote_zh,
        cited_source
    from source
)

select * from renamed
