{#- Generic tests written here because `dbt deps` cannot reach the package hub.
    Each returns the offending rows, so a failure can be shown row by row. -#}

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

{#- Shares follow one convention everywhere: percent points, 0 to 100. -#}
{% test percent_bounds(model, column_name) %}
select *
from {{ model }}
where {{ column_name }} is not null
  and ({{ column_name }} < 0 or {{ column_name }} > 100)
{% endtest %}

{% test not_blank(model, column_name) %}
select *
from {{ model }}
where {{ column_name }} is not null
  and trim(cast({{ column_name }} as varchar)) = ''
{% endtest %}

{#- A quote must be short enough to be a quote and long enough to hold its figure. -#}
{% test quote_length(model, column_name, min_length=2, max_length=160) %}
select *
from {{ model }}
where {{ column_name }} is null
  or length({{ column_name }}) < {{ min_length }}
  or length({{ column_name }}) > {{ max_length }}
{% endtest %}

{% test unique_combination(model, columns) %}
select
    {{ columns | join(', ') }},
    count(*) as duplicate_count,
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

{#- Every group must hold exactly the listed ranks, each once: no gap, no tie, no extra. -#}
{% test exact_rank_set(model, column_name, group_by, ranks=[1, 2, 3]) %}
with ranks_per_group as (
    select
        {{ group_by | join(', ') }},
        list({{ column_name }} order by {{ column_name }}) as ranks_found,
    from {{ model }}
    group by {{ group_by | join(', ') }}
)

select *
from ranks_per_group
where ranks_found != {{ ranks | list }}
{% endtest %}

{#- A printed range must run low to high. -#}
{% test value_pairs_ordered(model, low_column, high_column) %}
select *
from {{ model }}
where {{ low_column }} is not null
  and {{ high_column }} is not null
  and {{ low_column }} > {{ high_column }}
{% endtest %}

{#- Not-null and not-blank checks over many columns in one query: one test node per model instead of one per
    column keeps `dbt build` fast, and each failing row says which column failed. Keys keep their own
    unique + not_null tests. -#}
{% test not_null_columns(model, columns) %}
{% for column in columns %}
select '{{ column }}' as failing_column, *
from {{ model }}
where {{ column }} is null
{% if not loop.last %}union all{% endif %}
{% endfor %}
{% endtest %}

{% test not_blank_columns(model, columns) %}
{% for column in columns %}
select '{{ column }}' as failing_column, *
from {{ model }}
where {{ column }} is not null and trim(cast({{ column }} as varchar)) = ''
{% if not loop.last %}union all{% endif %}
{% endfor %}
{% endtest %}
