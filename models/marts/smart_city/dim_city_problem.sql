with prepared as (
    select * from {{ ref('int_city_problems_prepared') }}
)

select
    problem_key,
    problem_no,
    problem_zh,
    problem_en,
    pain_point_zh,
    implication_zh,
    implication_en,
    report_section,
    quote_zh,
    cited_source
from prepared
