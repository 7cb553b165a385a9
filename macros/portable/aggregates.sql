{#- `arg` of the row with the largest `value` (rows with a null value ignored), optionally only over rows where
    `where` holds: DuckDB's arg_max(arg, value) FILTER (WHERE ...). -#}
{% macro arg_max(arg, value, where=none) -%}
    {{ return(adapter.dispatch('arg_max', 'digital_city')(arg, value, where)) }}
{%- endmacro %}

{% macro duckdb__arg_max(arg, value, where) -%}
    arg_max({{ arg }}, {{ value }}){% if where %} filter (where {{ where }}){% endif %}
{%- endmacro %}

{% macro postgres__arg_max(arg, value, where) -%}
    (array_agg({{ arg }} order by {{ value }} desc) filter (
        where {{ value }} is not null{% if where %} and ({{ where }}){% endif %}
    ))[1]
{%- endmacro %}
