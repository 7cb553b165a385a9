-- The market-size claims: IDC's 2018-2023 growth and the 2023 "超万亿" headline under both readings of "~3倍",
-- recomputed from int_market_size_by_reading. One CTE per claim; wording and order come from lkp_report_claim.
with market_figures as (
    select * from {{ ref('stg_report__market_figures') }}
),

core_path as (
    select * from {{ ref('int_market_core_path_interpolated') }}
),

market_by_reading as (
    select * from {{ ref('int_market_size_by_reading') }}
),

exchange_rates as (
    select * from {{ ref('stg_reference__fx_cny_per_usd') }}
),

verdict_labels_zh as (
    select
        verdict,
        verdict_zh
    from {{ ref('lkp_claim_verdict') }}
),

core_growth as (
    select max(core_cagr_pct) as core_cagr_pct
    from core_path
),

idc_endpoints as (
    select
        max(case when market_figure_key = 'idc_core_tech_investment_2018' then value end) as start_value_usd,
        max(case when market_figure_key = 'idc_core_tech_investment_2023' then value end) as end_value_usd,
        max(case when market_figure_key = 'idc_core_tech_investment_2023' then value_raw end) as end_value_raw,
        max(case when market_figure_key = 'idc_core_tech_investment_2023' then quote_zh end) as end_quote_zh,
        max(case when market_figure_key = 'idc_core_tech_investment_2023' then report_section end) as report_section,
        count(case when market_figure_key like 'idc_core_tech_investment_%' then 1 end) as idc_points
    from market_figures
),

-- Two printed endpoints fix the growth rate but not the path: with no yearly IDC series it cannot be checked.
claim_idc_growth as (
    select
        'idc_core_growth_2018_2023' as claim_key,
        idc.report_section,
        idc.end_quote_zh as quoted_claim_zh,
        idc.end_value_raw as stated_value_raw,
        idc.end_value_usd as stated_value,
        'exact' as stated_qualifier,
        'usd' as stated_unit,
        growth.core_cagr_pct as recomputed_value,
        'percent' as recomputed_unit,
        cast(null as {{ string_type() }}) as inputs_detail,
        case when idc.idc_points > 2 then 'holds' else 'cannot_be_checked' end as verdict,
        'Only the two endpoints are printed: they imply ' || {{ format_decimal('growth.core_cagr_pct', 4) }}
        || '% a year (x' || {{ format_decimal('idc.end_value_usd / idc.start_value_usd', 3) }}
        || ' over five years). No yearly IDC series is available to check the path; the years between are '
        || 'interpolated.' as explanation_en,
        '报告只给出两个端点：隐含年均增长' || {{ format_decimal('growth.core_cagr_pct', 4) }} || '%（五年增长至'
        || {{ format_decimal('idc.end_value_usd / idc.start_value_usd', 3) }}
        || '倍）。没有IDC逐年数据可供核对，中间年份为插值。' as explanation_zh
    from idc_endpoints as idc
    cross join core_growth as growth
),

trillion_claim as (
    select * from market_figures
    where market_figure_key = 'digital_city_market_2023'
),

rate_range as (
    select
        min(cny_per_usd) as min_rate,
        max(cny_per_usd) as max_rate,
        min(rate_year) as first_rate_year,
        max(rate_year) as last_rate_year
    from exchange_rates
),

-- Holds whatever the rate if it clears the bar at the lowest rate of the period; fails if not even at the highest.
trillion_by_reading as (
    select
        market.multiplier_reading,
        market.value_usd,
        market.value_cny,
        market.cny_per_usd,
        claim.value as stated_cny,
        claim.value_raw,
        claim.qualifier,
        claim.quote_zh,
        claim.report_section,
        rates.min_rate,
        rates.max_rate,
        cast(rates.first_rate_year as {{ string_type() }}) || '-'
        || cast(rates.last_rate_year as {{ string_type() }}) as rate_years,
        claim.value / market.value_usd as break_even_rate,
        case
            when market.value_usd * rates.min_rate > claim.value then 'holds'
            when market.value_usd * rates.max_rate <= claim.value then 'fails'
            else 'holds_under_assumption'
        end as verdict
    from market_by_reading as market
    cross join trillion_claim as claim
    cross join rate_range as rates
    where
        market.market_year = claim.figure_year
        and market.measure_code = 'total_market'
        and market.multiplier_reading in ('on_top', 'in_total')
),

