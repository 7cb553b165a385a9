{#- Generic tests written here because `dbt deps` cannot reach the package hub; each names the package test it
    stands in for. Each returns the offending rows, so a failure can be shown row by row (digital_city/pipeline/
    dbt_runner.py prints up to five). Where a check belongs, and why, is in docs/testing.md. A seed's row rules are
    not dbt tests: the seed check holds them, one pass per seed before dbt (digital_city/pipeline/seed_rules.py). -#}

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

{#- A printed range must run low to high. Stands in for dbt_expectations.expect_column_pair_values_A_to_be_greater_
    than_B (or_equal). -#}
{% test value_pairs_ordered(model, low_column, high_column) %}
select *
from {{ model }}
where {{ low_column }} is not null
  and {{ high_column }} is not null
  and {{ low_column }} > {{ high_column }}
{% endtest %}

{#- Every row makes the expression true (a null result fails too). Stands in for dbt_utils.expression_is_true. -#}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where not coalesce({{ expression }}, false)
{% endtest %}
