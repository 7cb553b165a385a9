-- The report's generations X, Y and Z as printed: are their age ranges disjoint? One CTE per claim; wording and
-- order come from lkp_report_claim (macros/report_claims.sql).
with generations as (
    select * from {{ ref('stg_report__generations') }}
    where generation_level = 'generation'
),

ages as (
    select ages.age
    from {{ integer_series(0, 100) }} as ages (age)
),

ages_in_generations as (
    select
        ages.age,
        count(*) as generation_count,
        {{ ordered_string_agg("generations.generation_zh", "'/'", "generations.display_order") }} as generations_zh
    from ages
    inner join generations
        on
            ages.age >= generations.age_low
            and ages.age <= coalesce(generations.age_high, 200)
    group by ages.age
),

generation_overlaps as (
    select
        count(case when generation_count > 1 then 1 end) as overlapping_ages,
        {{ ordered_string_agg(
            "case when generation_count > 1 then cast(age as " ~ string_type() ~ ") || '岁 (' || generations_zh
            || ')' end",
            "', '",
            "age",
        ) }} as overlaps_listed
    from ages_in_generations
),

printed_generations as (
    select
        max(report_section) as report_section,
        {{ ordered_string_agg("generation_zh || '：' || cohort_raw || '，'
        || age_raw", "'；'", "display_order") }} as printed_zh,
        {{ ordered_string_agg("age_raw", "' / '", "display_order") }} as ages_raw
    from generations
),

-- Printed bounds are inclusive, so an age printed as the top of one range and the bottom of the next is in both.
claim_generations as (
    select
        'generation_definitions_disjoint' as claim_key,
        printed.report_section,
        printed.printed_zh as quoted_claim_zh,
        printed.ages_raw as stated_value_raw,
        0 as stated_value,
        'exact' as stated_qualifier,
        'count' as stated_unit,
        overlap_stats.overlapping_ages as recomputed_value,
        'count' as recomputed_unit,
        cast(null as {{ string_type() }}) as inputs_detail,
        case when overlap_stats.overlapping_ages = 0 then 'holds' else 'fails' end as verdict,
        cast(overlap_stats.overlapping_ages as {{ string_type() }}) || ' ages fall in two generations: '
        || overlap_stats.overlaps_listed || '. The cohorts overlap too (80/90后 and 95后 share births 1995-1999).'
            as explanation_en,
        cast(overlap_stats.overlapping_ages as {{ string_type() }}) || '个年龄同属两个世代：' || overlap_stats.overlaps_listed
        || '。出生年代亦重叠（80/90后与95后共享1995-1999年出生者）。' as explanation_zh
    from printed_generations as printed
    cross join generation_overlaps as overlap_stats
),

claims as (
    select * from claim_generations
),

{{ report_claims('generations') }}
