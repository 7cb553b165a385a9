-- Nothing to derive: the mart reads the staged entity (the lineage rule in dbt-bouncer.yml allows it).
with staged as (
    select * from {{ ref('stg_report__city_problems') }}
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
from staged
