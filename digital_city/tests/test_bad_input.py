"""Bad input never reaches readers: one fault at a time is injected into a seed of a built copy of the project, and
the real pipeline (digital_city.pipeline.build, which `make build` runs) must fail, name the file, line, column and
rule, and leave the published database and Parquet release byte-for-byte unchanged.

Every rule that can be checked on seed rows is the seed check's (digital_city/pipeline/seed_rules.py), so most faults
stop there, before dbt: those cases run the build in this process and cost a seed check, not a dbt start. The few
faults only dbt or Great Expectations can see (a well-formed figure that flips a claim or breaks a total) rebuild the
broken seed's selection on a copy of the good work database, as `python -m digital_city build` in a subprocess.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from digital_city.pipeline import build
from digital_city.project import ROOT
from digital_city.tests.project_copy import (
    PUBLISH_DIR, WORK_DB, BuiltProject, pipeline_env, published_digests, run_pipeline,
)
from digital_city.tests.support import quotes

SEED = "report_pilot_programs"
SEED_CSV = f"seeds/report/{SEED}.csv"
SEED_YML = f"seeds/report/{SEED}.yml"
KEY, COUNT, CODE, NAME = "program_key", "designation_count", "lead_ministry_code", "program_name_zh"
LINE = 3  # the second data row: header is line 1
CENSUS = "seeds/reference/ref_census_2020_city.csv"
MEMBERS = "seeds/reference/ref_pilot_program_members.csv"
LISTS = "seeds/reference/ref_pilot_member_lists.csv"
CROSSWALK = "seeds/reference/ref_member_entity_prefectures.csv"
MENTIONS = "seeds/report/report_city_mentions.csv"
SURVEY = "seeds/report/report_survey_findings.csv"
RANKS = "seeds/report/report_survey_rank_items.csv"
CAMPAIGNS = "seeds/report/report_city_campaigns.csv"
HEADLINES = "seeds/report/report_headline_figures.csv"
MARKET = "seeds/report/report_market_figures.csv"
FOUNDERS = "seeds/report/report_young_founders.csv"
GENERATIONS = "seeds/report/report_generations.csv"
COHORTS = "seeds/lookups/lkp_printed_cohort.csv"
QUALIFIERS = "seeds/lookups/lkp_qualifier.csv"


def read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def line_of(seed_csv: str, column: str, value: str) -> int:
    """The line of the repository's seed row whose `column` is `value` (seed rows are one line each)."""
    rows = read_rows(ROOT / seed_csv)
    lines = [n for n, row in enumerate(rows[1:], start=2) if row[rows[0].index(column)] == value]
    assert len(lines) == 1, f"{seed_csv} has {len(lines)} rows with {column} = {value}"
    return lines[0]


# A mutation edits the project copy (its root): a seed, several seeds, or a seed's yml.
Mutation = Callable[[Path], None]
Cell = str | Callable[[str], str]  # a new value, or how to change the old one


def edit(seed_csv: str, line: int, **cells: Cell) -> Mutation:
    """Set cells of the record on `line` of `seed_csv`."""
    def mutate(root: Path) -> None:
        path = root / seed_csv
        rows = read_rows(path)
        for column, value in cells.items():
            position = rows[0].index(column)
            old = rows[line - 1][position]
            rows[line - 1][position] = value(old) if callable(value) else value
        write_rows(path, rows)

    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(root: Path) -> None:
        for mutation in mutations:
            mutation(root)

    return mutate


def rewrite(seed_file: str, change: Callable[[list[list[str]]], list[list[str]]]) -> Mutation:
    def mutate(root: Path) -> None:
        write_rows(root / seed_file, change(read_rows(root / seed_file)))

    return mutate


def replace_text(file: str, old: str, new: str) -> Mutation:
    def mutate(root: Path) -> None:
        text = (root / file).read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {file}"
        (root / file).write_text(text.replace(old, new, 1), encoding="utf-8")

    return mutate


