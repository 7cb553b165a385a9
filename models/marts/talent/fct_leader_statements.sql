with prepared as (
    select * from {{ ref('int_leader_statements_prepared') }}
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
from prepared
