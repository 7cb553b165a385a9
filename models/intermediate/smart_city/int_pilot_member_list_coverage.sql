-- Each programme of the report's table with its member-list coverage: entities listed against the count the report
-- prints, a status recomputed from them, and the list's provenance. A programme without a list is `none`.
with pilot_programs as (
    select * from {{ ref('stg_report__pilot_programs') }}
),

members as (
    select * from {{ ref('stg_reference__pilot_program_members') }}
),

lists as (
    select * from {{ ref('stg_reference__pilot_member_lists') }}
),

status_labels as (
    select * from {{ ref('lkp_member_list_status') }}
),

listed as (
    select
        program_key,
        count(*) as entities_listed
    from members
    group by program_key
),

covered as (
    select
        pilot_programs.program_key,
        pilot_programs.designation_count,
        coalesce(listed.entities_listed, 0) as entities_listed,
        case
            when coalesce(listed.entities_listed, 0) = 0 then 'none'
            when listed.entities_listed = pilot_programs.designation_count then 'complete'
            when listed.entities_listed < pilot_programs.designation_count then 'partial'
        end as member_list_status,
        lists.list_completeness,
        lists.list_origin,
        lists.list_license,
        lists.list_vintage
    from pilot_programs
    left join listed
        on pilot_programs.program_key = listed.program_key
    left join lists
        on pilot_programs.program_key = lists.program_key
)

select
    covered.*,
    status_labels.member_list_status_zh,
    status_labels.member_list_status_en
from covered
left join status_labels
    on covered.member_list_status = status_labels.member_list_status
