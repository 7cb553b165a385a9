{#- Types. Project files declare the types DuckDB and PostgreSQL name (`varchar` in contracts and seed column_types:
    the committed data contract says `varchar` too); Spark spells text `string` and refuses a `varchar` without a
    length. Casts in models write `string_type()`; on Spark each declared type passes through `spark_data_type`
    where dbt turns it into SQL: the empty query a contract is compared against, and a seed's create table. -#}

{% macro string_type() -%}
    {{ return(adapter.dispatch('string_type', 'digital_city')()) }}
{%- endmacro %}

{% macro duckdb__string_type() -%}
    varchar
{%- endmacro %}

{% macro postgres__string_type() -%}
    varchar
{%- endmacro %}

{% macro spark__string_type() -%}
    string
{%- endmacro %}

{% macro spark_data_type(declared) -%}
    {{ return(spark__string_type() if declared | trim | lower in ('varchar', 'text') else declared) }}
{%- endmacro %}

{#- dbt's default, with each contract type spelled for Spark. -#}
{% macro spark__get_empty_schema_sql(columns) -%}
    {%- set spelled = {} -%}
    {%- for name, column in columns.items() -%}
        {%- set copy = column.copy() if column is mapping else column.to_dict() -%}
        {%- if copy.get('data_type') -%}
            {%- do copy.update({'data_type': spark_data_type(copy['data_type'])}) -%}
        {%- endif -%}
        {%- do spelled.update({name: copy}) -%}
    {%- endfor -%}
    {{ return(default__get_empty_schema_sql(spelled)) }}
{%- endmacro %}

{#- dbt-spark 1.11.0's seed macros, copied with one change: each column_types entry spelled for Spark. -#}
{% macro spark__create_csv_table(model, agate_table) %}
  {%- set column_override = model['config'].get('column_types', {}) -%}
  {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}

  {% set sql %}
    create table {{ this.render() }} (
        {%- for col_name in agate_table.column_names -%}
            {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
            {%- set type = spark_data_type(column_override.get(col_name, inferred_type)) -%}
            {%- set column_name = (col_name | string) -%}
            {{ adapter.quote_seed_column(column_name, quote_seed_column) }} {{ type }} {%- if not loop.last -%}, {%- endif -%}
        {%- endfor -%}
    )
    {{ file_format_clause() }}
    {{ partition_cols(label="partitioned by") }}
    {{ clustered_cols(label="clustered by") }}
    {{ location_clause() }}
    {{ comment_clause() }}
  {% endset %}

  {% call statement('_') -%}
    {{ sql }}
  {%- endcall %}

  {{ return(sql) }}
{% endmacro %}

{#- dbt-spark's session method pastes each value into the SQL as '<value>' with nothing escaped: a quote in the
    text breaks the statement, and an empty cell arrives as the text 'None'. Here each value is a literal of its own:
    null, true/false, or text with backslash and quote escaped (Spark's string literals), cast to the column's type. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
  {%- set column_override = model['config'].get('column_types', {}) -%}
  {%- set types = [] -%}
  {%- for col_name in agate_table.column_names -%}
      {%- do types.append(spark_data_type(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)))) -%}
  {%- endfor -%}
  {%- set statements = [] -%}
  {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
      {%- set sql -%}
          insert into {{ this.render() }} values
          {% for row in chunk -%}
              ({%- for value in row -%}
                  cast({{ spark_literal(value) }} as {{ types[loop.index0] }}){{ ", " if not loop.last }}
              {%- endfor -%}){{ "," if not loop.last }}
          {% endfor %}
      {%- endset -%}
      {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
      {%- if loop.first -%}
          {%- do statements.append(sql) -%}
      {%- endif -%}
  {%- endfor -%}
  {{ return(statements[0]) }}
{% endmacro %}

{% macro spark_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is sameas true or value is sameas false -%}
        {{ 'true' if value else 'false' }}
    {%- else -%}
        '{{ (value.isoformat() if value.isoformat is defined else value | string) | replace('\\', '\\\\') | replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}
