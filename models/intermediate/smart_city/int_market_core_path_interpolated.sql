-- IDC gives the core technology investment for 2018 and 2023 only. The years between are derived by constant
-- compound growth (the CAGR implied by the two endpoints); they are a smooth path, not IDC figures.
with market_figures as (
    select * from {{ ref('stg_report__market_figures') }}
),

endpoints as (
    select
        max(case when market_figure_key = 'idc_core_tech_investment_2018' then figure_year end) as start_year,
        max(case when market_figure_key = 'idc_core_tech_investment_2018' then value end) as start_value_usd,
        bool_or(market_figure_key = 'idc_core_tech_investment_2018' and is_forecast) as start_is_forecast,
        max(case when market_figure_key = 'idc_core_tech_investment_2023' then figure_year end) as end_year,
        max(case when market_figure_key = 'idc_core_tech_investment_2023' then value end) as end_value_usd,
        bool_or(market_figure_key = 'idc_core_tech_investment_2023' and is_forecast) as end_is_forecast
    from market_figures
),

growth as (
    select
        *,
        power(end_value_usd / start_value_usd, 1.0 / (end_year - start_year)) - 1 as compound_annual_growth
    from endpoints
),

path as (
    select
        cast(years.market_year as smallint) as market_year,
        growth.start_year,
        growth.end_year,
        growth.compound_annual_growth,
        case
            when years.market_year = growth.start_year then growth.start_value_usd
            when years.market_year = growth.end_year then growth.end_value_usd
            else
                growth.start_value_usd * power(1 + growth.compound_annual_growth, years.market_year - growth.start_year)
        end as core_investment_usd,
        years.market_year in (growth.start_year, growth.end_year) as is_reported,
        -- Years after an observed base are forecasts, as the 2023 endpoint is.
        case
            when years.market_year = growth.start_year then growth.start_is_forecast
            when years.market_year = growth.end_year then growth.end_is_forecast
            else true
        end as is_forecast
    from growth
    cross join {{ integer_series('growth.start_year', 'growth.end_year') }} as years (market_year)
)

select
    market_year,
    start_year,
    end_year,
    cast(round(compound_annual_growth * 100, 4) as decimal(9, 4)) as core_cagr_pct,
    cast(round(core_investment_usd, 2) as decimal(20, 2)) as core_investment_usd,
    is_reported,
    is_forecast
from path
