{# Layers land in schemas named for the layer (raw, staging, intermediate, marts), not <target>_<layer>,
   so BI users see the same stable names in every environment. DIGITAL_CITY_SCHEMA_PREFIX (set only by the
   PostgreSQL blue/green build, digital_city/postgres/blue_green.py) builds the same layers as e.g. next_marts. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ env_var('DIGITAL_CITY_SCHEMA_PREFIX', '') }}{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
