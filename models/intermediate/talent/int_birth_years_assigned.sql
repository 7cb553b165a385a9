{#- The spine's bounds are variables so that unit tests can run it over a handful of years. -#}
{%- set first_year = var('talent_birth_year_first', 1900) -%}
{%- set last_year = var('talent_birth_year_last', var('talent_reference_year', 2020)) -%}

with generations as (
    select * from {{ ref('int_generations_ranged') }}
    where generation_level = 'generation'
),

birth_years as (
    select cast(spine.birth_year as smallint) as birth_year
    from {{ integer_series(first_year, last_year) }} as spine (birth_year)
),

assigned as (
    select
        birth_years.birth_year,
        generations.generation_key,
        generations.generation_zh,
        generations.grouping_key
    from birth_years
    left join generations
        on
            birth_years.birth_year >= coalesce(generations.canonical_birth_year_low, -32768)
            and birth_years.birth_year <= coalesce(generations.canonical_birth_year_high, 32767)
)

select * from assigned