def rename_header(old: str, new: str) -> Mutation:
    def change(rows: list[list[str]]) -> list[list[str]]:
        rows[0][rows[0].index(old)] = new
        return rows

    return rewrite(SEED_CSV, change)


def swap_columns(a: str, b: str) -> Mutation:
    """A re-ordered export: two columns trade places, header and data alike."""
    def change(rows: list[list[str]]) -> list[list[str]]:
        i, j = rows[0].index(a), rows[0].index(b)
        for row in rows:
            row[i], row[j] = row[j], row[i]
        return rows

    return rewrite(SEED_CSV, change)


def copy_cell_from_line_2(seed_csv: str, column: str) -> Mutation:
    def change(rows: list[list[str]]) -> list[list[str]]:
        position = rows[0].index(column)
        rows[LINE - 1][position] = rows[1][position]
        return rows

    return rewrite(seed_csv, change)


def delete_rows_where(seed_csv: str, column: str, value: str, keep: int = 0) -> Mutation:
    """Delete the rows whose `column` is `value`, keeping the first `keep` of them."""
    def change(rows: list[list[str]]) -> list[list[str]]:
        position, kept, out = rows[0].index(column), 0, [rows[0]]
        for row in rows[1:]:
            if row[position] == value:
                kept += 1
                if kept > keep:
                    continue
            out.append(row)
        return out

    return rewrite(seed_csv, change)


def add_column(root: Path) -> None:
    rows = read_rows(root / SEED_CSV)
    write_rows(root / SEED_CSV, [[*row, "surprise" if n == 0 else "x"] for n, row in enumerate(rows)])


def drop_column(root: Path) -> None:
    rows = read_rows(root / SEED_CSV)
    position = rows[0].index("note")
    write_rows(root / SEED_CSV, [row[:position] + row[position + 1 :] for row in rows])


def ragged(root: Path) -> None:
    rows = read_rows(root / SEED_CSV)
    rows[LINE - 1].append("stray")
    write_rows(root / SEED_CSV, rows)


def broken_utf8(root: Path) -> None:
    path = root / SEED_CSV
    name = read_rows(path)[LINE - 1][read_rows(path)[0].index(NAME)]
    # Cut the name's first character to one byte of its three: an invalid sequence in the middle of a row.
    encoded = name.encode("utf-8")
    path.write_bytes(path.read_bytes().replace(encoded, encoded[:1] + encoded[3:], 1))


def add_bom(root: Path) -> None:
    (root / SEED_CSV).write_bytes(b"\xef\xbb\xbf" + (root / SEED_CSV).read_bytes())


def empty(root: Path) -> None:
    (root / SEED_CSV).write_bytes(b"")


def delete(root: Path) -> None:
    (root / SEED_CSV).unlink()


SEED_CHECK = "seed check"
DBT = "dbt build"
PUBLISH = "publish"


@dataclass(frozen=True)
class Fault:
    id: str
    mutate: Mutation
    expected: tuple[str, ...]  # every one must appear in the pipeline's output
    stage: str = SEED_CHECK  # the pipeline step that must stop it
    select: str | None = None  # dbt selector, for faults only dbt or GX can see


def at(seed_file: str, line: int | None, column: str | None, rule: str) -> str:
    """The seed check's message prefix: `<file> line <n> column <c>: <rule>`."""
    where = seed_file + (f" line {line}" if line else "") + (f" column {column}" if column else "")
    return f"{where}: {rule}"


