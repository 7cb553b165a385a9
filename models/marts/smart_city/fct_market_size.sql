with market_sizes as (
    select * from {{ ref('int_market_size_by_reading') }}
),

labelled as (
    select
        market_sizes.*,
        case market_sizes.measure_code
            when 'core_tech_investment' then '智慧城市核心技术投资'
            when 'supporting_facilities_investment' then '相关配套设施投资'
            when 'total_market' then '数字城市市场规模'
        end as measure_zh,
        case market_sizes.measure_code
            when 'core_tech_investment' then 'Smart-city core technology investment (IDC)'
            when 'supporting_facilities_investment' then 'Supporting facilities investment'
            when 'total_market' then 'Digital-city market size'
        end as measure_en,
        case market_sizes.multiplier_reading
            when 'not_applicable' then '不适用'
            when 'on_top' then '配套投资为核心的约3倍（另加）'
            when 'in_total' then '市场合计为核心的约3倍'
            when 'as_reported' then '报告原文'
        end as multiplier_reading_zh,
        case market_sizes.multiplier_reading
            when 'not_applicable' then 'Not applicable'
            when 'on_top' then 'Supporting investment ~3x the core, on top of it'
            when 'in_total' then 'Market ~3x the core in total'
            when 'as_reported' then 'As reported'
        end as multiplier_reading_en,
        case
            when market_sizes.multiplier_reading = 'as_reported'
                then 'Reported by the report in CNY (超万亿); not derived.'
            when market_sizes.measure_code = 'core_tech_investment' and market_sizes.is_reported
                then 'USD reported by IDC (2019 forecast); CNY = USD x annual average CNY per USD of the same year.'
            when market_sizes.measure_code = 'core_tech_investment'
                then
                    'USD interpolated: 2018 value x (1 + CAGR)^(year - 2018), CAGR from the 2018 and 2023 IDC '
                    || 'figures; CNY = USD x annual average CNY per USD of the same year.'
            else
                'USD = core investment x factor (on_top: supporting m, total 1 + m; in_total: supporting m - 1, '
                || 'total m), m = the report''s ~3倍; CNY = USD x annual average CNY per USD of the same year.'
        end as derivation_method,
        case
            when market_sizes.multiplier_reading = 'as_reported' then 'digital_city_market_2023'
            when market_sizes.measure_code = 'core_tech_investment' and market_sizes.is_reported
                then 'idc_core_tech_investment_' || market_sizes.market_year || ', ref_fx_cny_per_usd'
            when market_sizes.measure_code = 'core_tech_investment'
                then 'idc_core_tech_investment_2018, idc_core_tech_investment_2023, ref_fx_cny_per_usd'
            else
                'idc_core_tech_investment_2018, idc_core_tech_investment_2023, supporting_facilities_multiplier, '
                || 'ref_fx_cny_per_usd'
        end as derived_from
    from market_sizes
)

select
    measure_code || '__' || multiplier_reading || '__' || market_year as market_size_key,
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
from labelled
