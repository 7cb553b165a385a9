-- "~3倍" reads two ways: supporting investment of 3x the core on top of it (total = core x (1 + m)), or a market of
-- 3x the core in total (supporting = core x (m - 1)). Both readings are kept side by side; neither is the report's.
with core_path as (
    select * from {{ ref('int_market_core_path_interpolated') }}
),

market_figures as (
    select * from {{ ref('stg_report__market_figures') }}
),

exchange_rates as (
    select * from {{ ref('stg_reference__fx_cny_per_usd') }}
),

measure_labels as (
    select * from {{ ref('lkp_market_measure') }}
),

reading_labels as (
    select * from {{ ref('lkp_multiplier_reading') }}
),

derivations as (
    select * from {{ ref('lkp_market_derivation') }}
),

multiplier as (
    select value as supporting_multiple
    from market_figures
    where market_figure_key = 'supporting_facilities_multiplier'
),

-- Every derived row rests on the IDC figures: it carries their section and citation.
idc_provenance as (
    select
        max(report_section) as report_section,
        max(cited_source) as cited_source
    from market_figures
    where market_figure_key like 'idc_core_tech_investment_%'
),

readings as (
    select
        readings.measure_code,
        readings.multiplier_reading,
        readings.core_factor,
        readings.multiplier_factor
    from (
        values
        ('core_tech_investment', 'not_applicable', 1, 0),
        ('supporting_facilities_investment', 'on_top', 0, 1),
        ('supporting_facilities_investment', 'in_total', -1, 1),
        ('total_market', 'on_top', 1, 1),
        ('total_market', 'in_total', 0, 1)
    ) as readings (measure_code, multiplier_reading, core_factor, multiplier_factor)
),

measures as (
    select
        core_path.market_year,
        readings.measure_code,
        readings.multiplier_reading,
        core_path.core_cagr_pct,
        core_path.is_reported,
        core_path.is_forecast,
        multiplier.supporting_multiple,
        -- factor = core_factor + multiplier_factor x m: 1, m, m - 1, 1 + m, m
        core_path.core_investment_usd
        * (readings.core_factor + readings.multiplier_factor * multiplier.supporting_multiple) as value_usd
    from core_path
    cross join readings
    cross join multiplier
),

derived_measures as (
    select
        measures.market_year,
        measures.measure_code,
        measures.multiplier_reading,
        measures.core_cagr_pct,
        measures.is_reported and measures.measure_code = 'core_tech_investment' as is_reported,
        measures.is_forecast,
        measures.supporting_multiple,
        cast(round(measures.value_usd, 2) as decimal(20, 2)) as value_usd,
        exchange_rates.cny_per_usd,
        cast(round(measures.value_usd * exchange_rates.cny_per_usd, 2) as decimal(22, 2)) as value_cny,
        cast(null as {{ string_type() }}) as qualifier,
        case
            when measures.measure_code != 'core_tech_investment' then 'multiplier_reading'
            when measures.is_reported then 'idc_reported'
            else 'idc_interpolated'
        end as derivation,
        idc_provenance.report_section,
        idc_provenance.cited_source
    from measures
    cross join idc_provenance
    left join exchange_rates
        on measures.market_year = exchange_rates.rate_year
),

-- The report's own headline ("2023年市场规模预期超万亿") sits beside the derived readings it should agree with.
reported_headline as (
    select
        headline.figure_year as market_year,
        'total_market' as measure_code,
        'as_reported' as multiplier_reading,
        cast(null as decimal(9, 4)) as core_cagr_pct,
        true as is_reported,
        headline.is_forecast,
        cast(null as decimal(20, 4)) as supporting_multiple,
        cast(null as decimal(20, 2)) as value_usd,
        exchange_rates.cny_per_usd,
        cast(headline.value as decimal(22, 2)) as value_cny,
        headline.qualifier,
        'as_reported' as derivation,
        headline.report_section,
        headline.cited_source
    from market_figures as headline
    left join exchange_rates
        on headline.figure_year = exchange_rates.rate_year
    where headline.market_figure_key = 'digital_city_market_2023'
),

market_sizes as (
    select * from derived_measures
    union all
    select * from reported_headline
)

select
    market_sizes.market_year,
    market_sizes.measure_code,
    measure_labels.measure_zh,
    measure_labels.measure_en,
    market_sizes.multiplier_reading,
    reading_labels.multiplier_reading_zh,
    reading_labels.multiplier_reading_en,
    market_sizes.core_cagr_pct,
    market_sizes.is_reported,
    market_sizes.is_forecast,
    market_sizes.supporting_multiple,
    market_sizes.value_usd,
    market_sizes.cny_per_usd,
    market_sizes.value_cny,
    market_sizes.qualifier,
    derivations.derivation_method,
    replace(derivations.derived_from, '{}', cast(market_sizes.market_year as {{ string_type() }})) as derived_from,
    market_sizes.report_section,
    market_sizes.cited_source
from market_sizes
left join measure_labels
    on market_sizes.measure_code = measure_labels.measure_code
left join reading_labels
    on market_sizes.multiplier_reading = reading_labels.multiplier_reading
left join derivations
    on market_sizes.derivation = derivations.derivation
