"""dbt's cross-database macros (`{{ dbt.type_string() }}` …) for sqlfluff's jinja templater, which has no adapter.

SQL is linted as the DuckDB build renders it (.sqlfluff: dialect duckdb), so each returns DuckDB's rendering.
"""


def type_string() -> str:
    return "varchar"


def position(substring_text: str, string_text: str) -> str:
    return f"position({substring_text} in {string_text})"
