with pilot_programs as (
    select * from {{ ref('int_pilot_programs_classified') }}
)

select
    program_key,
    table_row_order,
    designation_year,
    year_cell_raw,
    program_name_zh,
    program_name_en,
    batch_no,
    program_family,
    program_family_zh,
    program_family_en,
    lead_ministry_code,
    lead_ministry_zh,
    lead_ministry_en,
    designation_count,
    report_section,
    quote_zh,
    cited_source,
    note
from pilot_programs
