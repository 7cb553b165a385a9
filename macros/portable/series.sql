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
