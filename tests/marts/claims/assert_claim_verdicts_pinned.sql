-- The verdicts the current seeds imply, pinned: a seed edit that flips one (or adds or drops a claim) fails the build.
-- Update this list only together with the seed change that justifies it.
with pinned as (
    select
        pinned_verdicts.claim_key,
        pinned_verdicts.pinned_verdict
    from (
        values
        ('pilots_over_700', 'holds'),
        ('pilot_cities_over_700', 'holds_under_assumption'),
        ('idc_core_growth_2018_2023', 'cannot_be_checked'),
        ('market_2023_over_1_trillion', 'holds_under_assumption'),
        ('market_2023_over_1_trillion_on_top', 'holds'),
        ('market_2023_over_1_trillion_in_total', 'fails'),
        ('china_share_of_global_projects', 'holds_under_assumption'),
        ('beijing_14fyp_suggestion_shares', 'holds'),
        ('douyin_survey_sample_sizes', 'holds_under_assumption'),
        ('generation_definitions_disjoint', 'fails'),
        ('wuhan_nested_population_increases', 'holds_under_assumption'),
        ('wuhan_2020_reach_vs_plays', 'holds_under_assumption'),
        ('urban_population_2030', 'cannot_be_checked'),
        ('broadband_china_batches_match_lists', 'holds_under_assumption'),
        ('nasg_2017_pilots_new_in_2017', 'holds_under_assumption'),
        ('most_smart_city_demo_count_matches_list', 'holds'),
        ('cloud_egov_pilot_count_matches_list', 'cannot_be_checked')
    ) as pinned_verdicts (claim_key, pinned_verdict)
),

computed as (
    select
        claim_key,
        verdict,
        inputs,
        explanation_en
    from {{ ref('fct_report_claim_checks') }}
)

select
    coalesce(pinned.claim_key, computed.claim_key) as claim_key,
    pinned.pinned_verdict,
    computed.verdict as computed_verdict,
    -- The seed rows the claim rests on and the arithmetic: what a failure message needs to be acted on.
    computed.inputs,
    computed.explanation_en
from pinned
full outer join computed
    on pinned.claim_key = computed.claim_key
where pinned.pinned_verdict is distinct from computed.verdict
