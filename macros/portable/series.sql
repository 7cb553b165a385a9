{#- Portable SQL (docs/adapters.md): each macro here is the one place an engine-specific construct is written, with a
    `duckdb__` implementation that emits exactly what the DuckDB build ran before and a `postgres__` one. A third
    adapter adds its own `<adapter>__` implementations; `default__` is deliberately absent where no standard SQL
    exists, so a missing implementation fails at compile time, not with a wrong answer. -#}

{#- A table expression of the integers first..last (inclusive), one column named by the caller's alias. -#}
{% macro integer_series(first, last) -%}
    {{ return(adapter.dispatch('integer_series', 'digital_city')(first, last)) }}
{%- endmacro %}

{% macro duckdb__integer_series(first, last) -%}
    generate_series({{ first }}, {{ last }})
{%- endmacro %}

{% macro postgres__integer_series(first, last) -%}
    generate_series(cast({{ first }} as integer), cast({{ last }} as integer))
{%- endmacro %}

{#- Spark has no generate_series: a generator in the FROM clause, lateral so that its bounds may be columns of the
    tables before it (`cross join ... as years (market_year)`); bigint, as DuckDB's generate_series gives. -#}
{% macro spark__integer_series(first, last) -%}
    lateral explode(sequence(cast({{ first }} as bigint), cast({{ last }} as bigint)))
{%- endmacro %}

{#- A table expression of every day first..last (inclusive, date literals), one column named by the caller's alias.
    DuckDB and PostgreSQL give timestamps; the caller casts to date. -#}
{% macro date_series(first, last) -%}
    {{ return(adapter.dispatch('date_series', 'digital_city')(first, last)) }}
{%- endmacro %}

{% macro duckdb__date_series(first, last) -%}
    generate_series(timestamp {{ first }}, timestamp {{ last }}, interval '1 day')
{%- endmacro %}

{% macro postgres__date_series(first, last) -%}
    {{ duckdb__date_series(first, last) }}
{%- endmacro %}

{% macro spark__date_series(first, last) -%}
    explode(sequence(date {{ first }}, date {{ last }}, interval 1 day))
{%- endmacro %}

{#- Whole days from date `first` to date `last`, an integer. Spark's date - date is an interval. -#}
{% macro days_between(first, last) -%}
    {{ return(adapter.dispatch('days_between', 'digital_city')(first, last)) }}
{%- endmacro %}

{% macro duckdb__days_between(first, last) -%}
    {{ last }} - {{ first }}
{%- endmacro %}

{% macro postgres__days_between(first, last) -%}
    {{ last }} - {{ first }}
{%- endmacro %}

{% macro spark__days_between(first, last) -%}
    datediff({{ last }}, {{ first }})
{%- endmacro %}
