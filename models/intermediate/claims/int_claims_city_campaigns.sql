-- The city campaigns' figures checked against each other: Beijing's channel shares, Wuhan's nested population
-- increases, and Wuhan's reach against its plays. One CTE per claim; wording and order come from lkp_report_claim.
with campaign_metrics as (
    select * from {{ ref('stg_report__city_campaigns') }}
),

beijing_shares as (
    select
        sum(value) as share_sum,
        count(*) as share_count,
        {{ ordered_string_agg("value_raw", "' + '", "campaign_metric_key", descending=true) }} as shares_raw,
        max(quote_zh) as quote_zh,
        max(report_section) as report_section
    from campaign_metrics
    where campaign_metric_key in ('beijing_14fyp_traditional_share', 'beijing_14fyp_new_media_share')
),

-- Two "~" shares of one whole may each be a point off: they hold if they sum to 100 within that.
claim_beijing as (
    select
        'beijing_14fyp_suggestion_shares' as claim_key,
        beijing.report_section,
        beijing.quote_zh as quoted_claim_zh,
        beijing.shares_raw as stated_value_raw,
        100 as stated_value,
        'approximately' as stated_qualifier,
        'percent' as stated_unit,
        beijing.share_sum as recomputed_value,
        'percent' as recomputed_unit,
        cast(null as {{ string_type() }}) as inputs_detail,
        case when abs(beijing.share_sum - 100) <= beijing.share_count then 'holds' else 'fails' end as verdict,
        'The two shares sum to ' || {{ format_decimal('beijing.share_sum', 4) }} || '% of suggestions.'
            as explanation_en,
        '两类渠道占比合计' || {{ format_decimal('beijing.share_sum', 4) }} || '%。' as explanation_zh
    from beijing_shares as beijing
),

wuhan_increases as (
    select
        max(case when campaign_metric_key = 'wuhan_2020_population_increase' then value end) as total_increase,
        max(case when campaign_metric_key = 'wuhan_2020_high_edu_population_increase' then value end)
            as high_edu_increase,
        max(case when campaign_metric_key = 'wuhan_2020_high_edu_hukou_population_increase' then value end)
            as high_edu_hukou_increase,
        {{ ordered_string_agg("value_raw", "' < '", "value") }} as stated_raw,
        max(report_section) as report_section
    from campaign_metrics
    where campaign_metric_key in (
        'wuhan_2020_population_increase',
        'wuhan_2020_high_edu_population_increase',
        'wuhan_2020_high_edu_hukou_population_increase'
    )
),

-- A subset cannot grow more than the whole unless the rest shrank; a gap within the rounding (1,000) is a maybe.
claim_wuhan_population as (
    select
        'wuhan_nested_population_increases' as claim_key,
        wuhan.report_section,
        cast(null as {{ string_type() }}) as quoted_claim_zh,
        wuhan.stated_raw as stated_value_raw,
        wuhan.total_increase as stated_value,
        'approximately' as stated_qualifier,
        'persons' as stated_unit,
        wuhan.high_edu_increase - wuhan.total_increase as recomputed_value,
        'persons' as recomputed_unit,
        cast(null as {{ string_type() }}) as inputs_detail,
        case
            when wuhan.high_edu_increase <= wuhan.total_increase then 'holds'
            when wuhan.high_edu_increase - wuhan.total_increase <= 1000 then 'holds_under_assumption'
            else 'fails'
        end as verdict,
        'The higher-educated increase exceeds the total by '
        || cast(cast(wuhan.high_edu_increase - wuhan.total_increase as integer) as {{ string_type() }})
        || ': consistent only if the rest of the population fell or rounding hides equality. The registered (户籍) '
        || 'figure (' || cast(cast(wuhan.high_edu_hukou_increase as integer) as {{ string_type() }})
        || ') is not a subset of '
        || 'residents. No base period is given.' as explanation_en,
        '高学历人口增量比总人口增量多' || cast(cast(wuhan.high_edu_increase - wuhan.total_increase as integer) as {{ string_type() }})
        || '：只有其余人口减少或四舍五入掩盖相等时才成立；户籍口径（'
        || cast(cast(wuhan.high_edu_hukou_increase as integer) as {{ string_type() }}) || '）并非常住人口的子集；未给出基期。'
            as explanation_zh
    from wuhan_increases as wuhan
),

wuhan_live_show as (
    select
        max(case when campaign_metric_key = 'wuhan_2020_live_show_topic_plays' then value end) as topic_plays,
        max(case when campaign_metric_key = 'wuhan_2020_live_show_reach' then value end) as people_reached,
        {{ ordered_string_agg("value_raw", "' / '", "campaign_metric_key") }} as stated_raw,
        max(report_section) as report_section
    from campaign_metrics
    where campaign_metric_key in ('wuhan_2020_live_show_topic_plays', 'wuhan_2020_live_show_reach')
),

-- More people reached than plays is possible only if reach counts exposure, not viewing.
claim_wuhan_reach as (
    select
        'wuhan_2020_reach_vs_plays' as claim_key,
        live.report_section,
        cast(null as {{ string_type() }}) as quoted_claim_zh,
        live.stated_raw as stated_value_raw,
        live.people_reached as stated_value,
        'more_than' as stated_qualifier,
        'persons' as stated_unit,
        round(live.people_reached / live.topic_plays, 4) as recomputed_value,
        'multiple' as recomputed_unit,
        cast(null as {{ string_type() }}) as inputs_detail,
        case when live.people_reached <= live.topic_plays then 'holds' else 'holds_under_assumption' end as verdict,
        'People reached are ' || {{ format_decimal('live.people_reached / live.topic_plays', 2) }}
        || 'x the topic plays: more people reached than plays is possible only if reach counts exposure, not viewing.'
            as explanation_en,
        '覆盖人群是话题播放量的' || {{ format_decimal('live.people_reached / live.topic_plays', 2) }}
        || '倍：只有当“覆盖”指曝光而非观看时才可能成立。' as explanation_zh
    from wuhan_live_show as live
),

claims as (
    select * from claim_beijing
    union all
    select * from claim_wuhan_population
    union all
    select * from claim_wuhan_reach
),

{{ report_claims('city_campaigns') }}
