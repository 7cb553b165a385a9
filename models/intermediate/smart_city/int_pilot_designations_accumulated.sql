-- Running totals follow the report's table order, which is chronological by designation year.
with pilot_programs as (
    select * from {{ ref('int_pilot_programs_classified') }}
),

with_totals as (
    select
        *,
        cast(sum(designation_count) over () as integer) as all_designations,
        cast(sum(designation_count) over (partition by designation_year) as integer) as year_designations,
        cast(sum(designation_count) over (partition by lead_ministry_code) as integer) as ministry_designations,
        cast(sum(designation_count) over (partition by program_family) as integer) as family_designations,
        cast(
            sum(designation_count) over (order by table_row_order rows between unbounded preceding and current row)
            as integer
        ) as running_designations,
        cast(
            sum(designation_count) over (order by designation_year range between unbounded preceding and current row)
            as integer
        ) as running_designations_through_year
    from pilot_programs
),

with_shares as (
    select
        *,
        cast(round(100.0 * designation_count / all_designations, 4) as decimal(9, 4)) as share_of_all_pct,
        cast(round(100.0 * ministry_designations / all_designations, 4) as decimal(9, 4)) as ministry_share_pct,
        cast(round(100.0 * family_designations / all_designations, 4) as decimal(9, 4)) as family_share_pct,
        cast(round(100.0 * designation_count / ministry_designations, 4) as decimal(9, 4)) as share_within_ministry_pct
    from with_totals
)

select * from with_shares
