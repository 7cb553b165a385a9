with source as (
    select * from {{ ref('report_pilot_programs') }}
),

renamed as (
    select
        program_key,
        table_row_order,
        nullif(trim(year_cell_raw), '') as year_cell_raw,
        report_year as designation_year,
        trim(program_name_zh) as program_name_zh,
        trim(program_name_en) as program_name_en,
        batch_no,
        program_family,
        designation_count,
        lead_ministry_code,
        report_section,
        quote_zh,
        cited_source,
        nullif(trim(note), '') as note
    from source
)

select * from renamed
