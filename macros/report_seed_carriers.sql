{#- Which marts carry each report seed's figures, read from dbt's own lineage at execute time (never typed by hand):
    a mart carries a seed when the seed is among its ancestors. Returns a query of (source_seed, carried_by_marts),
    the marts comma-separated by name; `exclude` names marts left out (the catalogue itself, which reads them all).
    At parse time (no graph) it returns an empty query of the same shape. -#}
{% macro report_seed_carriers(exclude=[]) %}
{%- set rows = [] -%}
{%- if execute -%}
    {%- set nodes = graph.nodes -%}
    {%- set marts = [] -%}
    {%- for node in nodes.values() -%}
        {%- if node.resource_type == 'model' and node.original_file_path.startswith('models/marts/')
            and node.name not in exclude -%}
            {%- do marts.append(node) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set carriers = {} -%}
    {%- for mart in marts | sort(attribute='name') -%}
        {#- Breadth-first over depends_on: appending while iterating visits every ancestor once. -#}
        {%- set ancestors = mart.depends_on.nodes | list -%}
        {%- for ancestor in ancestors -%}
            {%- for parent in (nodes.get(ancestor, {}).get('depends_on', {}).get('nodes', [])) -%}
                {%- if parent not in ancestors -%}{%- do ancestors.append(parent) -%}{%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- for ancestor in ancestors -%}
            {%- set seed = nodes.get(ancestor) -%}
            {%- if seed and seed.resource_type == 'seed' and seed.original_file_path.startswith('seeds/report/') -%}
                {%- do carriers.setdefault(seed.name, []).append(mart.name) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for seed_name in carriers | sort -%}
        {%- do rows.append((seed_name, carriers[seed_name] | join(', '))) -%}
    {%- endfor -%}
{%- endif -%}
{%- if rows %}
select
    carriers.source_seed,
    carriers.carried_by_marts
from (
    values
    {%- for seed_name, marts in rows %}
    ('{{ seed_name }}', '{{ marts }}'){{ "," if not loop.last }}
    {%- endfor %}
) as carriers (source_seed, carried_by_marts)
{%- else %}
select
    cast(null as {{ string_type() }}) as source_seed,
    cast(null as {{ string_type() }}) as carried_by_marts
where false
{%- endif %}
{% endmacro %}
