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

{% macro spark__arg_max(arg, value, where) -%}
    max_by({{ arg }}, {{ value }}) filter (
        where {{ value }} is not null{% if where %} and ({{ where }}){% endif %}
    )
{%- endmacro %}

{#- The non-null `value`s of a group as one text joined by `separator` (a SQL string literal), in the order of
    `order_by` (the value itself when none; `descending` reverses it); null when no value is. `distinct` drops
    repeated values and then orders by the value itself. DuckDB and PostgreSQL: string_agg(... order by ...). -#}
{% macro ordered_string_agg(value, separator, order_by=none, descending=false, distinct=false) -%}
    {%- if distinct and order_by is not none -%}
        {{ exceptions.raise_compiler_error("ordered_string_agg: a distinct aggregate orders by its value; drop order_by") }}
    {%- endif -%}
    {{ return(adapter.dispatch('ordered_string_agg', 'digital_city')(value, separator, order_by, descending, distinct)) }}
{%- endmacro %}

{% macro duckdb__ordered_string_agg(value, separator, order_by, descending, distinct) -%}
    string_agg({{ 'distinct ' if distinct }}{{ value }}, {{ separator }} order by {{ order_by or value }}{{ ' desc' if descending }})
{%- endmacro %}

{% macro postgres__ordered_string_agg(value, separator, order_by, descending, distinct) -%}
    {{ duckdb__ordered_string_agg(value, separator, order_by, descending, distinct) }}
{%- endmacro %}

{#- Spark's collect_list keeps no order (dbt's listagg ignores order_by on Spark): sort (key, value) pairs, then join
    the values. Null values are dropped as string_agg drops them, and an all-null group gives null, not ''. -#}
{% macro spark__ordered_string_agg(value, separator, order_by, descending, distinct) -%}
    {%- set ascending = 'false' if descending else 'true' -%}
    case when count({{ value }}) > 0 then
    {%- if distinct %}
        array_join(sort_array(collect_set({{ value }}), {{ ascending }}), {{ separator }})
    {%- else %}
        array_join(transform(
            sort_array(collect_list(
                case when ({{ value }}) is not null then named_struct('sort_key', {{ order_by or value }}, 'item', {{ value }}) end
            ), {{ ascending }}),
            entry -> entry.item
        ), {{ separator }})
    {%- endif %}
    end
{%- endmacro %}
