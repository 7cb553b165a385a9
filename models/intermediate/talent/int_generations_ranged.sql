{#- The report's year: its printed ages ("40岁+", "18~25岁") are ages in 2020. -#}
{%- set reference_year = var('talent_reference_year', 2020) -%}

with generations as (
    select * from {{ ref('stg_report__generations') }}
),

-- How this project reads each printed cohort label as birth years (an open end is null): lkp_printed_cohort.
cohort_readings as (
    select * from {{ ref('lkp_printed_cohort') }}
),

generations_with_years as (
    select
        generations.*,
        cast(cohort_readings.cohort_birth_year_low as smallint) as cohort_birth_year_low,
        cast(cohort_readings.cohort_birth_year_high as smallint) as cohort_birth_year_high,
        cast({{ reference_year }} - generations.age_high as smallint) as printed_birth_year_low,
        cast({{ reference_year }} - generations.age_low as smallint) as printed_birth_year_high
    from generations
    left join cohort_readings
        on generations.cohort_raw = cohort_readings.cohort_raw
),

-- Rule: the cohort label governs; where two labels overlap the later, narrower label wins (95后 takes
-- 1995-1999 from 90后); an open end is closed by the printed age in the reference year.
generation_ranges as (
    select
        generation_key,
        cast(coalesce(cohort_birth_year_low, printed_birth_year_low) as smallint) as canonical_birth_year_low,
        cast(
            least(
                coalesce(cohort_birth_year_high, printed_birth_year_high),
                lead(cohort_birth_year_low) over (order by display_order) - 1
            ) as smallint
        ) as canonical_birth_year_high
    from generations_with_years
    where generation_level = 'generation'
),

-- A grouping spans its members' canonical ranges; one open-ended member leaves it open.
grouping_ranges as (
    select
        members.grouping_key as generation_key,
        cast(
            case
                when count(*) filter (where ranges.canonical_birth_year_low is null) = 0
                    then min(ranges.canonical_birth_year_low)
            end as smallint
        ) as canonical_birth_year_low,
        cast(
            case
                when count(*) filter (where ranges.canonical_birth_year_high is null) = 0
                    then max(ranges.canonical_birth_year_high)
            end as smallint
        ) as canonical_birth_year_high
    from generations_with_years as members
    inner join generation_ranges as ranges
        on members.generation_key = ranges.generation_key
    group by members.grouping_key
),

canonical_ranges as (
    select * from generation_ranges
    union all
    select * from grouping_ranges
),

age_overlaps as (
    select
        left_side.generation_key,
        {{ ordered_string_agg("right_side.generation_zh", "', '", "right_side.display_order") }} as age_overlaps_with
    from generations_with_years as left_side
    inner join generations_with_years as right_side
        on
            left_side.generation_level = right_side.generation_level
            and left_side.generation_key != right_side.generation_key
            and left_side.age_low <= coalesce(right_side.age_high, 1000)
            and right_side.age_low <= coalesce(left_side.age_high, 1000)
    group by left_side.generation_key
),

cohort_overlaps as (
    select
        left_side.generation_key,
        {{ ordered_string_agg("right_side.generation_zh", "', '", "right_side.display_order") }} as cohort_overlaps_with
    from generations_with_years as left_side
    inner join generations_with_years as right_side
        on
            left_side.generation_level = right_side.generation_level
            and left_side.generation_key != right_side.generation_key
            and coalesce(left_side.cohort_birth_year_low, 0) <= coalesce(right_side.cohort_birth_year_high, 9999)
            and coalesce(right_side.cohort_birth_year_low, 0) <= coalesce(left_side.cohort_birth_year_high, 9999)
    group by left_side.generation_key
),

ranged as (
    select
        generations_with_years.generation_key,
        generations_with_years.display_order,
        generations_with_years.generation_level,
        generations_with_years.generation_zh,
        generations_with_years.generation_en,
        generations_with_years.grouping_key,
        groupings.generation_zh as grouping_zh,
        groupings.generation_en as grouping_en,
        generations_with_years.cohort_raw,
        generations_with_years.age_raw,
        generations_with_years.age_low,
        generations_with_years.age_high,
        cast({{ reference_year }} as smallint) as reference_year,
        generations_with_years.cohort_birth_year_low,
        generations_with_years.cohort_birth_year_high,
        generations_with_years.printed_birth_year_low,
        generations_with_years.printed_birth_year_high,
        canonical_ranges.canonical_birth_year_low,
        canonical_ranges.canonical_birth_year_high,
        age_overlaps.age_overlaps_with,
        cohort_overlaps.cohort_overlaps_with,
        generations_with_years.layout_heading_zh,
        generations_with_years.life_stage_1_zh,
        generations_with_years.life_stage_2_zh,
        generations_with_years.report_section,
        generations_with_years.quote_zh,
        generations_with_years.cited_source,
        generations_with_years.note
    from generations_with_years
    left join generations_with_years as groupings
        on generations_with_years.grouping_key = groupings.generation_key
    left join canonical_ranges
        on generations_with_years.generation_key = canonical_ranges.generation_key
    left join age_overlaps
        on generations_with_years.generation_key = age_overlaps.generation_key
    left join cohort_overlaps
        on generations_with_years.generation_key = cohort_overlaps.generation_key
)

select * from ranged
