{#- Every constraint of a mart's contract, checked in one query: for adapters that do not enforce constraints.
    Spark writes the marts as Parquet, which has no not-null, key or check enforcement (dbt-spark skips every
    constraint on a non-Delta table, with no error), so there this test is where each constraint still holds. One row
    per broken rule, naming column(s) and rule and counting the rows that break it. Enabled only on adapters outside
    the var `adapters_enforcing_constraints` (dbt_project.yml): on DuckDB and PostgreSQL the enforced constraints
    are the check, and a second copy would only cost a node. Stands in for dbt_constraints' tests, per mart. -#}
{% test contract_constraints(model) %}
{%- if not execute -%}
select 1 as failing_rows
{%- else -%}
{%- set node = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model')
    | selectattr('alias', 'equalto', model.identifier) | first -%}
{%- set rules = [] -%}
{%- set keys = [] -%}
{%- for column in node.columns.values() -%}
    {%- for constraint in column.constraints -%}
        {%- if constraint.type in ('not_null', 'primary_key') -%}
            {%- do rules.append((column.name, 'not_null', column.name ~ ' is null')) -%}
        {%- endif -%}
        {%- if constraint.type in ('unique', 'primary_key') -%}
            {%- do keys.append([column.name]) -%}
        {%- elif constraint.type == 'check' -%}
            {%- do rules.append((column.name, 'check: ' ~ constraint.expression, 'not (' ~ constraint.expression ~ ')')) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endfor -%}
{%- for constraint in node.constraints -%}
    {%- if constraint.type == 'primary_key' -%}
        {%- for column in constraint.columns -%}
            {%- do rules.append((column, 'not_null (primary key)', column ~ ' is null')) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if constraint.type in ('unique', 'primary_key') -%}
        {%- do keys.append(constraint.columns) -%}
    {%- elif constraint.type == 'check' -%}
        {%- do rules.append(((constraint.columns or []) | join(', '), 'check: ' ~ constraint.expression,
            'not (' ~ constraint.expression ~ ')')) -%}
    {%- endif -%}
{%- endfor -%}
{%- if not (rules or keys) -%}
    {{ exceptions.raise_compiler_error("contract_constraints: " ~ node.name ~ " declares no constraint to check") }}
{%- endif -%}
{%- for column, rule, broken in rules %}
select '{{ column }}' as failing_column, '{{ rule | replace("'", '"') }}' as rule, count(*) as failing_rows
from {{ model }}
where {{ broken }}
having count(*) > 0
union all
{%- endfor %}
{%- for columns in keys %}
select '{{ columns | join(", ") }}' as failing_column, 'unique' as rule, count(*) as failing_rows
from (
    select {{ columns | join(', ') }}
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
) as repeated
having count(*) > 0
{{ "union all" if not loop.last }}
{%- endfor %}
{%- if not keys %}
select 'none' as failing_column, 'none' as rule, 0 as failing_rows
where false
{%- endif %}
{%- endif %}
{% endtest %}
