-- The catalogue and the seeds agree: every printed figure of every report seed is one catalogue row, and every
-- catalogue row is one. Which seeds and which of their columns hold printed figures is read from dbt's graph at
-- execute time (every seed under seeds/report/ and its meta.figure_columns, by kind), never typed here: a seed
-- without that meta stops the test. A figure is a (seed row, kind) with any of the kind's columns not null; a kind
-- in meta.figure_once_per is one figure per distinct value of those columns across all seeds, held by the first
-- seed row (by seed name, then key) that prints it. The seeds are read straight from their tables, not through the
-- models that build the catalogue, so deleting a figure from the catalogue model shows as "lost".
{%- set seed_figures = [] -%}
{%- if execute -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'seed' and node.original_file_path.startswith('seeds/report/') -%}
        {%- set meta = node.config.meta -%}
        {%- if 'figure_columns' not in meta -%}
            {{ exceptions.raise_compiler_error(
                node.original_file_path ~ ': report seed without meta.figure_columns (the columns that hold its '
                ~ 'printed figures, by kind; {} if none): fct_report_figures and this test read it') }}
        {%- endif -%}
        {%- set key_column = (node.columns.keys() | list)[0] -%}
        {%- set text = dbt.type_string() -%}
        {%- for kind, columns in meta.figure_columns.items() -%}
            {%- set once_per = (meta.get('figure_once_per') or {}).get(kind) -%}
            {%- if once_per -%}
                {%- set printed_once_as = "coalesce(cast(" ~ (once_per | join(" as " ~ text ~ "), '') || '|' || coalesce(cast("))
                    ~ " as " ~ text ~ "), '')" -%}
            {%- else -%}
                {%- set printed_once_as = "'" ~ node.name ~ ":' || cast(" ~ key_column ~ " as " ~ text ~ ")" -%}
            {%- endif -%}
            {%- do seed_figures.append({
                'seed': node.name,
                'relation': api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias),
                'key': key_column,
                'kind': kind,
                'printed': columns | join(' is not null or ') ~ ' is not null',
                'printed_once_as': printed_once_as,
            }) -%}
        {%- endfor -%}
    {%- endfor -%}
{%- endif %}

with seed_figures as (
    -- The shape, and the answer for a project without report seeds; one union branch per (seed, kind) follows.
    select
        cast(null as {{ dbt.type_string() }}) as source_seed,
        cast(null as {{ dbt.type_string() }}) as source_key,
        cast(null as {{ dbt.type_string() }}) as figure_kind,
        cast(null as {{ dbt.type_string() }}) as printed_once_as
    where false
    {%- for figure in seed_figures | sort(attribute='seed') %}
    union all
    select
        '{{ figure.seed }}' as source_seed,
        cast({{ figure.key }} as {{ dbt.type_string() }}) as source_key,
        '{{ figure.kind }}' as figure_kind,
        {{ figure.printed_once_as }} as printed_once_as
    from {{ figure.relation }}
    where {{ figure.printed }}
    {%- endfor %}  -- noqa: LT02
),

expected as (
    select
        source_seed,
        source_key,
        figure_kind
    from (
        select
            *,
            row_number() over (
                partition by figure_kind, printed_once_as
                order by source_seed, source_key
            ) as printing_order
        from seed_figures
    ) as printings
    where printing_order = 1  -- noqa: LT02
),

catalogue as (
    select
        source_seed,
        source_key,
        figure_kind,
        count(*) as catalogue_rows
    from {{ ref('fct_report_figures') }}
    group by source_seed, source_key, figure_kind
)

select
    coalesce(expected.source_seed, catalogue.source_seed) as source_seed,
    coalesce(expected.source_key, catalogue.source_key) as source_key,
    coalesce(expected.figure_kind, catalogue.figure_kind) as figure_kind,
    case
        when catalogue.source_key is null then 'lost: printed in the seed, not in the catalogue'
        when expected.source_key is null then 'invented: in the catalogue, not a printed figure of the seed'
        else 'held twice: ' || cast(catalogue.catalogue_rows as {{ dbt.type_string() }}) || ' catalogue rows'
    end as problem
from expected
full outer join catalogue
    on
        expected.source_seed = catalogue.source_seed
        and expected.source_key = catalogue.source_key
        and expected.figure_kind = catalogue.figure_kind
where expected.source_key is null or catalogue.source_key is null or catalogue.catalogue_rows > 1
