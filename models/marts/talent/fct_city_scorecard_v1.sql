-- Version 1 of fct_city_scorecard, kept for dashboards that pin it (deprecated 2027-06-30; see its yml): version 2
-- with the two population increases as version 1 typed them, decimal(20,4) (version 2 counts whole persons).
{%- set retyped = ["population_increase_persons", "high_edu_population_increase_persons"] %}
with scorecard_v2 as (
    select * from {{ ref('fct_city_scorecard', v=2) }}
)

select
    {{ columns_except(ref('fct_city_scorecard', v=2), retyped) }}
    cast(population_increase_persons as decimal(20, 4)) as population_increase_persons,
    cast(high_edu_population_increase_persons as decimal(20, 4)) as high_edu_population_increase_persons
from scorecard_v2
