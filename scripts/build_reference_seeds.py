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

# The two 2013 lists (read each folder's PROVENANCE.txt). Their entity -> prefecture crosswalk is this project's own,
# built below by rules; every name the rules cannot resolve must be in one of the explicit tables, or the script stops.
TECH_STANDARDS_FILE = "smart-city-tech-standards-pilots-2013/smart_city_tech_standards_pilots_2013.csv"
TECH_STANDARDS_KEY = "most_smart_city_demo"
EXPECTED_TECH_STANDARDS = 20
CLOUD_FILE = "cloud-egov-platform-pilots-2013/cloud_egov_platform_pilots_2013_partial.csv"
CLOUD_KEY = "cloud_egov_pilot"
EXPECTED_CLOUD = 49
# The cloud list's city/county/district groups, as printed (traditional characters) -> province name.
CLOUD_GROUP_PROVINCES = {"1.北京市": "北京市", "2.內蒙古自治區": "内蒙古自治区", "3.安徽省": "安徽省", "4.福建省": "福建省"}
# Entities that are no division of the current codes: (prefecture name, entity_type, note).
ENTITY_OVERRIDES = {
    "杨凌示范区": ("咸阳市", "national_zone",
              "杨凌农业高新技术产业示范区, a national zone inside 咸阳市; mapped to 咸阳市 as a sub-unit"),
    "武夷山市": ("南平市", "county_level_city", None),
    "建阳市": ("南平市", "county_level_city", None),
}
# Names of the list that are no longer in the current division codes: kept as printed, flagged, mapped to the
# prefecture they lay in.
HISTORICAL_NAMES = {
    "三明市梅列区": "historical name: 梅列区 was merged into 三元区 in 2021 (三明市)",
    "建阳市": "historical name: 建阳市 became 南平市建阳区 in 2014",
}
SUBUNIT_TYPES = (("区", "municipal_district"), ("县", "county"), ("市", "county_level_city"))

# One row per programme with a member list: provenance of the list (seeds/reference/ref_pilot_member_lists.csv).
BROADBAND_ORIGIN = (
    "this project's transcription (shared data broadband-china-cities) of the policy list in "
    "github.com/axcelchan583-hash/T10ababaababab (data/external_proxy/policy_seed_lists_20260527.csv, commit "
    "a89d6388a0f3b19f1926ca6e21185eee2e12e8ad) of the official MIIT/NDRC announcements (source_url per row)"
)
BROADBAND_LICENSE = "public fact list (official announcements); the transcribed repository states no license"
MEMBER_LISTS = {
    "broadband_china_b1": (BROADBAND_ORIGIN, BROADBAND_LICENSE, "announced 2014-09-26", "complete"),
    "broadband_china_b2": (BROADBAND_ORIGIN, BROADBAND_LICENSE, "announced 2015-10-19", "complete"),
    "broadband_china_b3": (BROADBAND_ORIGIN, BROADBAND_LICENSE, "announced 2016-07-22 (some news says 07-25)",
                           "complete"),
    TECH_STANDARDS_KEY: (
        "this project's transcription (shared data smart-city-tech-standards-pilots-2013) of 中国智慧城市网, "
        "20城市入选科技部和国标委智慧城市试点, 2013-10-09 (http://cnscn.com.cn/news/show-htm-itemid-6250.html); notice "
        "国科办高〔2013〕52号, whose own list text was not available",
        "public fact list; the news page states no license",
        "designations of 2013 (announced September-October 2013)",
        "complete",
    ),
    CLOUD_KEY: (
        "this project's transcription (shared data cloud-egov-platform-pilots-2013) of a 中国IDC圈 report of "
        "2013-09-13 reprinted at http://m.qzkangyuan.com/cnidc/cloud/zgy/3122.html (its text stops inside the 福建 "
        "group) and of http://fyzhizao.com/news/24130.htm (the 15 福建 entries)",
        "public fact list; the pages state no license",
        "designations announced 2013-09-12/13",
        "partial",
    ),
}


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


MEMBER_HEADER = ["program_key", "designation_year", "announce_date", "list_order", "entity_name",
                 "entity_name_as_published", "entity_type", "province_name_zh", "historical_name", "source_url", "note"]


def build_members(external: Path, province_names: set[str]) -> tuple[list[list[object]], dict[tuple[str, str], str]]:
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
            record["entity_name"],
            record["entity_type"],
            record["province"],
            "false",
            record["source_url"],
            record["note"],
        ])
    return rows, keys


