-- The 2018-2023 market path in 亿元 under both readings of "~3倍", reported and derived years marked apart.
select
    market_year,
    measure_en,
    multiplier_reading,
    figure_status,
    value_usd,
    cny_per_usd,
    value_cny_yi
from {{ ref('fct_market_size') }}
where measure_code = 'total_market'
order by market_year, multiplier_reading
