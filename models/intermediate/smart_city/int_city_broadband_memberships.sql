-- Broadband China (programme family `broadband`) per prefecture: how many of its three batches reached the city,
-- in which years, and whether any batch designated the whole city rather than a district of it.
with members as (
    select * from {{ ref('int_pilot_members_mapped_to_prefectures') }}
),

programs as (
    select * from {{ ref('int_pilot_programs_classified') }}
)

select
    members.city_code,
    cast(count(distinct members.program_key) as integer) as broadband_china_batch_count,
    {{ ordered_string_agg(
        "cast(members.designation_year as " ~ string_type() ~ ")", "', '", distinct=true
    ) }} as broadband_china_years,
    {{ ordered_string_agg("programs.program_name_zh", "'; '", distinct=true) }} as broadband_china_programs_zh,
    bool_or(members.covers_whole_prefecture) as broadband_china_covers_whole_city
from members
inner join programs
    on members.program_key = programs.program_key
where programs.program_family = 'broadband'
group by members.city_code
