-- Nothing to derive: the mart reads the staged entity (the lineage rule in dbt-bouncer.yml allows it).
with staged as (
    select * from {{ ref('stg_report__leader_statements') }}
)

select
    statement_key,
    speaker_zh,
    speaker_en,
    role_zh,
    role_en,
    city_en,
    term_raw,
    term_start_year,
    term_end_year,
    statement_zh,
    statement_en,
    report_section,
    quote_zh,
    cited_source,
    note
from staged
