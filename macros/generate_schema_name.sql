{# Layers land in schemas named for the layer (raw, staging, intermediate, marts), not <target>_<layer>,
   so BI users see the same stable names in every environment. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
