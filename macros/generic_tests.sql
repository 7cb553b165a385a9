{#- Generic tests written here because `dbt deps` cannot reach the package hub; each names the package test it
    stands in for. Each returns the offending rows, so a failure can be shown row by row (digital_city/pipeline/
    dbt_runner.py prints up to five). Where a check belongs, and why, is in docs/testing.md. -#}

{#- Stands in for dbt_utils.accepted_range (dbt_expectations.expect_column_values_to_be_between). -#}
{% test value_between(model, column_name, min_value=none, max_value=none) %}
select *
from {{ model }}
where {{ column_name }} is not null
  and (
    false
    {%- if min_value is not none %} or {{ column_name }} < {{ min_value }}{% endif %}
    {%- if max_value is not none %} or {{ column_name }} > {{ max_value }}{% endif %}
  )
{% endtest %}

{#- Shares follow one convention everywhere: percent points, 0 to 100. Stands in for dbt_utils.accepted_range with
    min_value 0 and max_value 100. -#}
{% test percent_bounds(model, column_name) %}
select *
from {{ model }}
where {{ column_name }} is not null
  and ({{ column_name }} < 0 or {{ column_name }} > 100)
{% endtest %}

{#- A quote must be short enough to be a quote and long enough to hold its figure. Stands in for
    dbt_expectations.expect_column_value_lengths_to_be_between (nulls fail here: every row carries a quote). -#}
{% test quote_length(model, column_name, min_length=2, max_length=160) %}
select *
from {{ model }}
where {{ column_name }} is null
  or length({{ column_name }}) < {{ min_length }}
  or length({{ column_name }}) > {{ max_length }}
{% endtest %}

{#- Stands in for dbt_utils.unique_combination_of_columns. -#}
{% test unique_combination(model, columns) %}
select
    {{ columns | join(', ') }},
    count(*) as duplicate_count
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

{#- A key in one query: no column of it null, no combination twice. Stands in for dbt_constraints.primary_key
    (dbt_utils.unique_combination_of_columns plus not_null on each column) where no enforced constraint can hold it:
    seeds and views. -#}
{% test primary_key(model, columns) %}
with keyed as (
    select
        {{ columns | join(', ') }},
        count(*) over (partition by {{ columns | join(', ') }}) as key_count
    from {{ model }}
)

select *
from keyed
where key_count > 1
    {%- for column in columns %}
    or {{ column }} is null
    {%- endfor %}
{% endtest %}

{#- Every group must hold exactly the listed ranks, each once: no gap, no tie, no extra. Stands in for
    dbt_expectations.expect_column_distinct_values_to_equal_set, grouped (row_condition per group). -#}
{% test exact_rank_set(model, column_name, group_by, ranks=[1, 2, 3]) %}
with ranks_per_group as (
    select
        {{ group_by | join(', ') }},
        {{ ordered_string_agg("cast(" ~ column_name ~ " as " ~ string_type() ~ ")", "','", column_name) }} as ranks_found
    from {{ model }}
    group by {{ group_by | join(', ') }}
)

select *
from ranks_per_group
where ranks_found != '{{ ranks | join(",") }}'
{% endtest %}

{#- A printed range must run low to high. Stands in for dbt_expectations.expect_column_pair_values_A_to_be_greater_
    than_B (or_equal). -#}
{% test value_pairs_ordered(model, low_column, high_column) %}
select *
from {{ model }}
where {{ low_column }} is not null
  and {{ high_column }} is not null
  and {{ low_column }} > {{ high_column }}
{% endtest %}

{#- Columns that every row must fill, in one query: a null, or text that is only blanks, fails. One test node per
    seed instead of one per column keeps `dbt build` fast, and each failing row says which column failed. Stands in
    for dbt_utils.not_empty_string plus not_null (dbt_expectations.expect_column_values_to_not_be_null), per column. -#}
{% test required_columns(model, columns) %}
{% for column in columns %}
select '{{ column }}' as failing_column, *
from {{ model }}
where {{ column }} is null or trim(cast({{ column }} as {{ string_type() }})) = ''
{% if not loop.last %}union all{% endif %}
{% endfor %}
{% endtest %}

{#- A label that stands for printed text must appear in the row's verbatim quote: the lookup holds the label once, the
    quote proves it is the report's. Fails on a code without a label too. No package equivalent (closest:
    dbt_utils.relationships_where with a condition on the parent). -#}
{% test label_printed_in_quote(model, column_name, to, field, label, quote_column='quote_zh') %}
select
    child.{{ column_name }},
    parent.{{ label }},
    child.{{ quote_column }}
from {{ model }} as child
left join {{ to }} as parent
    on child.{{ column_name }} = parent.{{ field }}
where child.{{ column_name }} is not null
  and (parent.{{ label }} is null or position(parent.{{ label }} in child.{{ quote_column }}) = 0)
{% endtest %}

{#- A share stored as a fraction (0.4 for 40%) is in range and well-formed: only the printed text shows it is wrong.
    Where `printed_column` holds one number followed by %, that number must be the stored percent points. Ranges
    (40-60%) and fractions printed as fractions (1/3) do not match the pattern and are left to their own columns.
    Stands in for dbt_expectations.expect_column_pair_values_to_be_equal over a parsed column. Portable: regexp_replace
    with a back-reference behaves alike on DuckDB and PostgreSQL, and leaves a text that does not match unchanged. -#}
{% test printed_percent_matches(model, column_name, printed_column='value_raw') %}
{%- set pattern = "'^[^0-9]*([0-9]+([.][0-9]+)?)%$'" %}
with printed as (
    select
        *,
        regexp_replace({{ printed_column }}, {{ pattern }}, {{ regexp_group_reference(1) }}) as printed_number
    from {{ model }}
    where unit = 'percent'
        and {{ column_name }} is not null
)

select *
from printed
where printed_number <> {{ printed_column }}
    and cast(printed_number as decimal(20, 4)) <> {{ column_name }}
{% endtest %}

{#- Every combination of `columns` has a row in `to` (by `to_columns`, the same names unless given): dbt's
    relationships over several columns at once. Stands in for dbt_utils' missing multi-column relationships
    (dbt_expectations.expect_compound_columns_to_be_unique is the nearest package test, on one table only). -#}
{% test has_match_in(model, columns, to, to_columns=none) %}
{%- set targets = to_columns or columns %}
select child.*
from {{ model }} as child
where not exists (
    select 1
    from {{ to }} as parent
    where
        {%- for column in columns %}
        {{ "and " if not loop.first }}parent.{{ targets[loop.index0] }} = child.{{ column }}
        {%- endfor %}
)
{% endtest %}

{#- Every row makes the expression true (a null result fails too). Stands in for dbt_utils.expression_is_true. -#}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where not coalesce({{ expression }}, false)
{% endtest %}
