{#
  The unversioned name of a versioned mart: a view `marts.<name>` over its latest version (`marts.<name>_v<n>`),
  so dashboards that read `marts.<name>` keep working and follow the latest version, while a dashboard that must
  not follow reads `marts.<name>_v<n>` (README: Pinning a mart version). A post-hook of every mart
  (dbt_project.yml); it renders nothing for an unversioned model or an older version. Schema-qualified, not
  catalog-qualified, so the view still resolves in the published copy of the database.
#}
{% macro latest_version_view() %}
    {%- set version = model.get('version') -%}
    {%- set latest = model.get('latest_version') -%}
    {%- if version is not none and latest is not none and version | string == latest | string -%}
        create or replace view {{ this.schema }}.{{ model.name }} as select * from {{ this.schema }}.{{ this.identifier }}
    {%- endif -%}
{% endmacro %}
