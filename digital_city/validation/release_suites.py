"""What a consumer receives, checked before a release is switched in: the suites Great Expectations runs.

dbt tests every model inside the work database, one model at a time. These suites check what dbt cannot see,
because it exists only once the release is written or only across marts and files:

- files:        every Parquet file holds the same rows as its DuckDB table (count and a checksum over every
                column of every row), with the same columns and types, and the manifest says so too;
- release_info: the `meta.release_info` row inside the database matches the release's manifest.json;
- designations: every mart and every Parquet file that carries the pilot designations adds them up to the 749 of
                the report's table, and no two disagree;
- market:       the market endpoints the report prints (200 and 389 亿美元) arrive unchanged in the USD column of
                the file and the database, and every CNY value is its USD value times that year's rate;
- city keys:    every city (and province) code in a fact file exists in the dim_city file.

Each suite is declared as data: a frame built from the staged release, and the expectations run on it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from digital_city.publishing.layout import DATABASE_FILE, MART_SCHEMA, published_relations

# The report's pilot table (section 目前全国试点城市数量已超过700个) lists 13 programmes whose counts add up to this.
REPORT_DESIGNATIONS = 749
# What the report prints for IDC's core technology investment: "2018年200亿美元", "2023年预期389亿美元".
PRINTED_CORE_USD = {2018: Decimal("20000000000.00"), 2023: Decimal("38900000000.00")}
CORE_MEASURE = "core_tech_investment"


@dataclass(frozen=True)
class Expectation:
    kind: str  # a Great Expectations expectation class, e.g. "ExpectColumnPairValuesToBeEqual"
    kwargs: dict[str, Any]
    why: str  # what a failure means, for the person reading it


class StagedRelease:
    """Read access to a staged release: its database attached read-only, its Parquet files and its manifest."""

    def __init__(self, directory: Path, manifest: dict[str, Any]) -> None:
        self.directory = directory
        self.manifest = manifest
        self.con = duckdb.connect()
        self.con.execute(f"attach '{directory / DATABASE_FILE}' as release (read_only)")

    def close(self) -> None:
        self.con.close()

    def parquet(self, mart: str) -> str:
        return str(self.directory / "parquet" / f"{mart}.parquet")

    def sources(self, mart: str) -> list[tuple[str, str]]:
        """The two ways a consumer reads a mart: (label, SQL relation) for the database table and the file."""
        return [
            (f"database marts.{mart}", f"release.{MART_SCHEMA}.{mart}"),
            (f"parquet/{mart}.parquet", f"read_parquet('{self.parquet(mart)}')"),
        ]

    def frame(self, sql: str, parameters: list[Any] | None = None) -> pd.DataFrame:
        return self.con.execute(sql, parameters or []).df()

    def database_marts(self) -> list[str]:
        return published_relations(self.con.execute(
            "select table_name, table_type from information_schema.tables where table_catalog = 'release' "
            "and table_schema = ? order by 1",
            [MART_SCHEMA],
        ).fetchall())


@dataclass(frozen=True)
class ReleaseSuite:
    name: str
    description: str
    frame: Callable[[StagedRelease], pd.DataFrame]
    expectations: Callable[[StagedRelease], list[Expectation]]


def _columns_json(release: StagedRelease, relation: str) -> str:
    described = release.con.execute(f"select column_name, column_type from (describe select * from {relation})")
    return json.dumps(described.fetchall(), ensure_ascii=False)


def files_frame(release: StagedRelease) -> pd.DataFrame:
    manifest_tables = {t["name"]: t for t in release.manifest["tables"]}
    rows = []
    for mart in sorted(set(manifest_tables) | set(release.database_marts())):
        table = manifest_tables.get(mart)
        (database, _), (parquet, _) = release.sources(mart)
        row: dict[str, Any] = {"mart": mart}
        row["manifest_rows"] = table["row_count"] if table else None
        row["manifest_columns"] = (
            json.dumps([[c["name"], c["type"]] for c in table["columns"]], ensure_ascii=False) if table else None
        )
        for side, relation in zip(("db", "parquet"), (r for _, r in release.sources(mart)), strict=True):
            try:
                count, checksum = release.con.execute(f"select count(*), sum(hash(t)) from {relation} as t").fetchone()
                row[f"{side}_rows"], row[f"{side}_checksum"] = count, str(checksum)
                row[f"{side}_columns"] = _columns_json(release, relation)
            except duckdb.Error as error:
                row[f"{side}_rows"] = row[f"{side}_checksum"] = None
                row[f"{side}_columns"] = f"unreadable: {str(error).splitlines()[0]}"
        rows.append(row)
    return pd.DataFrame(rows)


def files_expectations(release: StagedRelease) -> list[Expectation]:
    pairs = [
        ("db_rows", "parquet_rows", "the Parquet file has a different number of rows than the database table"),
        ("db_checksum", "parquet_checksum", "the Parquet file's content differs from the database table's"),
        ("db_columns", "parquet_columns", "the Parquet file's columns or types differ from the database table's"),
        ("manifest_rows", "db_rows", "manifest.json states a row count the database does not have"),
        ("manifest_columns", "db_columns", "manifest.json states columns the database table does not have"),
    ]
    return [
        Expectation("ExpectColumnValuesToNotBeNull", {"column": "manifest_rows"},
                    "a mart of the database is missing from manifest.json (or the other way round)"),
        Expectation("ExpectColumnValuesToNotBeNull", {"column": "parquet_rows"},
                    "a mart has no readable Parquet file"),
        *[Expectation("ExpectColumnPairValuesToBeEqual", {"column_A": a, "column_B": b}, why) for a, b, why in pairs],
    ]


def release_info_frame(release: StagedRelease) -> pd.DataFrame:
    cursor = release.con.execute("select * from release.meta.release_info")
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    frame = [{"field": "row count", "in_database": str(len(rows)), "in_manifest": "1"}]
    values = dict(zip(names, rows[0], strict=True)) if rows else {}
    for name in names:
        value = values.get(name)
        shown = value.isoformat() if hasattr(value, "isoformat") else value
        in_manifest = release.manifest.get(name, "<missing from manifest.json>")
        frame.append({"field": name, "in_database": json.dumps(shown), "in_manifest": json.dumps(in_manifest)})
    return pd.DataFrame(frame)


def release_info_expectations(release: StagedRelease) -> list[Expectation]:
    return [
        Expectation("ExpectColumnPairValuesToBeEqual", {"column_A": "in_database", "column_B": "in_manifest"},
                    "meta.release_info inside the database disagrees with the release's manifest.json"),
        Expectation("ExpectColumnValuesToBeInSet", {"column": "field", "value_set": ["row count", "release_id",
                    "previous_release_id", "source_commit", "source_dirty", "built_at", "dbt_version",
                    "duckdb_version", "storage_version", "seeds_sha256"]},
                    "meta.release_info has a column the manifest does not describe"),
        Expectation("ExpectTableRowCountToEqual", {"value": 10}, "meta.release_info lost a column"),
    ]


# (mart, SQL aggregate over it, what it is): every place a consumer can read the designations total from.
DESIGNATION_TOTALS = [
    ("dim_pilot_program", "sum(designation_count)", "sum of designation_count"),
    ("fct_pilot_designations", "sum(designation_count)", "sum of designation_count"),
    ("fct_pilot_designations", "max(running_designations)", "final running total"),
    ("fct_pilot_designations", "max(all_designations)", "all_designations"),
    ("fct_pilot_designations", "min(all_designations)", "all_designations"),
    ("fct_report_claim_checks", "max(recomputed_value) filter (where claim_key = 'pilots_over_700')",
     "claim pilots_over_700, recomputed"),
]


def designations_frame(release: StagedRelease) -> pd.DataFrame:
    rows = []
    for mart, aggregate, what in DESIGNATION_TOTALS:
        for label, relation in release.sources(mart):
            (total,) = release.con.execute(f"select {aggregate} from {relation}").fetchone()
            rows.append({"source": f"{label}: {what}", "designations": None if total is None else int(total)})
    return pd.DataFrame(rows)


def designations_expectations(_release: StagedRelease) -> list[Expectation]:
    return [
        Expectation("ExpectColumnDistinctValuesToEqualSet",
                    {"column": "designations", "value_set": [REPORT_DESIGNATIONS]},
                    f"a mart or file no longer adds the pilot designations up to the report's {REPORT_DESIGNATIONS}"),
        Expectation("ExpectTableRowCountToEqual", {"value": 2 * len(DESIGNATION_TOTALS)},
                    "a place that carries the designations total was not read"),
    ]


def market_endpoints_frame(release: StagedRelease) -> pd.DataFrame:
    frames = [
        release.frame(
            f"select ? as source, market_year, value_usd from {relation} "
            "where measure_code = ? and market_year in (select unnest(?))",
            [label, CORE_MEASURE, list(PRINTED_CORE_USD)],
        )
        for label, relation in release.sources("fct_market_size")
    ]
    endpoints = pd.concat(frames, ignore_index=True)
    endpoints["printed_usd"] = endpoints["market_year"].map(PRINTED_CORE_USD)
    return endpoints


def market_endpoints_expectations(_release: StagedRelease) -> list[Expectation]:
    return [
        Expectation("ExpectColumnPairValuesToBeEqual", {"column_A": "value_usd", "column_B": "printed_usd"},
                    "a core-investment endpoint differs from what the report prints: 200 亿美元 (2018), 389 亿美元 (2023)"),
        Expectation("ExpectTableRowCountToEqual", {"value": 2 * len(PRINTED_CORE_USD)},
                    "an endpoint is missing from the database table or the Parquet file, or appears twice"),
    ]


def market_currency_frame(release: StagedRelease) -> pd.DataFrame:
    frames = [
        release.frame(
            f"select ? as source, market_size_key, value_cny, round(value_usd * cny_per_usd, 2) as value_usd_times_rate "
            f"from {relation} where value_usd is not null",
            [label],
        )
        for label, relation in release.sources("fct_market_size")
    ]
    return pd.concat(frames, ignore_index=True)


def market_currency_expectations(_release: StagedRelease) -> list[Expectation]:
    return [
        Expectation("ExpectColumnPairValuesToBeEqual", {"column_A": "value_cny", "column_B": "value_usd_times_rate"},
                    "a CNY value is not its USD value times that year's CNY/USD rate"),
    ]


def fact_files_with(release: StagedRelease, column: str) -> list[str]:
    return [
        t["name"] for t in release.manifest["tables"]
        if t["name"].startswith("fct_") and any(c["name"] == column for c in t["columns"])
    ]


def city_keys_frame(release: StagedRelease) -> pd.DataFrame:
    """One row per code in a fact file; a city code fills `city_code`, a province code `province_code`."""
    frames = []
    for column in ("city_code", "province_code"):
        for mart in fact_files_with(release, column):
            frames.append(release.frame(
                f"select ? as file, {column} from read_parquet('{release.parquet(mart)}') where {column} is not null",
                [f"parquet/{mart}.parquet"],
            ))
    return pd.concat(frames, ignore_index=True).astype({"city_code": "Int64", "province_code": "Int64"})


def city_keys_expectations(release: StagedRelease) -> list[Expectation]:
    dim_city = f"read_parquet('{release.parquet('dim_city')}')"
    cities, provinces = (
        sorted(int(code) for (code,) in release.con.execute(f"select distinct {column} from {dim_city}").fetchall())
        for column in ("city_code", "province_code")
    )
    return [
        Expectation("ExpectColumnValuesToBeInSet", {"column": "city_code", "value_set": cities},
                    "a fact file names a city_code the dim_city file does not have"),
        Expectation("ExpectColumnValuesToBeInSet", {"column": "province_code", "value_set": provinces},
                    "a fact file names a province_code the dim_city file does not have"),
    ]


SUITES: list[ReleaseSuite] = [
    ReleaseSuite("files", "Parquet files against their database tables and the manifest", files_frame,
                 files_expectations),
    ReleaseSuite("release_info", "meta.release_info against manifest.json", release_info_frame,
                 release_info_expectations),
    ReleaseSuite("designations", f"every designations total in marts and files is the report's {REPORT_DESIGNATIONS}",
                 designations_frame, designations_expectations),
    ReleaseSuite("market_endpoints", "the printed IDC endpoints in the database and the file",
                 market_endpoints_frame, market_endpoints_expectations),
    ReleaseSuite("market_currency", "CNY = USD x the year's rate, in the database and the file",
                 market_currency_frame, market_currency_expectations),
    ReleaseSuite("city_keys", "city and province codes of the fact files exist in the dim_city file",
                 city_keys_frame, city_keys_expectations),
]
