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

{#- Any one non-null value of the group (the caller's values agree within a group): any_value() is PostgreSQL 16+. -#}
{% macro any_value(expression) -%}
    {{ return(adapter.dispatch('any_value', 'digital_city')(expression)) }}
{%- endmacro %}

{% macro duckdb__any_value(expression) -%}
    any_value({{ expression }})
{%- endmacro %}

{% macro postgres__any_value(expression) -%}
    min({{ expression }})
{%- endmacro %}
