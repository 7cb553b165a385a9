with market_sizes as (
    select * from {{ ref('int_market_size_by_reading') }}
)

select
    measure_code || '__' || multiplier_reading || '__' || cast(market_year as {{ string_type() }}) as market_size_key,
    cast(market_year as smallint) as market_year,
    measure_code,
    measure_zh,
    measure_en,
    multiplier_reading,
    multiplier_reading_zh,
    multiplier_reading_en,
    case when is_reported then 'reported' else 'derived' end as figure_status,
    is_forecast,
    qualifier,
    value_usd,
    cny_per_usd,
    value_cny,
    cast(round(value_cny / 1e8, 4) as decimal(18, 4)) as value_cny_yi,
    cast(round(value_cny / 1e12, 6) as decimal(18, 6)) as value_cny_wan_yi,
    core_cagr_pct,
    supporting_multiple,
    derivation_method,
    derived_from,
    report_section,
    cited_source
from market_sizes