def crosswalk_records(external: Path) -> list[dict[str, str]]:
    records = read_csv(external / CROSSWALK_FILE)
    if len(records) != EXPECTED_CROSSWALK:
        raise SeedError(f"expected {EXPECTED_CROSSWALK} crosswalk rows, found {len(records)}")
    return records


def build_crosswalk(
    records: list[dict[str, str]], member_keys: dict[tuple[str, str], str], divisions: dict[int, list[object]]
) -> list[list[object]]:
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
    return rows


class Resolver:
    """Entity names of the 2013 lists -> (prefecture row or None, mapping, entity_type, historical note)."""

    def __init__(self, divisions: dict[int, list[object]], areas: list[dict[str, str]]):
        self.divisions = divisions
        prefectures = [row for row in divisions.values() if row[1] == "prefecture"]
        self.by_name = {row[4]: row for row in prefectures if row[2] != "municipality"}
        self.by_short = {row[5]: row for row in prefectures if row[2] != "municipality"}
        self.provinces = {row[4]: row for row in divisions.values() if row[1] == "province"}
        self.municipality_city = {row[3]: row for row in prefectures if row[2] == "municipality"}
        # County-level names per prefecture code, current division codes (areas.csv).
        self.subunits: dict[int, set[str]] = {}
        for area in areas:
            self.subunits.setdefault(int(area["cityCode"] + "00"), set()).add(area["name"])

    def province_name(self, prefecture: list[object]) -> str:
        return str(self.divisions[int(prefecture[3])][4])

    def subunit(self, prefecture: list[object], name: str, rest: str, entity_type: str | None = None):
        entity_type = entity_type or next((kind for suffix, kind in SUBUNIT_TYPES if name.endswith(suffix)), None)
        if entity_type is None:
            raise SeedError(f"{name!r}: no entity type for its suffix")
        historical = HISTORICAL_NAMES.get(name)
        current = rest in self.subunits.get(int(prefecture[0]), set())
        if historical is None and not current and name not in ENTITY_OVERRIDES:
            raise SeedError(f"{name!r}: {rest!r} is no current division of {prefecture[4]} and not listed as historical")
        if historical is not None and current:
            raise SeedError(f"{name!r} is listed as historical but {rest!r} is a current division of {prefecture[4]}")
        return prefecture, "parent_of_subunit", entity_type, historical

    def resolve(self, name: str, province: str | None, provincial_group: bool):
        if name in ENTITY_OVERRIDES:
            prefecture_name, entity_type, _ = ENTITY_OVERRIDES[name]
            return self.subunit(self.by_name[prefecture_name], name, name, entity_type)
        if provincial_group and name in self.provinces:
            row = self.provinces[name]
            if row[2] == "municipality":  # 北京市, 天津市: the municipality row is the same territory.
                return self.municipality_city[row[0]], "exact", "municipality", None
            return None, "province_level", str(row[2]), None
        if name in self.by_name:
            row = self.by_name[name]
            return row, "exact", str(row[2]), None
        if name in self.by_short:
            row = self.by_short[name]
            return row, "exact", str(row[2]), None
        for prefecture_name, row in self.by_name.items():
            if name.startswith(prefecture_name) and len(name) > len(prefecture_name):
                return self.subunit(row, name, name[len(prefecture_name):])
        if province is not None and self.provinces.get(province, [None, None, None])[2] == "municipality":
            return self.subunit(self.municipality_city[self.provinces[province][0]], name, name)
        raise SeedError(f"{name!r}: no rule maps it to a prefecture")


def resolved_rows(program_key: str, order: int, record: dict[str, str], name: str, published: str,
                  province: str | None, provincial_group: bool, resolver: Resolver, source_url: str, note: str):
    prefecture, mapping, entity_type, historical = resolver.resolve(name, province, provincial_group)
    province_name = name if prefecture is None else resolver.province_name(prefecture)
    if province is not None and province != province_name:
        raise SeedError(f"{name!r}: printed province {province!r} but maps into {province_name!r}")
    override_note = ENTITY_OVERRIDES.get(name, (None, None, None))[2]
    notes = [part for part in (note, override_note, historical) if part]
    member = [program_key, int(record["designation_year"]), "", order, name, published, entity_type, province_name,
              "true" if historical else "false", source_url, "; ".join(notes)]
    link = [program_key, name, prefecture[0] if prefecture else "", mapping]
    return member, link


