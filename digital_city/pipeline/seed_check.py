"""Pre-flight check of every seed CSV against the `column_types` its yml declares, before dbt runs.

dbt reports a bad seed as a database cast error that names neither the line nor the column; this check names both:
    seeds/<dir>/<file>.csv line <n> column <col>: <rule> (<detail>)
Blank cells are nulls and allowed here: whether a column may be null is a dbt test's job.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from digital_city.crash_points import crash_point
from digital_city.project import ROOT

BOM = b"\xef\xbb\xbf"
# Enough to locate a systematic fault (a whole column of the wrong type) without flooding the log.
MAX_PER_COLUMN_RULE = 5

_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(?P<int>\d*)(?:\.(?P<frac>\d*))?")
_DOUBLE = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?")
_DECIMAL_TYPE = re.compile(r"(?:decimal|numeric)\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)")
_INTEGER_RANGES = {
    "tinyint": 8,
    "smallint": 16,
    "int2": 16,
    "integer": 32,
    "int": 32,
    "int4": 32,
    "bigint": 64,
    "int8": 64,
    "hugeint": 128,
}
_TEXT_TYPES = {"varchar", "text", "string", "char", "bpchar"}
_DOUBLE_TYPES = {"double", "float", "float8", "real", "float4"}


@dataclass(frozen=True)
class Problem:
    path: str  # relative to the project root
    rule: str
    detail: str = ""
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f" line {self.line}"
        if self.column is not None:
            where += f" column {self.column}"
        return f"{where}: {self.rule}" + (f" ({self.detail})" if self.detail else "")


@dataclass(frozen=True)
class SeedSpec:
    name: str
    yml: Path
    column_types: dict[str, str] | None


# A checker returns None when the text parses as the type, else why it does not.
Checker = Callable[[str], str | None]


def _integer_checker(bits: int) -> Checker:
    low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1

    def check(value: str) -> str | None:
        if not _INTEGER.fullmatch(value):
            return "not an integer"
        if not low <= int(value) <= high:
            return f"outside the {bits}-bit range"
        return None

    return check


def _decimal_checker(precision: int, scale: int) -> Checker:
    def check(value: str) -> str | None:
        match = _DECIMAL.fullmatch(value)
        if not match or not (match["int"] or match["frac"]):
            return "not a decimal number"
        digits = len(match["int"].lstrip("0"))
        if digits > precision - scale:
            return f"more than {precision - scale} digits before the point"
        # DuckDB would round the extra places away silently: a stored figure must not change on load.
        if len(match["frac"] or "") > scale:
            return f"more than {scale} decimal places"
        return None

    return check


def _double(value: str) -> str | None:
    return None if _DOUBLE.fullmatch(value) else "not a number"


def _date(value: str) -> str | None:
    if not _DATE.fullmatch(value):
        return "not a date YYYY-MM-DD"
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return "not a calendar date"
    return None


def _timestamp(value: str) -> str | None:
    if not _TIMESTAMP.fullmatch(value):
        return "not a timestamp YYYY-MM-DD HH:MM:SS"
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return "not a calendar timestamp"
    return None


def _boolean(value: str) -> str | None:
    return None if value in {"true", "false"} else "not true/false"


def _text(value: str) -> str | None:
    return None


def checker_for(declared: str) -> Checker | None:
    """The parser for a declared column type, or None when the type is not one this check knows."""
    kind = declared.strip().lower()
    base = re.sub(r"\s*\(.*\)$", "", kind)
    if base in _INTEGER_RANGES and base == kind:
        return _integer_checker(_INTEGER_RANGES[base])
    if decimal := _DECIMAL_TYPE.fullmatch(kind):
        return _decimal_checker(int(decimal[1]), int(decimal[2]))
    if kind in {"decimal", "numeric"}:
        return _decimal_checker(18, 3)  # DuckDB's default
    if base in _TEXT_TYPES:
        return _text
    if kind in _DOUBLE_TYPES:
        return _double
    if kind == "date":
        return _date
    if kind in {"timestamp", "datetime"}:
        return _timestamp
    if kind in {"boolean", "bool"}:
        return _boolean
    return None


def declared_seeds(seed_dir: Path) -> list[SeedSpec]:
    specs = []
    for yml in sorted([*seed_dir.rglob("*.yml"), *seed_dir.rglob("*.yaml")]):
        document = yaml.safe_load(yml.read_text(encoding="utf-8")) or {}
        for seed in document.get("seeds") or []:
            config = seed.get("config") or {}
            types = config.get("column_types")
            specs.append(SeedSpec(seed["name"], yml, dict(types) if types else None))
    return specs


def _column_at(text: str, offset: int) -> str | None:
    """The header name of the field holding character `offset` of `text`, found by re-reading the CSV."""
    reader = csv.reader(io.StringIO(text[:offset] + "\x00", newline=""))
    header = next(reader, [])
    last: list[str] = header
    for last in reader:
        pass
    position = len(last) - 1
    return header[position] if 0 <= position < len(header) else None


def _decode(path: str, data: bytes) -> tuple[str | None, list[Problem]]:
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        bad = data[error.start : error.end].hex(" ")
        readable = data[: error.start].decode("utf-8", errors="replace")
        column = _column_at(readable, len(readable)) if line > 1 else None
        return None, [Problem(path, "invalid UTF-8", f"byte {bad} at offset {error.start}", line, column)]


def _cap(problems: Iterator[Problem]) -> Iterator[Problem]:
    seen: dict[tuple[str | None, str], int] = {}
    for problem in problems:
        key = (problem.column, problem.rule)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= MAX_PER_COLUMN_RULE:
            yield problem
        elif seen[key] == MAX_PER_COLUMN_RULE + 1:
            yield Problem(problem.path, problem.rule, "further lines not listed", column=problem.column)


def check_csv(path: Path, column_types: dict[str, str], root: Path = ROOT) -> list[Problem]:
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    data = path.read_bytes()
    if not data.strip():
        return [Problem(rel, "empty file", "no header and no rows")]
    problems: list[Problem] = []
    if data.startswith(BOM):
        data = data[len(BOM) :]
        first = data.split(b"\n", 1)[0].split(b",", 1)[0].decode("utf-8", errors="replace").strip('"\r')
        # dbt would read the BOM into the first column's name.
        problems.append(Problem(rel, "byte-order mark", "save the file as UTF-8 without BOM", 1, first))
    text, decode_problems = _decode(rel, data)
    if text is None:
        return problems + decode_problems
    return problems + list(_cap(_check_rows(rel, text, column_types)))


def _check_rows(rel: str, text: str, column_types: dict[str, str]) -> Iterator[Problem]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        yield Problem(rel, "empty file", "no header and no rows")
        return
    declared = {name.lower(): kind for name, kind in column_types.items()}
    seen_names: set[str] = set()
    for name in header:
        if name.lower() in seen_names:
            yield Problem(rel, "duplicate column", "the header names it twice", 1, name)
        seen_names.add(name.lower())
        if name.lower() not in declared:
            yield Problem(rel, "extra column", "in the header but not in column_types", 1, name)
    for name in column_types:
        if name.lower() not in seen_names:
            yield Problem(rel, "missing column", "declared in column_types but not in the header", 1, name)
    checkers: list[Checker | None] = [None] * len(header)
    for position, name in enumerate(header):
        kind = declared.get(name.lower())
        if kind is None:
            continue
        checker = checker_for(kind)
        if checker is None:
            yield Problem(rel, "unsupported declared type", kind, 1, name)
        checkers[position] = checker
    rows = 0
    line = reader.line_num
    for row in reader:
        start, line = line + 1, reader.line_num
        if not row:
            yield Problem(rel, "blank line", "a seed row cannot be empty", start)
            continue
        rows += 1
        if len(row) != len(header):
            yield Problem(rel, "ragged row", f"{len(row)} fields, header has {len(header)}", start)
            continue
        for name, value, checker in zip(header, row, checkers, strict=True):
            if value == "" or checker is None:
                continue
            if (why := checker(value)) is not None:
                yield Problem(rel, f"not {declared[name.lower()]}", f"{why}: {value[:40]!r}", start, name)
    if rows == 0:
        yield Problem(rel, "empty file", "header but no rows", 1)


def check_seeds(seed_dir: Path, root: Path = ROOT) -> list[Problem]:
    def rel(path: Path) -> str:
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)

    problems: list[Problem] = []
    csvs: dict[str, list[Path]] = {}
    for path in sorted(seed_dir.rglob("*.csv")):
        csvs.setdefault(path.stem, []).append(path)
    specs = declared_seeds(seed_dir)
    declared_names = {spec.name for spec in specs}
    for spec in specs:
        paths = csvs.get(spec.name, [])
        if not paths:
            expected = spec.yml.parent / f"{spec.name}.csv"
            problems.append(Problem(rel(expected), "file missing", f"declared in {rel(spec.yml)}"))
            continue
        if spec.column_types is None:
            problems.append(Problem(rel(paths[0]), "no column_types", f"declare them in {rel(spec.yml)}"))
            continue
        for path in paths:
            problems.extend(check_csv(path, spec.column_types, root))
            crash_point("seed-check")
    for name, paths in csvs.items():
        if name not in declared_names:
            for path in paths:
                problems.append(Problem(rel(path), "undeclared seed", "no yml entry with column_types"))
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project-dir", type=Path, default=Path.cwd())
    args = parser.parse_args(argv)
    root = args.project_dir.resolve()
    problems = check_seeds(root / "seeds", root)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"seed check failed: {len(problems)} problem(s); dbt was not run", file=sys.stderr)
        return 1
    print(f"seed check passed: {len(declared_seeds(root / 'seeds'))} seeds")
    return 0

