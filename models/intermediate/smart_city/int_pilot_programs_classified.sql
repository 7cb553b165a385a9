with pilot_programs as (
    select * from {{ ref('stg_report__pilot_programs') }}
),

family_labels as (
    select * from {{ ref('lkp_program_family') }}
),

ministry_labels as (
    select * from {{ ref('lkp_lead_ministry') }}
),

classified as (
    select
        pilot_programs.program_key,
        pilot_programs.table_row_order,
        pilot_programs.designation_year,
        pilot_programs.year_cell_raw,
        pilot_programs.program_name_zh,
        pilot_programs.program_name_en,
        pilot_programs.batch_no,
        pilot_programs.program_family,
        family_labels.program_family_zh,
        family_labels.program_family_en,
        pilot_programs.lead_ministry_code,
        ministry_labels.lead_ministry_zh,
        ministry_labels.lead_ministry_en,
        pilot_programs.designation_count,
        pilot_programs.report_section,
        pilot_programs.quote_zh,
        pilot_programs.cited_source,
        pilot_programs.note
    from pilot_programs
    left join family_labels
        on pilot_programs.program_family = family_labels.program_family
    left join ministry_labels
        on pilot_programs.lead_ministry_code = ministry_labels.lead_ministry_code
)

select * from classified
