{#
  The unversioned name of a versioned mart: a view `marts.<name>` over its latest version (`marts.<name>_v<n>`),
  so dashboards that read `marts.<name>` keep working and follow the latest version, while a dashboard that must
  not follow reads `marts.<name>_v<n>` (README: Pinning a mart version). A post-hook of every mart
  (dbt_project.yml); it renders nothing for an unversioned model or an older version. Schema-qualified, not
  catalog-qualified, so the view still resolves in the published copy of the database.
  The view carries the model's docs as comments (a BI tool shows them as it does for tables) and, on the PostgreSQL
  team server, the same select grant as the marts: dbt's persist_docs and grants reach only the model's own relation.
#}
{% macro latest_version_view() %}
    {%- set version = model.get('version') -%}
    {%- set latest = model.get('latest_version') -%}
    {%- if version is not none and latest is not none and version | string == latest | string -%}
        {{ adapter.dispatch('version_view_sql', 'digital_city')(this.schema ~ '.' ~ model.name, this.schema ~ '.' ~ this.identifier) }}
    {%- endif -%}
{% endmacro %}

{% macro default__version_view_sql(view, source) %}
    {%- set statements = [
        'create or replace view ' ~ view ~ ' as select * from ' ~ source,
        'comment on view ' ~ view ~ ' is ' ~ sql_text_literal(model.description),
    ] -%}
    {%- for column in model.columns.values() if column.description -%}
        {%- do statements.append(
            'comment on column ' ~ view ~ '.' ~ column.name ~ ' is ' ~ sql_text_literal(column.description)
        ) -%}
    {%- endfor -%}
    {%- if target.type == 'postgres' -%}
        {%- do statements.append('grant select on ' ~ view ~ ' to bi_reader') -%}
    {%- endif -%}
    {{ statements | join(';\n') }}
{% endmacro %}

{% macro sql_text_literal(text) -%}
    {{ return(adapter.dispatch('sql_text_literal', 'digital_city')(text)) }}
{%- endmacro %}

{% macro default__sql_text_literal(text) -%}
    '{{ (text or '') | replace("'", "''") }}'
{%- endmacro %}
