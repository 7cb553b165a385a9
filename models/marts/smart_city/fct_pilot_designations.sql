with designations as (
    select * from {{ ref('int_pilot_designations_accumulated') }}
)

select
    program_key,
    table_row_order,
    designation_year,
    program_name_zh,
    program_name_en,
    program_family,
    program_family_zh,
    program_family_en,
    lead_ministry_code,
    lead_ministry_zh,
    lead_ministry_en,
    designation_count,
    year_designations,
    running_designations,
    running_designations_through_year,
    all_designations,
    share_of_all_pct,
    ministry_designations,
    ministry_share_pct,
    share_within_ministry_pct,
    family_designations,
    family_share_pct
from designations
