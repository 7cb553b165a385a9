-- The trillion-yuan claim must hold under the on-top reading exactly when the 2023 total converted at the lowest
-- rate of 2018-2023 clears CNY 1 trillion: a cross-check of the verdict logic against fct_market_size.
with totals_2023 as (
    select
        multiplier_reading,
        value_usd
    from {{ ref('fct_market_size') }}
    where market_year = 2023 and measure_code = 'total_market' and multiplier_reading in ('on_top', 'in_total')
),

headline as (
    select value_cny as stated_cny
    from {{ ref('fct_market_size') }}
    where multiplier_reading = 'as_reported'
),

lowest_rate as (
    select min(cny_per_usd) as min_rate
    from {{ ref('fct_market_size') }}
),

expected as (
    select
        'market_2023_over_1_trillion_' || totals_2023.multiplier_reading as claim_key,
        totals_2023.value_usd * lowest_rate.min_rate > headline.stated_cny as should_hold
    from totals_2023
    cross join headline
    cross join lowest_rate
)

select
    expected.claim_key,
    expected.should_hold,
    checks.verdict
from expected
inner join {{ ref('fct_report_claim_checks') }} as checks
    on expected.claim_key = checks.claim_key
where expected.should_hold != (checks.verdict = 'holds')