B1 = line_of(SEED_CSV, KEY, "smart_city_pilot_b1")  # 首批国家智慧城市试点 90 住建部
BROADBAND = line_of(SEED_CSV, KEY, "broadband_china_b1")  # 39 designations, a complete member list
CLOUD = line_of(SEED_CSV, KEY, "cloud_egov_pilot")  # 77 designations, a partial list of 49
LIST_BROADBAND, LIST_CLOUD = line_of(LISTS, KEY, "broadband_china_b1"), line_of(LISTS, KEY, "cloud_egov_pilot")
LONELY = line_of(SURVEY, "finding_key", "lonely_16_24")  # 40%
RELOCATION = line_of(SURVEY, "finding_key", "relocation_reason_city_interest")  # N=10,303, 2020-10
BEIJING = line_of(CAMPAIGNS, "campaign_metric_key", "beijing_14fyp_traditional_share")  # ~33% of ~33% + ~67%
WUHAN = line_of(MENTIONS, "city_key", "wuhan")
IDC_2023 = line_of(MARKET, "market_figure_key", "idc_core_tech_investment_2023")  # 389亿美元
IDC_2018 = line_of(MARKET, "market_figure_key", "idc_core_tech_investment_2018")  # 200亿美元
CHEN_OU = line_of(FOUNDERS, "founder_key", "chen_ou")  # 26岁
GEN_Y = line_of(GENERATIONS, "generation_key", "gen_y")  # 25~40岁
RANK_X2 = line_of(RANKS, "rank_item_key", "info_channel_x_2")
COHORT_80 = line_of(COHORTS, "cohort_raw", "80后")

