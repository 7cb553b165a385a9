{#- The marts hold years, not dates: the span only has to cover them (2009-2023 today) with room for later editions. -#}
with days as (
    select cast(series.day_start as date) as date_day
    from {{ date_series("'2000-01-01'", "'2035-12-31'") }} as series (day_start)
)

select date_day
from days
