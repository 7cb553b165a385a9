-- The semantic models turn each mart year into its 1 January; MetricFlow joins those dates to dim_date for cumulative
-- metrics, so a year outside the spine, or a missing day inside it, would silently drop rows.
with spine_span as (
    select
        min(date_day) as first_day,
        max(date_day) as last_day,
        count(*) as day_count
    from {{ ref('dim_date') }}
),

mart_years as (
    select designation_year as mart_year from {{ ref('fct_pilot_designations') }}
    union
    select designation_year as mart_year from {{ ref('fct_city_pilot_membership') }}
    union
    select market_year as mart_year from {{ ref('fct_market_size') }}
    union
    select metric_year as mart_year from {{ ref('fct_city_campaigns') }}
    union
    select survey_year as mart_year from {{ ref('fct_survey_findings') }}
),

missing_years as (
    select
        'year outside the spine' as problem,
        cast(mart_years.mart_year as {{ string_type() }}) as detail
    from mart_years
    left join {{ ref('dim_date') }} as dim_date
        on make_date(mart_years.mart_year, 1, 1) = dim_date.date_day
    where mart_years.mart_year is not null and dim_date.date_day is null
),

gaps as (
    select
        'days missing inside the spine' as problem,
        cast({{ days_between('first_day', 'last_day') }} + 1 - day_count as {{ string_type() }}) as detail
    from spine_span
    where {{ days_between('first_day', 'last_day') }} + 1 != day_count
)

select * from missing_years
union all
select * from gaps
