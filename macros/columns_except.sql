{#- The columns of a built relation but `except`, each quoted and followed by a comma: a select list that follows its
    parent (a deprecated version derived from the latest) without `* exclude`, which PostgreSQL and Spark lack. -#}
{% macro columns_except(relation, except) -%}
    {%- for column in (adapter.get_columns_in_relation(relation) if execute else []) if column.name not in except -%}
        {{ adapter.quote(column.name) }},
    {% endfor -%}
{%- endmacro %}
