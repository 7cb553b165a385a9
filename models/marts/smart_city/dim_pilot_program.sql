with pilot_programs as (
    select * from {{ ref('int_pilot_programs_classified') }}
),

list_coverage as (
    select * from {{ ref('int_pilot_member_list_coverage') }}
)

select
    pilot_programs.program_key,
    pilot_programs.table_row_order,
    pilot_programs.designation_year,
    pilot_programs.year_cell_raw,
    pilot_programs.program_name_zh,
    pilot_programs.program_name_en,
    pilot_programs.batch_no,
    pilot_programs.program_family,
    pilot_programs.program_family_zh,
    pilot_programs.program_family_en,
    pilot_programs.lead_ministry_code,
    pilot_programs.lead_ministry_zh,
    pilot_programs.lead_ministry_en,
    pilot_programs.designation_count,
    cast(list_coverage.entities_listed as integer) as entities_listed,
    list_coverage.member_list_status,
    list_coverage.member_list_status_zh,
    list_coverage.member_list_status_en,
    list_coverage.list_origin,
    list_coverage.list_license,
    list_coverage.list_vintage,
    pilot_programs.report_section,
    pilot_programs.quote_zh,
    pilot_programs.cited_source,
    pilot_programs.note
from pilot_programs
left join list_coverage
    on pilot_programs.program_key = list_coverage.program_key
