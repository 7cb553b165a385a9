"""Pre-flight check of every seed CSV against the `column_types` its yml declares, before dbt runs.

DuckDB's CSV reader parses and casts every typed value (`store_rejects` records the record and column of each
value it cannot read); this module adds what a cast cannot see: the header against the declared columns (names,
letter case and order), a BOM, broken UTF-8, blank lines, ragged rows, surrounding whitespace, text that is not NFC
or holds control or format characters (Unicode Cc/Cf: a zero-width space inside a key), and the values a cast would
silently change (5.5 rounded into an INTEGER, 12.505 into DECIMAL(6,2), "yes" read as true). A seed whose file
passes is then held to the row rules its yml declares (digital_city/pipeline/seed_rules.py), in one pass per seed.

dbt reports a bad seed as a database cast error that names neither the line nor the column; this check names both:
    seeds/<dir>/<file>.csv line <n> column <col>: <rule> (<detail>)
Blank cells are nulls; whether a column may be blank is a declared rule (not_null, required_columns, primary_key).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

from digital_city.crash_points import crash_point
from digital_city.pipeline import seed_rules
from digital_city.project import ROOT

BOM = b"\xef\xbb\xbf"
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The largest seed is 22 KB: a seed is a hand-checked table that dbt loads row by row. A file of megabytes is a data
# set that belongs in a source, or a paste gone wrong; either way it is stopped before anything reads it.
MAX_SEED_BYTES = 1024 * 1024
# Enough to locate a systematic fault (a whole column of the wrong type) without flooding the log.
MAX_PER_COLUMN_RULE = 5

_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(?P<int>\d*)(?:\.(?P<frac>\d*))?")
_DECIMAL_TYPE = re.compile(r"(?:decimal|numeric)\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)")
_INTEGER_TYPES = {"tinyint", "smallint", "int2", "integer", "int", "int4", "bigint", "int8", "hugeint"}
_TEXT_TYPES = {"varchar", "text", "string", "char", "bpchar"}
_CAST_TYPES = {"double", "float", "float8", "real", "float4", "date", "timestamp", "datetime"}


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
    rules: tuple[seed_rules.Declared, ...] = ()


# A strict rule returns None when the text is acceptable, else why not. DuckDB parses and casts; these catch what
# its casts accept but would change: 5.5 rounded into an INTEGER, 12.505 into DECIMAL(6,2), "yes" as a boolean.
Rule = Callable[[str], str | None]


def _whole_number(value: str) -> str | None:
    match = _DECIMAL.fullmatch(value)
    if _INTEGER.fullmatch(value) or not match or not (match["int"] or match["frac"]):
        return None  # a whole number, or no number at all (DuckDB's cast says so)
    return "a fraction, which DuckDB would round to a whole number"


def _decimal_rule(precision: int, scale: int) -> Rule:
    def check(value: str) -> str | None:
        match = _DECIMAL.fullmatch(value)
        if not match or not (match["int"] or match["frac"]):
            return None  # not a number at all: DuckDB's cast says so
        if len(match["int"].lstrip("0")) > precision - scale:
            return f"more than {precision - scale} digits before the point"
        # DuckDB would round the extra places away silently: a stored figure must not change on load.
        if len(match["frac"] or "") > scale:
            return f"more than {scale} decimal places"
        return None

    return check


def _boolean(value: str) -> str | None:
    return None if value in {"true", "false"} else "not true/false"


@dataclass(frozen=True)
class ColumnType:
    duckdb_type: str  # what DuckDB's CSV reader casts the column to (VARCHAR: no cast)
    rule: Rule | None  # the strictness DuckDB's cast lacks


def column_type(declared: str) -> ColumnType | None:
    """How a declared column type is checked, or None when the type is not one this check knows."""
    kind = re.sub(r"\s+", " ", declared.strip().lower())
    if kind in _INTEGER_TYPES:
        return ColumnType(kind.upper(), _whole_number)
    if decimal := _DECIMAL_TYPE.fullmatch(kind):
        return ColumnType(kind.upper(), _decimal_rule(int(decimal[1]), int(decimal[2])))
    if kind in {"decimal", "numeric"}:
        return ColumnType("DECIMAL(18,3)", _decimal_rule(18, 3))  # DuckDB's default
    if re.sub(r"\s*\(.*\)$", "", kind) in _TEXT_TYPES:
        return ColumnType("VARCHAR", None)
    if kind in _CAST_TYPES:
        return ColumnType("TIMESTAMP" if kind == "datetime" else kind.upper(), None)
    if kind in {"boolean", "bool"}:
        return ColumnType("VARCHAR", _boolean)
    return None


def declared_seeds(seed_dir: Path) -> list[SeedSpec]:
    specs = []
    for yml in sorted([*seed_dir.rglob("*.yml"), *seed_dir.rglob("*.yaml")]):
        # libyaml's loader when the wheel has it: the pure-Python one takes longer than every other rule together.
        document = yaml.load(yml.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}
        for seed in document.get("seeds") or []:
            config = seed.get("config") or {}
            types = config.get("column_types")
            rules = tuple(seed_rules.declared_rules(seed["name"], seed))
            specs.append(SeedSpec(seed["name"], yml, dict(types) if types else None, rules))
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


def check_csv(
    path: Path, column_types: dict[str, str], root: Path = ROOT, con: duckdb.DuckDBPyConnection | None = None
) -> list[Problem]:
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    size = path.stat().st_size
    if size > MAX_SEED_BYTES:
        return [Problem(rel, "oversized file", f"{size:,} bytes, over the {MAX_SEED_BYTES:,} a seed may have: a seed "
                        "is a small hand-checked table; load a data set as a dbt source")]
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
    return problems + list(_cap(_check_rows(rel, path, text, column_types, con)))


def _check_header(rel: str, header: list[str], column_types: dict[str, str]) -> Iterator[Problem]:
    """The header is the declared columns, spelled and cased as declared, in the declared order: dbt reads a seed's
    columns by name, so `Program_key` is another column, and a reordered header is a sign of a pasted-over file."""
    declared = list(column_types)
    by_lower = {name.lower(): name for name in declared}
    seen: set[str] = set()
    for name in header:
        if name in seen:
            yield Problem(rel, "duplicate column", "the header names it twice", 1, name)
        seen.add(name)
        if name in column_types:
            continue
        if name.lower() in by_lower and by_lower[name.lower()] not in header:
            yield Problem(rel, "header case", f"declared as {by_lower[name.lower()]!r} in column_types", 1, name)
            seen.add(by_lower[name.lower()])
        else:
            yield Problem(rel, "extra column", "in the header but not in column_types", 1, name)
    for name in declared:
        if name not in seen:
            yield Problem(rel, "missing column", "declared in column_types but not in the header", 1, name)
    present = list(dict.fromkeys(name for name in header if name in column_types))
    expected = [name for name in declared if name in present]
    for name, wanted in zip(present, expected, strict=True):
        if name != wanted:
            yield Problem(rel, "column order", f"header column {header.index(name) + 1}; column_types declares "
                          f"{wanted!r} there (the order of column_types)", 1, name)
            break


def _text_problem(value: str) -> tuple[str, str] | None:
    """A control or format character (Unicode Cc/Cf), or text that is not NFC: (rule, detail), else None."""
    for position, char in enumerate(value, start=1):
        if unicodedata.category(char) in {"Cc", "Cf"}:
            name = unicodedata.name(char, repr(char))  # controls have no Unicode name: show the escape
            return ("control or format character",
                    f"U+{ord(char):04X} {name} at character {position} of {value[:40]!r}: a cell is one line of "
                    "visible text, and an invisible character makes a key or label that prints the same but differs")
    if not unicodedata.is_normalized("NFC", value):
        position = next(i for i, char in enumerate(value, start=1) if unicodedata.combining(char)
                        or unicodedata.normalize("NFC", char) != char)
        return ("not NFC", f"U+{ord(value[position - 1]):04X} at character {position} of {value[:40]!r} "
                "composes differently: save the text in Unicode NFC")
    return None


def _check_rows(
    rel: str, path: Path, text: str, column_types: dict[str, str], con: duckdb.DuckDBPyConnection | None = None
) -> Iterator[Problem]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        yield Problem(rel, "empty file", "no header and no rows")
        return
    header_problems = list(_check_header(rel, header, column_types))
    yield from header_problems
    declared = {name.lower(): kind for name, kind in column_types.items()}
    types: list[ColumnType | None] = []
    for name in header:
        kind = declared.get(name.lower())
        checked = column_type(kind) if kind else None
        if kind and checked is None:
            yield Problem(rel, "unsupported declared type", kind, 1, name)
        types.append(checked)
    rows, ragged, line = 0, set(), reader.line_num
    # The line each record starts on (the header's is 1): DuckDB numbers records, and a quoted field can span lines.
    record_starts = [1]
    for row in reader:
        start, line = line + 1, reader.line_num
        record_starts.append(start)
        if not row:
            yield Problem(rel, "blank line", "a seed row cannot be empty", start)
            continue
        rows += 1
        if len(row) != len(header):
            ragged.add(start)
            yield Problem(rel, "ragged row", f"{len(row)} fields, header has {len(header)}", start)
            continue
        for name, value, checked in zip(header, row, types, strict=True):
            if value == "":
                continue
            if value != value.strip():
                yield Problem(rel, "surrounding whitespace", f"{value[:40]!r}: trim it (keys and labels must "
                              "match exactly)", start, name)
            if (text_problem := _text_problem(value)) is not None:
                yield Problem(rel, text_problem[0], text_problem[1], start, name)
            if checked is not None and checked.rule is not None and (why := checked.rule(value)) is not None:
                yield Problem(rel, f"not {declared[name.lower()]}", f"{why}: {value[:40]!r}", start, name)
    if rows == 0:
        yield Problem(rel, "empty file", "header but no rows", 1)
    elif not header_problems:
        yield from _cast_with_duckdb(rel, path, header, types, ragged, record_starts, con)


def _cast_with_duckdb(
    rel: str, path: Path, header: list[str], types: list[ColumnType | None], ragged: set[int], record_starts: list[int],
    con: duckdb.DuckDBPyConnection | None = None,
) -> Iterator[Problem]:
    """Let DuckDB's CSV reader parse and cast every typed column; each value it rejects is a problem. `con`: an
    in-memory connection to reuse (one per file costs more than the read)."""
    columns = ", ".join(
        f"'{name.replace(chr(39), chr(39) * 2)}': '{(checked.duckdb_type if checked else 'VARCHAR')}'"
        for name, checked in zip(header, types, strict=True)
    )
    own = con is None
    con = duckdb.connect() if own else con
    try:
        # The rejects tables collect across reads on one connection: start each file with none.
        con.execute("drop table if exists rejected; drop table if exists scanned")
        con.execute(
            f"select * from read_csv(?, header = true, auto_detect = false, columns = {{{columns}}}, "
            "quote = '\"', escape = '\"', delim = ',', null_padding = false, store_rejects = true, "
            "rejects_table = 'rejected', rejects_scan = 'scanned', max_line_size = 1048576)",
            [str(path)],
        ).fetchall()  # every column fetched: a count(*) would skip the casts, and the rejects with them
        rejected = con.execute(
            "select line, column_name, error_type, error_message from rejected order by line, column_idx"
        ).fetchall()
    finally:
        if own:
            con.close()
    declared_of = {name: checked.duckdb_type for name, checked in zip(header, types, strict=True) if checked}
    for record, column, error_type, message in rejected:
        line = record_starts[int(record) - 1]
        if error_type != "CAST" or line in ragged:
            continue  # field counts are reported above, per row
        value = message.split('Could not convert string "', 1)[-1].split('" to', 1)[0]
        yield Problem(rel, f"not {declared_of.get(column, '?').lower()}",
                      f"DuckDB cannot read {value[:40]!r} as {declared_of.get(column, '?')}", line, column)


def read_table(spec: SeedSpec, path: Path, rel: str) -> seed_rules.Table:
    """A seed file that passed check_csv, as rows of cells with the line each record starts on."""
    reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    header = next(reader)
    rows, line = [], reader.line_num
    for record in reader:
        start, line = line + 1, reader.line_num
        rows.append((start, dict(zip(header, record, strict=True))))
    types = {name: kind.strip().lower() for name, kind in (spec.column_types or {}).items()}
    return seed_rules.Table(spec.name, rel, types, rows)


def _declaration_problems(spec: SeedSpec, rule: seed_rules.Declared, declared: set[str], yml: str) -> list[str]:
    """Why a declared rule cannot run (an unknown rule, column or seed), so that a typo never disables a check."""
    known = seed_rules.COLUMN_RULES if rule.column is not None else seed_rules.TABLE_RULES
    if rule.rule not in known:
        other = "seed" if rule.column is not None else "column"
        hint = f" (a {other} rule: declare it on the {other})" if rule.rule in {
            **seed_rules.COLUMN_RULES, **seed_rules.TABLE_RULES} else ""
        return [f"unknown rule {rule.rule!r}{hint}"]
    found = []
    if rule.column is not None and rule.column not in (spec.column_types or {}):
        found.append(f"column {rule.column!r} is not in column_types")
    found += [f"no seed named {name!r}" for name in sorted(seed_rules.referenced_seeds(rule.args) - declared)]
    return [f"{rule.rule} in {yml}: {why}" for why in found]


def check_rules(specs: list[SeedSpec], tables: dict[str, seed_rules.Table], root: Path) -> Iterator[Problem]:
    """Each declared rule over the seeds whose files passed; a rule reading a seed that failed waits for its fix."""
    declared = {spec.name for spec in specs}
    for spec in specs:
        yml = spec.yml.relative_to(root).as_posix() if spec.yml.is_relative_to(root) else str(spec.yml)
        findings: list[Problem] = []
        for rule in spec.rules:
            if why := _declaration_problems(spec, rule, declared, yml):
                findings += [Problem(yml, "rule declaration", reason, column=rule.column) for reason in why]
                continue
            if spec.name not in tables or not seed_rules.referenced_seeds(rule.args) <= tables.keys():
                continue
            table = tables[spec.name]
            try:
                findings += [Problem(table.path, rule.rule, detail, line, column)
                             for line, column, detail in seed_rules.check(rule, tables)]
            except (KeyError, TypeError, ValueError, ArithmeticError) as error:  # arguments of the wrong shape
                findings.append(Problem(yml, "rule declaration", f"{rule.rule} cannot run with arguments "
                                        f"{rule.args!r} ({type(error).__name__}: {error})", column=rule.column))
        yield from _cap(iter(sorted(findings, key=lambda p: (p.path, p.line or 0))))


def check_seeds(seed_dir: Path, root: Path = ROOT) -> list[Problem]:
    def rel(path: Path) -> str:
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)

    problems: list[Problem] = []
    csvs: dict[str, list[Path]] = {}
    for path in sorted(seed_dir.rglob("*.csv")):
        csvs.setdefault(path.stem, []).append(path)
    specs = declared_seeds(seed_dir)
    declared_names = {spec.name for spec in specs}
    tables: dict[str, seed_rules.Table] = {}
    with duckdb.connect() as con:
        problems += _check_files(specs, csvs, tables, root, con)
    problems.extend(check_rules(specs, tables, root))
    for name, paths in csvs.items():
        if name not in declared_names:
            for path in paths:
                problems.append(Problem(rel(path), "undeclared seed", "no yml entry with column_types"))
    return problems


def _check_files(
    specs: list[SeedSpec],
    csvs: dict[str, list[Path]],
    tables: dict[str, seed_rules.Table],
    root: Path,
    con: duckdb.DuckDBPyConnection,
) -> list[Problem]:
    def rel(path: Path) -> str:
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)

    problems: list[Problem] = []
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
            found = check_csv(path, spec.column_types, root, con)
            problems.extend(found)
            if not found and len(paths) == 1:
                tables[spec.name] = read_table(spec, path, rel(path))
            crash_point("seed-check")
    return problems


RULES_DOC = Path("docs") / "seeds.md"
RULES_START, RULES_END = "<!-- seed-rules:start -->", "<!-- seed-rules:end -->"


def rules_doc(doc: str, specs: list[SeedSpec]) -> str:
    """docs/seeds.md with its row-rule table rendered from the seeds' declarations."""
    start, end = doc.index(RULES_START) + len(RULES_START), doc.index(RULES_END)
    table = seed_rules.render_table([rule for spec in specs for rule in spec.rules])
    return doc[:start] + "\n" + table + "\n" + doc[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project-dir", type=Path, default=Path.cwd())
    parser.add_argument("--write-rules", action="store_true", help=f"rewrite the row-rule table in {RULES_DOC}")
    args = parser.parse_args(argv)
    root = args.project_dir.resolve()
    if args.write_rules:
        doc = root / RULES_DOC
        doc.write_text(rules_doc(doc.read_text(encoding="utf-8"), declared_seeds(root / "seeds")), encoding="utf-8")
        return 0
    problems = check_seeds(root / "seeds", root)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"seed check failed: {len(problems)} problem(s); dbt was not run", file=sys.stderr)
        return 1
    specs = declared_seeds(root / "seeds")
    print(f"seed check passed: {len(specs)} seeds, {sum(len(spec.rules) for spec in specs)} declared row rules")
    return 0

