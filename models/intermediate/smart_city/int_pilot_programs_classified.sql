with pilot_programs as (
    select * from {{ ref('stg_report__pilot_programs') }}
),

family_labels as (
    select
        labels.family_code as program_family,
        labels.family_zh as program_family_zh,
        labels.family_en as program_family_en
    from (
        values
        ('smart_city', '智慧城市', 'Smart city'),
        ('broadband', '宽带中国', 'Broadband China'),
        ('information_consumption', '信息消费', 'Information consumption'),
        ('information_benefit', '信息惠民', 'Information for public benefit'),
        ('cloud_e_government', '云计算电子政务', 'Cloud e-government'),
        ('spatio_temporal_cloud', '时空大数据与云平台', 'Spatio-temporal cloud')
    ) as labels (family_code, family_zh, family_en)
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
        pilot_programs.lead_ministry_zh,
        pilot_programs.lead_ministry_en,
        pilot_programs.designation_count,
        pilot_programs.report_section,
        pilot_programs.quote_zh,
        pilot_programs.cited_source,
        pilot_programs.note
    from pilot_programs
    left join family_labels
        on pilot_programs.program_family = family_labels.program_family
)

select * from classified