def build_tech_standards(external: Path, resolver: Resolver):
    records = read_csv(external / TECH_STANDARDS_FILE)
    if len(records) != EXPECTED_TECH_STANDARDS:
        raise SeedError(f"expected {EXPECTED_TECH_STANDARDS} rows in {TECH_STANDARDS_FILE}, found {len(records)}")
    members, links = [], []
    for record in records:
        printed_province = record["province_as_published"]
        province = None
        if printed_province:
            matches = [name for name in resolver.provinces if name.startswith(printed_province)]
            if len(matches) != 1:
                raise SeedError(f"printed province {printed_province!r} matches {matches}")
            province = matches[0]
        name = record["entity_name_as_published"]
        member, link = resolved_rows(TECH_STANDARDS_KEY, int(record["list_order"]), record, name, name, province,
                                     False, resolver, record["source_url"], "")
        members.append(member)
        links.append(link)
    return members, links


def build_cloud(external: Path, resolver: Resolver):
    records = read_csv(external / CLOUD_FILE)
    if len(records) != EXPECTED_CLOUD:
        raise SeedError(f"expected {EXPECTED_CLOUD} rows in {CLOUD_FILE}, found {len(records)}")
    members, links = [], []
    for order, record in enumerate(records, start=1):
        provincial = record["list_level"] == "provincial"
        if provincial:
            province, group = None, f"provincial-level group, no. {record['order_in_group']}"
        else:
            group_name = record["province_group_as_published"]
            if group_name not in CLOUD_GROUP_PROVINCES:
                raise SeedError(f"cloud list: unknown province group {group_name!r}")
            province = CLOUD_GROUP_PROVINCES[group_name]
            group = f"group {group_name}, no. {record['order_in_group']}"
        note = "; ".join(part for part in (group, record["note"]) if part)
        member, link = resolved_rows(CLOUD_KEY, order, record, record["entity_name_simplified"],
                                     record["entity_name_as_published"], province, provincial, resolver,
                                     record["source_urls"], note)
        members.append(member)
        links.append(link)
    return members, links


def build_member_lists(members: list[list[object]]) -> str:
    listed = Counter(str(row[0]) for row in members)
    if set(listed) != set(MEMBER_LISTS):
        raise SeedError(f"lists without provenance, or provenance without a list: {set(listed) ^ set(MEMBER_LISTS)}")
    rows = [[key, listed[key], *MEMBER_LISTS[key]] for key in sorted(MEMBER_LISTS)]
    return to_csv(["program_key", "entities_listed", "list_origin", "list_license", "list_vintage", "list_completeness"], rows)


def build_all(external: Path) -> dict[str, str]:
    crosswalk = crosswalk_records(external)
    needed_codes = {int(record["prefecture_code"]) for record in crosswalk}
    divisions_csv, divisions = build_divisions(external, needed_codes)
    prefecture_codes = {code for code, row in divisions.items() if row[1] == "prefecture"}
    province_names = {str(row[4]) for row in divisions.values() if row[1] == "province"}
    members, member_keys = build_members(external, province_names)
    links = build_crosswalk(crosswalk, member_keys, divisions)
    resolver = Resolver(divisions, read_csv(external / "admin-divisions" / "areas.csv"))
    for build in (build_tech_standards, build_cloud):
        more_members, more_links = build(external, resolver)
        members += more_members
        links += more_links
    keys = [(row[0], row[4]) for row in members]
    if len(keys) != len(set(keys)):
        raise SeedError("duplicate (program_key, entity_name) in the member lists")
    members.sort(key=lambda row: (row[0], row[3]))
    links.sort(key=lambda row: (row[0], row[1], str(row[2])))
    outputs = {
        "ref_divisions.csv": divisions_csv,
        "ref_census_2020_city.csv": build_census(external, prefecture_codes),
        "ref_fx_cny_per_usd.csv": build_fx(external),
        "ref_pilot_program_members.csv": to_csv(MEMBER_HEADER, members),
        "ref_member_entity_prefectures.csv": to_csv(["program_key", "entity_name", "prefecture_code", "mapping"], links),
        "ref_pilot_member_lists.csv": build_member_lists(members),
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
