{#- A number as text for explanations: rounded to at most `places` decimals, trailing zeros dropped but one decimal
    kept (100.0, 8.569, 1556.0). Rounding happens on an exact decimal, never on a double, so every engine rounds alike;
    an adapter whose casts print decimals differently adds its own `<adapter>__format_decimal`. -#}
{% macro format_decimal(expression, places) -%}
    {{ return(adapter.dispatch('format_decimal', 'digital_city')(expression, places)) }}
{%- endmacro %}

{% macro default__format_decimal(expression, places) -%}
    regexp_replace(
        cast(round(cast({{ expression }} as decimal(38, 10)), {{ places }}) as varchar),
        '(\.[0-9]*?[0-9])0+$',
        '\1'
    )
{%- endmacro %}

{#- Spark reads backslashes in string literals as escapes and writes a regex group as $1. -#}
{% macro spark__format_decimal(expression, places) -%}
    regexp_replace(
        cast(round(cast({{ expression }} as decimal(38, 10)), {{ places }}) as string),
        '(\\.[0-9]*?[0-9])0+$',
        '$1'
    )
{%- endmacro %}
