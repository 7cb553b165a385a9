"""A small fixed dbt project that `make bench` generates and times beside the warehouse.

Timings from different days and machines differ by more than the changes they are meant to show; the same run
timing this reference project too turns them into ratios (warehouse / reference) that do compare. The project is
generated, never edited: 3 seeds, 4 models and 9 data tests on DuckDB, with deterministic rows, so its cost only
changes when dbt, dbt-duckdb or DuckDB do (their versions are printed with the figures).
"""

from __future__ import annotations

import csv
from pathlib import Path

CUSTOMERS = 200
ORDERS = 2_000

DBT_PROJECT = """\
name: bench_reference
version: "1.0.0"
config-version: 2
profile: bench_reference
models:
  bench_reference:
    staging:
      +materialized: view
    marts:
      +materialized: table
"""

PROFILES = """\
bench_reference:
  target: bench
  outputs:
    bench:
      type: duckdb
      path: "{{ env_var('BENCH_REFERENCE_DB') }}"
      threads: 1
"""

MODELS = {
    "staging/stg_customers.sql": "select customer_id, trim(name) as customer_name, region from {{ ref('customers') }}\n",
    "staging/stg_orders.sql": (
        "select order_id, customer_id, cast(ordered_on as date) as ordered_on, amount_cents / 100.0 as amount\n"
        "from {{ ref('orders') }}\n"
    ),
    "staging/stg_regions.sql": "select region, region_name from {{ ref('regions') }}\n",
    "marts/customer_orders.sql": (
        "with orders as (select * from {{ ref('stg_orders') }}),\n"
        "customers as (select * from {{ ref('stg_customers') }}),\n"
        "regions as (select * from {{ ref('stg_regions') }})\n"
        "select customers.customer_id, customers.customer_name, regions.region_name,\n"
        "    count(orders.order_id) as order_count, coalesce(sum(orders.amount), 0) as total_amount\n"
        "from customers\n"
        "left join orders on orders.customer_id = customers.customer_id\n"
        "left join regions on regions.region = customers.region\n"
        "group by all\n"
    ),
}

SCHEMA = """\
version: 2
models:
  - name: stg_customers
    columns:
      - name: customer_id
        data_tests: [unique, not_null]
  - name: stg_orders
    columns:
      - name: order_id
        data_tests: [unique, not_null]
      - name: customer_id
        data_tests:
          - relationships:
              arguments: {to: ref('stg_customers'), field: customer_id}
  - name: stg_regions
    columns:
      - name: region
        data_tests: [unique, not_null]
  - name: customer_orders
    columns:
      - name: customer_id
        data_tests: [unique, not_null]
"""

REGIONS = [("n", "north"), ("s", "south"), ("e", "east"), ("w", "west")]


def write_reference_project(directory: Path) -> int:
    """Write the project into directory and return its node count (seeds + models + data tests)."""
    (directory / "seeds").mkdir(parents=True)
    (directory / "models" / "staging").mkdir(parents=True)
    (directory / "models" / "marts").mkdir(parents=True)
    (directory / "dbt_project.yml").write_text(DBT_PROJECT, encoding="utf-8")
    (directory / "profiles.yml").write_text(PROFILES, encoding="utf-8")
    for relative, sql in MODELS.items():
        (directory / "models" / relative).write_text(sql, encoding="utf-8")
    (directory / "models" / "schema.yml").write_text(SCHEMA, encoding="utf-8")
    write_csv(directory / "seeds" / "regions.csv", ["region", "region_name"], REGIONS)
    write_csv(directory / "seeds" / "customers.csv", ["customer_id", "name", "region"],
              [(i, f" customer {i} ", REGIONS[i % len(REGIONS)][0]) for i in range(1, CUSTOMERS + 1)])
    write_csv(directory / "seeds" / "orders.csv", ["order_id", "customer_id", "ordered_on", "amount_cents"],
              [(i, 1 + (i * 7) % CUSTOMERS, f"2020-{1 + i % 12:02d}-{1 + i % 28:02d}", (i * 37) % 10_000)
               for i in range(1, ORDERS + 1)])
    return 3 + len(MODELS) + SCHEMA.count("unique") + SCHEMA.count("not_null") + SCHEMA.count("relationships")


def write_csv(path: Path, header: list[str], rows: list[tuple[object, ...]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