FAULTS = [
    # --- the file, its encoding and its header ----------------------------------------------------------------------
    Fault("broken UTF-8 byte", broken_utf8, (at(SEED_CSV, 3, NAME, "invalid UTF-8"),)),
    Fault("stray BOM", add_bom, (at(SEED_CSV, 1, KEY, "byte-order mark"),)),
    Fault("empty file", empty, (at(SEED_CSV, None, None, "empty file"),)),
    Fault("missing file", delete, (at(SEED_CSV, None, None, "file missing"),)),
    Fault("an oversized file", edit(SEED_CSV, LINE, note="x" * 1_200_000),
          (at(SEED_CSV, None, None, "oversized file"), "load a data set as a dbt source")),
    Fault("ragged row", ragged, (at(SEED_CSV, 3, None, "ragged row"),)),
    Fault("extra column", add_column, (at(SEED_CSV, 1, "surprise", "extra column"),)),
    Fault("missing column", drop_column, (at(SEED_CSV, 1, "note", "missing column"),)),
    Fault("a duplicate header", rename_header("note", KEY), (at(SEED_CSV, 1, KEY, "duplicate column"),)),
    Fault("a header in another letter case", rename_header(KEY, "Program_key"),
          (at(SEED_CSV, 1, "Program_key", "header case") + " (declared as 'program_key'",)),
    Fault("a misspelt header", rename_header(COUNT, "designation_cnt"),
          (at(SEED_CSV, 1, "designation_cnt", "extra column"), at(SEED_CSV, 1, COUNT, "missing column"))),
    Fault("two required columns in the wrong order", swap_columns(NAME, "program_name_en"),
          (at(SEED_CSV, 1, "program_name_en", "column order"),)),
    # --- a cell that is not its declared type -----------------------------------------------------------------------
    Fault("text in a numeric column", edit(SEED_CSV, LINE, designation_count="ninety"),
          (at(SEED_CSV, 3, COUNT, "not integer"),)),
    Fault("a fraction in an integer column", edit(SEED_CSV, LINE, designation_count="5.5"),
          (at(SEED_CSV, 3, COUNT, "not integer") + " (a fraction, which DuckDB would round to a whole number",)),
    Fault("full-width digits in a count", edit(SEED_CSV, LINE, designation_count="２０"),
          (at(SEED_CSV, 3, COUNT, "not integer"),)),
    Fault("more decimal places than declared", edit(CENSUS, 3, age_0_14_pct_2020="13.475"),
          (at(CENSUS, 3, "age_0_14_pct_2020", "not decimal(6,2)") + " (more than 2 decimal places",)),
    Fault("a boolean written as yes", edit(MENTIONS, 3, lookup_is_parent_city="yes"),
          (at(MENTIONS, 3, "lookup_is_parent_city", "not boolean") + " (not true/false",)),
    Fault("a malformed date", edit(MEMBERS, 3, announce_date="2014-09-31"),
          (at(MEMBERS, 3, "announce_date", "not date") + " (DuckDB cannot read '2014-09-31' as DATE)",)),
    # --- hostile text: keys, codes, labels and quotes ---------------------------------------------------------------
    Fault("a key with a trailing space", edit(SEED_CSV, LINE, program_key=lambda key: key + " "),
          (at(SEED_CSV, 3, KEY, "surrounding whitespace"),)),
    Fault("a zero-width space inside a key", edit(SEED_CSV, LINE, program_key="most_smart\u200bcity_demo"),
          (at(SEED_CSV, 3, KEY, "control or format character") + " (U+200B ZERO WIDTH SPACE at character 11",)),
    Fault("a byte-order mark inside a label", edit(SEED_CSV, LINE, program_name_zh=lambda name: "\ufeff" + name),
          (at(SEED_CSV, 3, NAME, "control or format character")
           + " (U+FEFF ZERO WIDTH NO-BREAK SPACE at character 1",)),
    Fault("a right-to-left override in a quote", edit(SEED_CSV, LINE, quote_zh=lambda quote: "\u202e" + quote),
          (at(SEED_CSV, 3, "quote_zh", "control or format character")
           + " (U+202E RIGHT-TO-LEFT OVERRIDE at character 1",)),
    Fault("a bell character in a label", edit(SEED_CSV, LINE, program_name_en="Smart-city\x07 pilots"),
          (at(SEED_CSV, 3, "program_name_en", "control or format character") + " (U+0007 '\\x07' at character 11",)),
    Fault("a line break inside a label", edit(SEED_CSV, LINE, program_name_en="Smart-city\npilots"),
          (at(SEED_CSV, 3, "program_name_en", "control or format character") + " (U+000A '\\n' at character 11",)),
    Fault("a decomposed (NFD) label", edit(SEED_CSV, LINE, program_name_en="Cafe\u0301 pilots"),
          (at(SEED_CSV, 3, "program_name_en", "not NFC") + " (U+0301 at character 5",)),
    Fault("a key in capitals", edit(SEED_CSV, LINE, program_key="Most_Smart_City_Demo"),
          (at(SEED_CSV, 3, KEY, "code") + " ('Most_Smart_City_Demo' is not lowercase ASCII words joined by '_': 'M'",)),
    Fault("a Cyrillic look-alike letter in a code", edit(SEED_CSV, B1, program_family="sm\u0430rt_city"),
          (at(SEED_CSV, B1, "program_family", "code") + " ('smаrt_city' is not lowercase ASCII words joined by '_': "
           "'а' (U+0430) at character 3", at(SEED_CSV, B1, "program_family", "relationships"))),
    Fault("a hyphen in a code", edit(HEADLINES, 2, qualifier="more-than"), (at(HEADLINES, 2, "qualifier", "code"),)),
    # --- keys, codes and required cells (rules moved from dbt tests) -------------------------------------------------
    Fault("duplicate key", copy_cell_from_line_2(SEED_CSV, KEY),
          (at(SEED_CSV, 3, KEY, "unique") + " ('smart_city_pilot_b1' is also on line 2)",)),
    Fault("null key", edit(SEED_CSV, LINE, program_key=""), (at(SEED_CSV, 3, KEY, "not_null"),)),
    Fault("a blank required label", edit(SEED_CSV, LINE, program_name_en=""),
          (at(SEED_CSV, 3, "program_name_en", "required_columns"),)),
    Fault("a duplicate code in a lookup", copy_cell_from_line_2(QUALIFIERS, "qualifier"),
          (at(QUALIFIERS, 3, "qualifier", "primary_key") + " (key 'exact' is also on line 2)",)),
    Fault("unknown code", edit(SEED_CSV, LINE, lead_ministry_code="ministry_of_magic"),
          (at(SEED_CSV, 3, CODE, "relationships") + " ('ministry_of_magic' is not a lead_ministry_code of "
           "seeds/lookups/lkp_lead_ministry.csv)",)),
    Fault("a label removed from its lookup", delete_rows_where("seeds/lookups/lkp_program_family.csv",
                                                               "program_family", "smart_city"),
          (at(SEED_CSV, B1, "program_family", "relationships") + " ('smart_city' is not a program_family of "
           "seeds/lookups/lkp_program_family.csv)",)),
    Fault("a code whose label the quote does not print", edit(SEED_CSV, B1, lead_ministry_code="miit"),
          (at(SEED_CSV, B1, CODE, "label_printed_in_quote") + " (its label '工信部'",)),
    Fault("a value outside the accepted ones", edit(HEADLINES, 2, unit="percentage"),
          (at(HEADLINES, 2, "unit", "accepted_values"),)),
    Fault("a traditional-character variant of a city name", edit(MENTIONS, WUHAN, lookup_name_zh="武漢"),
          (at(MENTIONS, WUHAN, "lookup_name_zh", "relationships") + " ('武漢' is not a division_short_name_zh",)),
    Fault("a duplicate entity in a member list", copy_cell_from_line_2(MEMBERS, "entity_name"),
          (at(MEMBERS, 3, "program_key, entity_name", "unique_combination"),)),
    Fault("a member name that matches no division", edit(MEMBERS, LINE, entity_name="不存在市"),
          (at(MEMBERS, 3, "program_key, entity_name", "has_match_in") + " (no row of " + CROSSWALK
           + " has program_key=broadband_china_b1, entity_name=不存在市)",)),
    Fault("a prefecture left blank for a city-level member", edit(CROSSWALK, 2, prefecture_code=""),
          (at(CROSSWALK, 2, "prefecture_code", "null_exactly_when")
           + " (blank although not mapping = province_level)",)),
    # --- ranges, orders and ranks ------------------------------------------------------------------------------------
    Fault("negative count", edit(SEED_CSV, LINE, designation_count="-5"),
          (at(SEED_CSV, 3, COUNT, "value_between") + " (-5 is outside 0..∞)",)),
    Fault("a year out of range", edit(MEMBERS, LINE, designation_year="2031"),
          (at(MEMBERS, 3, "designation_year", "value_between") + " (2031 is outside 2012..2025)",)),
    Fault("a percent above 100", edit(CENSUS, 2, age_0_14_pct_2020="140"),
          (at(CENSUS, 2, "age_0_14_pct_2020", "percent_bounds") + " (140 is outside 0..100)",)),
    Fault("a quote too long to be a quote", edit(SEED_CSV, LINE, quote_zh="试" * 200),
          (at(SEED_CSV, 3, "quote_zh", "quote_length") + " (200 characters, a quote has 4 to 160)",)),
    Fault("a cohort whose ends are reversed", edit(COHORTS, COHORT_80, cohort_birth_year_low="1995"),
          (at(COHORTS, COHORT_80, "cohort_birth_year_high", "value_pairs_ordered"),)),
    Fault("a cohort with neither end", edit(COHORTS, COHORT_80, cohort_birth_year_low="", cohort_birth_year_high=""),
          (at(COHORTS, COHORT_80, "cohort_birth_year_low", "at_least_one_of"),)),
    Fault("a rank given twice in one table", edit(RANKS, RANK_X2, item_rank="1"),
          (at(RANKS, 2, "item_rank", "exact_rank_set") + " (table_code=info_channel, generation_key=gen_x has "
           "ranks [1, 1, 3], not [1, 2, 3]",)),
    Fault("an urban population above the population", edit(CENSUS, 2, urban_population_2020="99999999"),
          (at(CENSUS, 2, "population_2020", "value_pairs_ordered"),)),
    # --- stated counts and the rows they count ----------------------------------------------------------------------
    Fault("a member list's stated count against its rows", edit(LISTS, LIST_BROADBAND, entities_listed="38"),
          (at(LISTS, LIST_BROADBAND, "entities_listed", "stated_count") + " (states 38, " + MEMBERS
           + " has 39 rows for program_key broadband_china_b1)",)),
    Fault("a member dropped from a complete list", delete_rows_where(MEMBERS, KEY, "broadband_china_b1", keep=38),
          (at(LISTS, LIST_BROADBAND, "entities_listed", "stated_count") + " (states 39, " + MEMBERS + " has 38 rows",
           at(LISTS, LIST_BROADBAND, "list_completeness", "completeness_flag"))),
    Fault("a partial list flagged complete", edit(LISTS, LIST_CLOUD, list_completeness="complete"),
          (at(LISTS, LIST_CLOUD, "list_completeness", "completeness_flag") + f" (complete, but {MEMBERS} lists 49 "
           f"rows against the printed {SEED_CSV} line {CLOUD} designation_count 77)",)),
    Fault("a printed count above a complete list",
          edit(SEED_CSV, BROADBAND, designation_count="40", quote_zh=lambda quote: quote.replace(" 39 ", " 40 ")),
          (at(LISTS, LIST_BROADBAND, "list_completeness", "completeness_flag") + f" (complete, but {MEMBERS} lists "
           f"39 rows against the printed {SEED_CSV} line {BROADBAND} designation_count 40)",)),
    Fault("a printed count below its list",
          edit(SEED_CSV, BROADBAND, designation_count="38", quote_zh=lambda quote: quote.replace(" 39 ", " 38 ")),
          (at(LISTS, LIST_BROADBAND, "list_completeness", "completeness_flag") + f" ({MEMBERS} lists 39 rows for "
           f"broadband_china_b1, more than the printed {SEED_CSV} line {BROADBAND} designation_count 38)",)),
    Fault("a sample size against its printed N", edit(SURVEY, RELOCATION, sample_size="10330"),
          (at(SURVEY, RELOCATION, "sample_size", "printed_value") + " (sample_size_raw 'N=10,303' states 10303; "
           "the row has sample_size 10330)",)),
    Fault("a sample size its cited source does not print", edit(RANKS, 2, sample_size="10330"),
          (at(RANKS, 2, "sample_size", "number_in_quote"),)),
    # --- every quote prints its own row's value ---------------------------------------------------------------------
    Fault("the quote says 91, the row 90", edit(SEED_CSV, B1, quote_zh=lambda quote: quote.replace("90", "91")),
          (at(SEED_CSV, B1, COUNT, "number_in_quote") + " (the row says 90, its quote_zh '首批国家智慧城市试点 91 住建部' "
           "prints 91)",)),
    Fault("a count that its quote does not print", edit(SEED_CSV, B1, designation_count="91"),
          (at(SEED_CSV, B1, COUNT, "number_in_quote") + " (the row says 91",)),
    Fault("a printed figure its quote does not hold", edit(HEADLINES, 2, quote_zh=lambda q: q.replace("700", "710")),
          (at(HEADLINES, 2, "value_raw", "printed_in_quote") + " ('超过700个' is not printed in quote_zh",)),
    Fault("a share written as a fraction (0.4 for 40%)", edit(SURVEY, LONELY, value="0.4"),
          (at(SURVEY, LONELY, "value", "printed_value") + " (value_raw '40%' states 40; the row has value 0.4)",)),
    Fault("a market figure against its printed text", edit(MARKET, IDC_2018, value="2000000000"),
          (at(MARKET, IDC_2018, "value", "printed_value") + " (value_raw '200亿美元' states 20000000000; the row has "
           "value 2000000000)",)),
    Fault("a founding age against its printed age", edit(FOUNDERS, CHEN_OU, founding_age="27"),
          (at(FOUNDERS, CHEN_OU, "founding_age", "printed_value") + " (founding_age_raw '26岁' states 26",)),
    Fault("an age range against its printed range", edit(GENERATIONS, GEN_Y, age_high="41"),
          (at(GENERATIONS, GEN_Y, "age_low", "printed_value") + " (age_raw '25~40岁' states 25, 40; the row has "
           "age_low 25, age_high 41)",)),
    # --- shares, dates and years ------------------------------------------------------------------------------------
    Fault("two shares of one whole summing over 100",
          edit(CAMPAIGNS, BEIJING, value="43", value_raw="~43%", quote_zh=lambda quote: quote.replace("33%", "43%")),
          (at(CAMPAIGNS, BEIJING + 1, "value", "shares_of_one_whole") + " (the shares of city_zh=北京",
           "sum to 110, not 100")),
    Fault("age shares summing over 100", edit(CENSUS, 2, age_0_14_pct_2020="21.9"),
          (at(CENSUS, 2, "age_60_plus_pct_2020", "shares_of_one_whole") + " (21.9 + 68.5 + 19.6 = 110.0, not 100)",)),
    Fault("a future survey month", edit(RANKS, 2, survey_month="2031-10-01"),
          (at(RANKS, 2, "survey_month", "value_between") + " (2031-10-01 is outside 2015-01-01..2020-12-01)",)),
    Fault("a survey year that is not its month's", edit(SURVEY, RELOCATION, survey_year="2019"),
          (at(SURVEY, RELOCATION, "survey_year", "year_of") + " (2019, but survey_month is 2020-10-01)",)),
    Fault("a designation year that is not its announcement's", edit(MEMBERS, 2, announce_date="2015-09-26"),
          (at(MEMBERS, 2, "designation_year", "year_of") + " (2014, but announce_date is 2015-09-26)",)),
    # --- the rules themselves: a typo never disables a check --------------------------------------------------------
    Fault("a misspelt rule name", replace_text(SEED_YML, "- number_in_quote", "- number_in_qoute"),
          (at(SEED_YML, None, COUNT, "rule declaration") + " (unknown rule 'number_in_qoute')",)),
    Fault("a rule on a column the seed does not have", replace_text(SEED_YML, f"- name: {COUNT}\n", "- name: count\n"),
          (at(SEED_YML, None, "count", "rule declaration") + " (value_between in " + SEED_YML + ": column 'count' is "
           "not in column_types)",)),
    # --- well-formed and consistent, but wrong: only the warehouse's own checks can see it ----------------------------
    # A wrong IDC forecast whose printed text and quote were changed with it: every seed rule holds; the claim it feeds
    # flips its pinned verdict, and the message names the claim and the seed rows it rests on.
    Fault(
        "a wrong IDC forecast (caught by a pinned claim verdict)",
        edit(MARKET, IDC_2023, value="28900000000", value_raw="289亿美元",
             quote_zh=lambda quote: quote.replace("389", "289")),
        ("assert_claim_verdicts_pinned", "claim_key=market_2023_over_1_trillion_on_top", "pinned_verdict=holds",
         "computed_verdict=fails", "inputs=report_market_figures (IDC 2023"),
        DBT,
        select="report_market_figures+",
    ),
    # A count changed with its quote, on a programme without a member list: the release no longer adds up to the
    # report's 749 (the quote itself differs from the report's text, which make test's quote check catches).
    Fault(
        "wrong count (caught by great expectations)",
        edit(SEED_CSV, line_of(SEED_CSV, KEY, "smart_city_pilot_b2"), designation_count="0",
             quote_zh=lambda quote: quote.replace("103", "0")),
        ("designations: 1/2 expectations", "no longer adds the pilot designations up to the report's 749"),
        PUBLISH,
        select=f"{SEED}+,+dim_pilot_program",
    ),
]


