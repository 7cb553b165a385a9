"""Build the reference seeds (seeds/reference/ref_*.csv) from the external data sets in ../shared/data/external.

Re-runnable and deterministic: the same inputs give byte-identical CSVs (UTF-8, no BOM, LF line endings, rows in a
fixed order). The dbt build reads only the CSVs this script writes; it never needs this script or ../shared.

    python3 scripts/build_reference_seeds.py                      # default paths
    python3 scripts/build_reference_seeds.py --external DIR --out DIR

Standard library only. Every rule below is documented in the seeds' yml files (seeds/reference/ref_*.yml); the script stops
with an error when an input breaks an assumption the rules rely on (an unmatched name suffix, a crosswalk code that
does not resolve, a row count that moved), so a new data vintage cannot change the seeds silently.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EXTERNAL = ROOT.parent / "shared" / "data" / "external"
DEFAULT_OUT = ROOT / "seeds" / "reference"

# Province-level municipalities (直辖市): their prefecture-level row is the placeholder 市辖区 upstream.
MUNICIPALITY_PROVINCES = {"11", "12", "31", "50"}

# Ethnonyms that stand before 自治州 / 自治区 in division names, with or without 族
# (博尔塔拉蒙古自治州, 伊犁哈萨克自治州 and 新疆维吾尔自治区 carry no 族).
ETHNONYMS = (
    "朝鲜|土家|苗|藏|羌|彝|布依|侗|壮|哈尼|傣|景颇|傈僳|白|回|蒙古|柯尔克孜|哈萨克|维吾尔"
)
TRAILING_ETHNONYMS = {
    # 自治州: 族 optional (博尔塔拉蒙古自治州 -> 博尔塔拉).
    "自治州": re.compile(f"(?:(?:{ETHNONYMS})族?)+$"),
    # 自治区: only ethnonyms written with 族, plus 维吾尔, so 内蒙古 (Inner Mongolia) keeps its 蒙古.
    "自治区": re.compile(f"(?:(?:{ETHNONYMS})族|维吾尔)+$"),
}

# Prefecture-tier level from the name suffix, first match wins.
PREFECTURE_SUFFIX_LEVELS = (
    ("直辖县级行政区划", "county_group", ""),
    ("自治州", "autonomous_prefecture", "自治州"),
    ("地区", "region", "地区"),
    ("盟", "league", "盟"),
    ("市", "prefecture_city", "市"),
)

# Broadband China member file: (programme_code, batch_no) -> program_key of seeds/report/report_pilot_programs.csv.
BROADBAND_PROGRAM_KEYS = {
    ("broadband_china_demo_city", "1"): "broadband_china_b1",
    ("broadband_china_demo_city", "2"): "broadband_china_b2",
    ("broadband_china_demo_city", "3"): "broadband_china_b3",
}

CENSUS_FILE = "city-census-2010-2020/census_city_2010-2020_v1_nogeom.csv"
MEMBERS_FILE = "broadband-china-cities/broadband_china_demo_cities_2014_2016.csv"
CROSSWALK_FILE = "broadband-china-cities/broadband_china_entity_to_prefecture.csv"
FX_FILE = "fx-cny-usd/cny_per_usd_2018_2023.csv"
# Licenses that ask for their notice to travel with the data (MIT). WTFPL and ODC-PDDL ask for nothing.
LICENSE_COPIES = {"city-census-2010-2020/LICENSE": "licenses/LICENSE-census-city-2010-2020-MIT.txt"}

EXPECTED_MEMBERS = 117
EXPECTED_CROSSWALK = 119


class SeedError(Exception):
    """An input broke an assumption of the rules."""


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{key: (value or "").strip() for key, value in row.items()} for row in csv.DictReader(handle)]


def to_csv(header: list[str], rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def strip_suffix(name: str, suffix: str) -> str:
    return name[: -len(suffix)] if suffix and name.endswith(suffix) else name


def short_name(name: str, suffix: str) -> str:
    """Drop the administrative suffix, then (autonomous units) the ethnonyms before it: 延边朝鲜族自治州 -> 延边."""
    short = strip_suffix(name, suffix)
    if suffix in TRAILING_ETHNONYMS:
        short = TRAILING_ETHNONYMS[suffix].sub("", short)
    if len(short) < 2:
        raise SeedError(f"short name of {name!r} would be {short!r}")
    return short


def province_rows(provinces: list[dict[str, str]]) -> list[list[object]]:
    rows = []
    for province in provinces:
        code2, name = province["code"], province["name"]
        if code2 in MUNICIPALITY_PROVINCES:
            level, suffix = "municipality", "市"
        elif name.endswith("自治区"):
            level, suffix = "autonomous_region", "自治区"
        elif name.endswith("省"):
            level, suffix = "province", "省"
        else:
            raise SeedError(f"province {code2} {name!r}: no level rule matches")
        code = int(code2) * 10000
        rows.append([code, "province", level, code, name, short_name(name, suffix)])
    return rows


def prefecture_rows(
    cities: list[dict[str, str]], province_names: dict[str, str], needed_codes: set[int]
) -> list[list[object]]:
    rows = []
    for city in cities:
        code = int(city["code"] + "00")
        province_code = int(city["provinceCode"]) * 10000
        name = city["name"]
        if city["provinceCode"] in MUNICIPALITY_PROVINCES:
            if name == "市辖区":
                name = province_names[city["provinceCode"]]
                rows.append([code, "prefecture", "municipality", province_code, name, short_name(name, "市")])
            elif code not in needed_codes:
                continue  # 重庆 县 (500200): the counties are inside the municipality row 500100.
            else:
                raise SeedError(f"{code} {name!r} is needed by the crosswalk but is a municipality placeholder")
            continue
        level, suffix = next(
            ((lvl, sfx) for key, lvl, sfx in PREFECTURE_SUFFIX_LEVELS if name.endswith(key)), (None, None)
        )
        if level is None:
            raise SeedError(f"prefecture {code} {name!r}: no level rule matches")
        if level == "county_group" and code not in needed_codes:
            continue  # placeholder (省直辖县级行政区划) not referenced by any crosswalk row
        short = name if level == "county_group" else short_name(name, suffix)
        rows.append([code, "prefecture", level, province_code, name, short])
    return rows


def build_divisions(external: Path, needed_codes: set[int]) -> tuple[str, dict[int, list[object]]]:
    provinces = read_csv(external / "admin-divisions" / "provinces.csv")
    cities = read_csv(external / "admin-divisions" / "cities.csv")
    if len(provinces) != 31:
        raise SeedError(f"expected 31 provinces, found {len(provinces)}")
    province_names = {p["code"]: p["name"] for p in provinces}
    rows = province_rows(provinces) + prefecture_rows(cities, province_names, needed_codes)
    rows.sort(key=lambda row: row[0])
    codes = [row[0] for row in rows]
    if len(codes) != len(set(codes)):
        raise SeedError("duplicate division codes")
    prefecture_shorts = Counter(row[5] for row in rows if row[1] == "prefecture")
    duplicated = [name for name, count in prefecture_shorts.items() if count > 1]
    if duplicated:
        raise SeedError(f"prefecture short names not unique: {duplicated}")
    header = ["division_code", "division_tier", "division_level", "province_code", "division_name_zh",
              "division_short_name_zh"]
    return to_csv(header, rows), {row[0]: row for row in rows}


def build_census(external: Path, prefecture_codes: set[int]) -> str:
    rows = []
    for record in read_csv(external / CENSUS_FILE):
        code = int(record["city_code"])
        # Kept: prefecture-level units that ref_divisions holds and whose 2020 population is published.
        # Dropped: Hong Kong and Macao (810000, 820000), the 20 province-administered county-level units, and the
        # 10 XPCC cities with a blank popu_2020 (all of them county-level, 6590xx).
        if code not in prefecture_codes or not record["popu_2020"]:
            continue
        rows.append([
            code,
            int(record["popu_2020"]),
            int(record["popu_urban_2020"]) if record["popu_urban_2020"] else "",
            record["age_0_14_2020"],
            record["age_15_59_2020"],
            record["age_60_2020"],
            record["age_65_2020"],
        ])
    rows.sort(key=lambda row: row[0])
    header = ["city_code", "population_2020", "urban_population_2020", "age_0_14_pct_2020",
              "age_15_59_pct_2020", "age_60_plus_pct_2020", "age_65_plus_pct_2020"]
    return to_csv(header, rows)


def build_fx(external: Path) -> str:
    rows = []
    for record in read_csv(external / FX_FILE):
        if record["Country"] != "China":
            raise SeedError(f"unexpected country {record['Country']!r} in {FX_FILE}")
        rows.append([int(record["Date"][:4]), f"{float(record['Exchange rate']):.4f}"])
    rows.sort()
    if [row[0] for row in rows] != list(range(2018, 2024)):
        raise SeedError(f"expected years 2018-2023, found {[row[0] for row in rows]}")
    return to_csv(["year", "cny_per_usd"], rows)


def build_members(external: Path, province_names: set[str]) -> tuple[str, dict[tuple[str, str], str]]:
    """Returns the CSV and {(designation_year, entity_name): program_key} for keying the crosswalk."""
    records = read_csv(external / MEMBERS_FILE)
    if len(records) != EXPECTED_MEMBERS:
        raise SeedError(f"expected {EXPECTED_MEMBERS} member rows, found {len(records)}")
    rows, keys = [], {}
    for record in records:
        program_key = BROADBAND_PROGRAM_KEYS[(record["programme_code"], record["batch_no"])]
        year_and_name = (record["designation_year"], record["entity_name"])
        if year_and_name in keys:
            raise SeedError(f"duplicate member {year_and_name}")
        keys[year_and_name] = program_key
        if record["province"] not in province_names:
            raise SeedError(f"member {year_and_name}: province {record['province']!r} is not a province name")
        rows.append([
            program_key,
            int(record["designation_year"]),
            record["announce_date"],
            int(record["list_order"]),
            record["entity_name"],
            record["entity_type"],
            record["province"],
            record["source_url"],
            record["note"],
        ])
    rows.sort(key=lambda row: (row[0], row[3]))
    header = ["program_key", "designation_year", "announce_date", "list_order", "entity_name", "entity_type",
              "province_name_zh", "source_url", "note"]
    return to_csv(header, rows), keys


def crosswalk_records(external: Path) -> list[dict[str, str]]:
    records = read_csv(external / CROSSWALK_FILE)
    if len(records) != EXPECTED_CROSSWALK:
        raise SeedError(f"expected {EXPECTED_CROSSWALK} crosswalk rows, found {len(records)}")
    return records


def build_crosswalk(
    records: list[dict[str, str]], member_keys: dict[tuple[str, str], str], divisions: dict[int, list[object]]
) -> str:
    rows = []
    for record in records:
        year_and_name = (record["designation_year"], record["entity_name"])
        if year_and_name not in member_keys:
            raise SeedError(f"crosswalk entity {year_and_name} is not in the member list")
        code = int(record["prefecture_code"])
        division = divisions.get(code)
        if division is None or division[1] != "prefecture":
            raise SeedError(f"crosswalk code {code} ({record['prefecture_name']}) does not resolve to a prefecture")
        if division[4] != record["prefecture_name"]:
            raise SeedError(f"crosswalk name {record['prefecture_name']!r} != division name {division[4]!r}")
        rows.append([member_keys[year_and_name], record["entity_name"], code, record["mapping"]])
    unmapped = set(member_keys) - {(r["designation_year"], r["entity_name"]) for r in records}
    if unmapped:
        raise SeedError(f"members without a crosswalk row: {sorted(unmapped)}")
    rows.sort(key=lambda row: (row[0], row[1], row[2]))
    return to_csv(["program_key", "entity_name", "prefecture_code", "mapping"], rows)


def build_all(external: Path) -> dict[str, str]:
    crosswalk = crosswalk_records(external)
    needed_codes = {int(record["prefecture_code"]) for record in crosswalk}
    divisions_csv, divisions = build_divisions(external, needed_codes)
    prefecture_codes = {code for code, row in divisions.items() if row[1] == "prefecture"}
    province_names = {str(row[4]) for row in divisions.values() if row[1] == "province"}
    members_csv, member_keys = build_members(external, province_names)
    outputs = {
        "ref_divisions.csv": divisions_csv,
        "ref_census_2020_city.csv": build_census(external, prefecture_codes),
        "ref_fx_cny_per_usd.csv": build_fx(external),
        "ref_pilot_program_members.csv": members_csv,
        "ref_member_entity_prefectures.csv": build_crosswalk(crosswalk, member_keys, divisions),
    }
    for source, target in LICENSE_COPIES.items():
        outputs[target] = (external / source).read_text(encoding="utf-8")
    return outputs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--external", type=Path, default=DEFAULT_EXTERNAL)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    try:
        outputs = build_all(args.external)
    except (SeedError, KeyError, ValueError) as error:
        print(f"build_reference_seeds: {error}", file=sys.stderr)
        return 1
    for name, text in outputs.items():
        target = args.out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="")
        if name.endswith(".csv"):
            print(f"{name}: {text.count(chr(10)) - 1} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