claim_trillion_readings as (
    select
        'market_2023_over_1_trillion_' || reading.multiplier_reading as claim_key,
        reading.report_section,
        reading.quote_zh as quoted_claim_zh,
        reading.value_raw as stated_value_raw,
        reading.stated_cny as stated_value,
        reading.qualifier as stated_qualifier,
        'cny' as stated_unit,
        reading.value_cny as recomputed_value,
        'cny' as recomputed_unit,
        reading.rate_years as inputs_detail,
        reading.verdict,
        'USD ' || {{ format_decimal('reading.value_usd / 1e9', 1) }} || ' bn x '
        || {{ format_decimal('reading.cny_per_usd', 4) }} || ' (2023 rate) = CNY '
        || {{ format_decimal('reading.value_cny / 1e9', 1) }} || ' bn. The claim breaks even at '
        || {{ format_decimal('reading.break_even_rate', 4) }} || ' CNY per USD; the ' || reading.rate_years
        || ' rates run from ' || {{ format_decimal('reading.min_rate', 4) }} || ' to '
        || {{ format_decimal('reading.max_rate', 4) }} || '.' as explanation_en,
        {{ format_decimal('reading.value_usd / 1e8', 1) }} || '亿美元 x ' || {{ format_decimal('reading.cny_per_usd', 4) }}
        || '（2023年汇率）= ' || {{ format_decimal('reading.value_cny / 1e8', 1) }} || '亿元。盈亏平衡汇率为'
        || {{ format_decimal('reading.break_even_rate', 4) }} || '；' || reading.rate_years || '年汇率在'
        || {{ format_decimal('reading.min_rate', 4) }} || '至' || {{ format_decimal('reading.max_rate', 4) }}
        || '之间。' as explanation_zh
    from trillion_by_reading as reading
),

-- The headline as printed needs a reading: it holds outright only if both readings clear the bar.
claim_trillion_overall as (
    select
        'market_2023_over_1_trillion' as claim_key,
        on_top.report_section,
        on_top.quote_zh as quoted_claim_zh,
        on_top.value_raw as stated_value_raw,
        on_top.stated_cny as stated_value,
        on_top.qualifier as stated_qualifier,
        'cny' as stated_unit,
        greatest(on_top.value_cny, in_total.value_cny) as recomputed_value,
        'cny' as recomputed_unit,
        cast(null as {{ string_type() }}) as inputs_detail,
        case
            when on_top.verdict = 'holds' and in_total.verdict = 'holds' then 'holds'
            when on_top.verdict = 'fails' and in_total.verdict = 'fails' then 'fails'
            else 'holds_under_assumption'
        end as verdict,
        'On top: CNY ' || {{ format_decimal('on_top.value_cny / 1e9', 1) }} || ' bn (' || on_top.verdict
        || '); in total: CNY ' || {{ format_decimal('in_total.value_cny / 1e9', 1) }} || ' bn (' || in_total.verdict
        || '). The headline needs the on-top reading.' as explanation_en,
        '另加口径：' || {{ format_decimal('on_top.value_cny / 1e8', 1) }} || '亿元（' || on_top_zh.verdict_zh
        || '）；合计口径：' || {{ format_decimal('in_total.value_cny / 1e8', 1) }} || '亿元（' || in_total_zh.verdict_zh
        || '）。“超万亿”须按另加口径理解。' as explanation_zh
    from trillion_by_reading as on_top
    inner join trillion_by_reading as in_total
        on on_top.multiplier_reading = 'on_top' and in_total.multiplier_reading = 'in_total'
    left join verdict_labels_zh as on_top_zh
        on on_top.verdict = on_top_zh.verdict
    left join verdict_labels_zh as in_total_zh
        on in_total.verdict = in_total_zh.verdict
),

claims as (
    select * from claim_idc_growth
    union all
    select * from claim_trillion_readings
    union all
    select * from claim_trillion_overall
),

{{ report_claims('market_size') }}