@pytest.fixture
def project(built_project: BuiltProject) -> Iterator[BuiltProject]:
    yield built_project
    # Leave the shared copy as the good build left it: other tests of the session read it too.
    seeds = built_project.root / "seeds"
    shutil.rmtree(seeds)
    shutil.copytree(built_project.pristine_seeds, seeds)


def build_in_process(
    root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    """The build `make build` runs, called in this process: a fault the seed check stops costs no interpreter start."""
    monkeypatch.chdir(root)
    for name in [name for name in os.environ if name.startswith(("DBT_", "DIGITAL_CITY_"))]:
        monkeypatch.delenv(name)
    for name, value in pipeline_env(root).items():
        monkeypatch.setenv(name, value)
    code = build.main(["--work-db", str(WORK_DB), "--publish-dir", str(PUBLISH_DIR), "--project-dir", str(root),
                       "--warn-error", "--force"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize("fault", FAULTS, ids=[f.id for f in FAULTS])
def test_bad_seed_stops_the_pipeline_and_leaves_the_warehouse_alone(
    project: BuiltProject, fault: Fault, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fault.mutate(project.root)
    if fault.stage == SEED_CHECK:
        code, output = build_in_process(project.root, monkeypatch, capsys)
        assert "=== dbt build" not in output, f"dbt ran for a fault the seed check must stop:\n{output[-3000:]}"
    else:
        # The broken seed is rebuilt on a copy of the good database: its neighbours are there for tests that join.
        project.restore_good_db()
        try:
            done = run_pipeline(project.root, *(["--select", fault.select] if fault.select else []))
        finally:
            project.restore_good_db()
        code, output = done.returncode, done.stdout + done.stderr

    assert code != 0, f"the pipeline accepted {fault.id}:\n{output[-3000:]}"
    assert f"pipeline stopped at {fault.stage}" in output, output[-3000:]
    for text in fault.expected:
        assert text in output, f"{text!r} not in the output:\n{output[-4000:]}"
    assert published_digests(project.publish_dir) == project.published, "the published warehouse changed"


def test_the_suite_covers_every_seed_rule() -> None:
    """Each rule the seed check knows fails on at least one case above: a rule nobody breaks may be a rule that never
    fires."""
    from digital_city.pipeline import seed_rules

    rules = {*seed_rules.COLUMN_RULES, *seed_rules.TABLE_RULES}
    broken = {rule for rule in rules for fault in FAULTS for text in fault.expected if text.split(": ", 1)[-1]
              .split(" (", 1)[0] == rule}
    assert rules - broken == set()


def test_the_good_build_published_a_database_and_parquet(built_project: BuiltProject) -> None:
    assert "digital_city.duckdb" in built_project.published
    assert "parquet/dim_pilot_program.parquet" in built_project.published
    assert "manifest.json" in built_project.published


def test_a_seed_with_windows_line_endings_gives_the_same_warehouse(project: BuiltProject) -> None:
    """Valid input keeps working: CRLF line endings are a way of saving a file, not a different seed."""
    seed = project.root / SEED_CSV
    seed.write_bytes(seed.read_bytes().replace(b"\n", b"\r\n"))
    project.restore_good_db()
    try:
        done = run_pipeline(project.root, "--select", f"{SEED}+", publish_dir=Path("warehouse-crlf"))
    finally:
        project.restore_good_db()
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    good, crlf = project.publish_dir / "digital_city.duckdb", project.root / "warehouse-crlf" / "digital_city.duckdb"
    with duckdb.connect() as con:
        con.execute(f"attach '{good}' as good (read_only)")
        con.execute(f"attach '{crlf}' as crlf (read_only)")
        marts = [name for (name,) in con.execute(
            "select table_name from information_schema.tables where table_catalog = 'good' "
            "and table_schema = 'marts' and table_type = 'BASE TABLE' order by 1").fetchall()]
        assert marts
        for mart in marts:
            checksums = [con.execute(f"select count(*), sum(hash(t)) from {db}.marts.{mart} as t").fetchone()
                         for db in ("good", "crlf")]
            assert checksums[0] == checksums[1], f"{mart} differs when {SEED_CSV} has CRLF line endings"


def test_a_quote_edited_away_from_the_report_fails_make_test(project: BuiltProject) -> None:
    """The report text is not part of a build, so the quote check is a test of `make test`: it must catch this."""
    report = quotes.report_text_path()
    if not report.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"the report text is missing at {report}: CI always has it beside the checkout")
        pytest.skip(f"report text not found at {report}; the quote check cannot run here")
    edit(SEED_CSV, LINE, quote_zh="此句不在报告中")(project.root)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "digital_city/tests/test_quotes.py::test_every_seed_quote_is_verbatim_in_the_report"],
        cwd=project.root, env={**pipeline_env(project.root), "DIGITAL_CITY_REPORT_TEXT": str(report.resolve())},
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 1, done.stdout[-3000:]
    assert f"{SEED}.csv line 3" in done.stdout and "此句不在报告中" in done.stdout, done.stdout[-3000:]
