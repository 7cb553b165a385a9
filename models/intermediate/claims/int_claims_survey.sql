-- The Douyin user survey's sample sizes, as the report cites them on each page. One CTE per claim; wording and
-- order come from lkp_report_claim (macros/report_claims.sql).
with survey_findings as (
    select * from {{ ref('stg_report__survey_findings') }}
),

survey_rank_items as (
    select * from {{ ref('stg_report__survey_rank_items') }}
),

douyin_survey_samples as (
    select
        sample_size,
        survey_month,
        report_section
    from survey_findings
    where survey_name_zh = '抖音用户调研' and sample_size is not null
    union all
    select
        sample_size,
        survey_month,
        report_section
    from survey_rank_items
    where survey_name_zh = '抖音用户调研' and sample_size is not null
),

sample_sizes as (
    select
        count(distinct sample_size) as distinct_sizes,
        min(sample_size) as smallest,
        max(sample_size) as largest,
        count(distinct survey_month) as distinct_months,
        max(report_section) as report_section
    from douyin_survey_samples
),

-- One survey wave with two sample sizes is possible only if the questions had different bases.
claim_sample_sizes as (
    select
        'douyin_survey_sample_sizes' as claim_key,
        sizes.report_section,
        cast(null as {{ string_type() }}) as quoted_claim_zh,
        'N=' || cast(sizes.smallest as {{ string_type() }}) || ' / N='
        || cast(sizes.largest as {{ string_type() }}) as stated_value_raw,
        sizes.smallest as stated_value,
        'exact' as stated_qualifier,
        'persons' as stated_unit,
        sizes.largest - sizes.smallest as recomputed_value,
        'persons' as recomputed_unit,
        cast(null as {{ string_type() }}) as inputs_detail,
        case
            when sizes.distinct_sizes = 1 then 'holds'
            when sizes.distinct_months = 1 then 'holds_under_assumption'
            else 'cannot_be_checked'
        end as verdict,
        cast(sizes.distinct_sizes as {{ string_type() }}) || ' distinct sample sizes in '
        || cast(sizes.distinct_months as {{ string_type() }})
        || ' survey month(s): ' || cast(sizes.smallest as {{ string_type() }}) || ' and '
        || cast(sizes.largest as {{ string_type() }})
        || ' respondents, ' || cast(sizes.largest - sizes.smallest as {{ string_type() }})
        || ' apart.' as explanation_en,
        '同一调研月份出现' || cast(sizes.distinct_sizes as {{ string_type() }}) || '个样本量：'
        || cast(sizes.smallest as {{ string_type() }})
        || '与' || cast(sizes.largest as {{ string_type() }}) || '，相差'
        || cast(sizes.largest - sizes.smallest as {{ string_type() }}) || '。'
            as explanation_zh
    from sample_sizes as sizes
),

claims as (
    select * from claim_sample_sizes
),

{{ report_claims('survey') }}
