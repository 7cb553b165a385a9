{#- Spark runs one statement per hook and has no `comment on view` or `comment on column`: the view and its column
    comments in one create statement (the columns in the contract's order, which the mart's select follows). -#}
{% macro spark__version_view_sql(view, source) -%}
    create or replace view {{ view }} (
        {%- for column in model.columns.values() %}
        {{ column.name }}{% if column.description %} comment {{ sql_text_literal(column.description) }}{% endif %}{{ "," if not loop.last }}
        {%- endfor %}
    )
    comment {{ sql_text_literal(model.description) }}
    as select * from {{ source }}
{%- endmacro %}

{#- A text literal. Spark reads backslash escapes in literals and joins adjacent literals ('it''s' is "its", no
    error), so a quote is escaped with a backslash there. -#}
{% macro spark__sql_text_literal(text) -%}
    '{{ (text or '') | replace('\\', '\\\\') | replace("'", "\\'") }}'
{%- endmacro %}
