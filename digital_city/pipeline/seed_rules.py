"""The row rules of the seeds: declared in each seed's yml, checked by the seed check in one pass per seed, before dbt.

A rule is declared once, beside what it constrains: a column's rules in that column's `config.meta.rules`, rules over
several columns or seeds in the seed's `config.meta.rules`. An entry is a rule name, or `name: arguments`:

    columns:
      - name: designation_count
        config: {meta: {rules: [not_null, {value_between: {min: 0}}, number_in_quote]}}

Every problem names the seed file, the line and column of the offending cell, and the rule; docs/seeds.md lists the
rules and what each checks. A rule that reads another seed (relationships, stated_count, ...) is skipped while that
seed has problems of its own: those are reported first, and its rows cannot be trusted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# A key or a code: lowercase ASCII words joined by single underscores. Looks-alike letters, invisible characters and
# spaces cannot hide in it, so a key that prints the same is the same key.
CODE = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")
_INTEGER_TYPES = {"tinyint", "smallint", "int2", "integer", "int", "int4", "bigint", "int8", "hugeint"}


@dataclass(frozen=True)
class Table:
    """One seed whose file passed the seed check's file, header and type rules: its cells as text and typed."""

    name: str
    path: str  # relative to the project root
    types: Mapping[str, str]  # column -> declared type, lowercase
    rows: list[tuple[int, dict[str, str]]]  # (line the record starts on, cells by column)

    def value(self, cells: Mapping[str, str], column: str) -> Any:
        return typed(cells[column], self.types.get(column, "varchar"))

    def values(self, column: str) -> Iterator[tuple[int, Any]]:
        for line, cells in self.rows:
            yield line, self.value(cells, column)

    def line_of(self, column: str, value: Any) -> int | None:
        return next((line for line, v in self.values(column) if v == value), None)


def typed(text: str, declared: str) -> Any:
    """The value dbt loads from `text`; the seed check has already proven that the text reads as its type."""
    if text == "":
        return None
    kind = declared.strip().lower()
    if kind in _INTEGER_TYPES:
        return int(text)
    if kind.startswith(("decimal", "numeric", "double", "float", "real")):
        return Decimal(text)
    if kind == "date":
        return dt.date.fromisoformat(text)
    if kind in {"boolean", "bool"}:
        return text == "true"
    return text


def _as(value: Any, like: Any) -> Any:
    """A rule's argument as the column's type, so 2020-12-01 compares with dates and 0.5 with decimals."""
    if isinstance(like, dt.date) and not isinstance(value, dt.date):
        return dt.date.fromisoformat(str(value))
    if isinstance(like, Decimal | int) and not isinstance(like, bool) and not isinstance(value, Decimal):
        return Decimal(str(value))
    return value


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


# A finding: the line and column it sits on, and what is wrong there.
Finding = tuple[int | None, str | None, str]
Seeds = Mapping[str, Table]
ColumnRule = Callable[[Table, str, Any, Seeds], Iterator[Finding]]
TableRule = Callable[[Table, Any, Seeds], Iterator[Finding]]


def _where(table: Table, cells: Mapping[str, str], where: Mapping[str, Any] | None) -> bool:
    return all(cells[column] == str(value) for column, value in (where or {}).items())


# --- column rules -----------------------------------------------------------------------------------------------


def not_null(table: Table, column: str, _: Any, __: Seeds) -> Iterator[Finding]:
    """Every row fills the column."""
    for line, cells in table.rows:
        if cells[column] == "":
            yield line, column, "blank: every row fills it"


def unique(table: Table, column: str, _: Any, __: Seeds) -> Iterator[Finding]:
    """No value twice (blanks aside)."""
    first: dict[Any, int] = {}
    for line, value in table.values(column):
        if value is None:
            continue
        if value in first:
            yield line, column, f"{_show(value)} is also on line {first[value]}"
        first.setdefault(value, line)


def value_between(table: Table, column: str, bounds: Mapping[str, Any], _: Seeds) -> Iterator[Finding]:
    """The value lies within `min`..`max` (either may be left open; dates compare as dates)."""
    low, high = bounds.get("min"), bounds.get("max")
    for line, cells in table.rows:
        value = table.value(cells, column)
        if value is None or not _where(table, cells, bounds.get("where")):
            continue
        if (low is not None and value < _as(low, value)) or (high is not None and value > _as(high, value)):
            shown = f"{low if low is not None else '-∞'}..{high if high is not None else '∞'}"
            yield line, column, f"{value} is outside {shown}"


def percent_bounds(table: Table, column: str, args: Mapping[str, Any] | None, seeds: Seeds) -> Iterator[Finding]:
    """A share in percent points lies within 0..100 (on the rows `where` selects)."""
    yield from value_between(table, column, {"min": 0, "max": 100, **(args or {})}, seeds)


def accepted_values(table: Table, column: str, values: list[Any], _: Seeds) -> Iterator[Finding]:
    """The value is one of the listed ones."""
    accepted = {str(v) for v in values}
    for line, cells in table.rows:
        if cells[column] != "" and cells[column] not in accepted:
            yield line, column, f"{cells[column]!r} is not one of {', '.join(sorted(accepted))}"


def relationships(table: Table, column: str, args: Mapping[str, Any], seeds: Seeds) -> Iterator[Finding]:
    """The value is a `field` of the seed `to` (a lookup code, a key of another seed)."""
    target = seeds[args["to"]]
    known = {value for _, value in target.values(args["field"]) if value is not None}
    for line, value in table.values(column):
        if value is not None and value not in known:
            yield line, column, f"{_show(value)} is not a {args['field']} of {target.path}"


def quote_length(table: Table, column: str, args: Mapping[str, Any], _: Seeds) -> Iterator[Finding]:
    """A quote is long enough to hold its figure and short enough to be a quote (`min`..`max` characters)."""
    for line, cells in table.rows:
        length = len(cells[column])
        if not args["min"] <= length <= args["max"]:
            yield line, column, f"{length} characters, a quote has {args['min']} to {args['max']}"


def label_printed_in_quote(table: Table, column: str, args: Mapping[str, Any], seeds: Seeds) -> Iterator[Finding]:
    """The label of the row's code (in the lookup `to`) is printed in the row's quote."""
    target = seeds[args["to"]]
    labels = {target.value(cells, args["field"]): cells[args["label"]] for _, cells in target.rows}
    quote_column = args.get("quote", "quote_zh")
    for line, cells in table.rows:
        value = table.value(cells, column)
        if value is None:
            continue
        label = labels.get(value, "")
        if not label or label not in cells[quote_column]:
            yield line, column, (f"its label {label!r} ({target.path} {args['label']}) is not printed in "
                                 f"{quote_column} {cells[quote_column][:60]!r}")


def exact_rank_set(table: Table, column: str, args: Mapping[str, Any], _: Seeds) -> Iterator[Finding]:
    """Each group (`group_by`) holds exactly the listed `ranks`, each once."""
    groups: dict[tuple[str, ...], list[tuple[int, Any]]] = defaultdict(list)
    for line, cells in table.rows:
        groups[tuple(cells[c] for c in args["group_by"])].append((line, table.value(cells, column)))
    expected = list(args["ranks"])
    for key, ranked in groups.items():
        found = sorted((rank for _, rank in ranked), key=lambda r: (r is None, r or 0))
        if found != expected:
            group = ", ".join(f"{c}={v}" for c, v in zip(args["group_by"], key, strict=True))
            lines = ", ".join(str(line) for line, _ in ranked)
            yield ranked[0][0], column, f"{group} has ranks {found}, not {expected} (lines {lines})"


def code(table: Table, column: str, _: Any, __: Seeds) -> Iterator[Finding]:
    """A key or code is lowercase ASCII words joined by single underscores."""
    for line, cells in table.rows:
        value = cells[column]
        if value and not CODE.fullmatch(value):
            bad = next((f"{ch!r} (U+{ord(ch):04X}) at character {i + 1}" for i, ch in enumerate(value)
                        if not (ch.isascii() and (ch.islower() or ch.isdigit() or ch == "_"))), "misplaced '_'")
            yield line, column, f"{value!r} is not lowercase ASCII words joined by '_': {bad}"


def printed_in_quote(table: Table, column: str, args: Mapping[str, Any] | None, _: Seeds) -> Iterator[Finding]:
    """The cell's printed text appears verbatim in the row's quote."""
    quote_column = (args or {}).get("quote", "quote_zh")
    for line, cells in table.rows:
        if cells[column] and cells[column] not in cells[quote_column]:
            yield line, column, f"{cells[column]!r} is not printed in {quote_column} {cells[quote_column][:60]!r}"


def number_in_quote(table: Table, column: str, args: Mapping[str, Any] | None, _: Seeds) -> Iterator[Finding]:
    """The row's number is printed in its quote, as a number of its own (90 is not found in 190 or 9.0)."""
    quote_column = (args or {}).get("quote", "quote_zh")
    for line, cells in table.rows:
        value = table.value(cells, column)
        if value is None:
            continue
        printed = [Decimal(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", cells[quote_column])]
        if Decimal(value) not in printed:
            yield line, column, (f"the row says {value}, its {quote_column} {cells[quote_column][:60]!r} prints "
                                 f"{', '.join(str(n) for n in printed) or 'no number'}")


_DIGITS = {ch: n for n, ch in enumerate("零一二三四五六七八九")} | {"两": 2}
_MULTIPLIERS = {"十": 10, "百": 100, "千": 1_000, "万": 10_000, "亿": 100_000_000}
_NUMBER = re.compile(r"(?P<arabic>\d[\d,]*(?:\.\d+)?(?:/\d+)?)?(?P<chinese>[零一二两三四五六七八九十百]+)?(?P<scale>[千万亿]*)")


def _chinese_integer(text: str) -> int:
    total, digit = 0, None
    for ch in text:
        if ch in _MULTIPLIERS:
            total += (1 if digit is None else digit) * _MULTIPLIERS[ch]
            digit = None
        else:
            digit = _DIGITS[ch]
    return total + (digit or 0)


def read_printed_numbers(text: str, percent: bool) -> list[Decimal]:
    """The numbers a printed figure states, in order: 17亿 -> 1700000000, 超万亿 -> 10^12, 五大 -> 5, 1/3 (of a
    share) -> 33.33..., 8,411 -> 8411, 40-60% -> 40, 60."""
    numbers: list[Decimal] = []
    for match in _NUMBER.finditer(text):
        arabic, chinese, scale = match["arabic"], match["chinese"], match["scale"]
        if not (arabic or chinese or scale):
            continue
        if arabic and "/" in arabic:
            top, bottom = arabic.replace(",", "").split("/")
            number = Decimal(top) / Decimal(bottom) * (100 if percent else 1)
        elif arabic:
            number = Decimal(arabic.replace(",", ""))
        elif chinese:
            number = Decimal(_chinese_integer(chinese))
        else:
            number = Decimal(1)
        for ch in scale:
            number *= _MULTIPLIERS[ch]
        numbers.append(number)
    return numbers


def printed_value(table: Table, column: str, args: Mapping[str, Any] | None, _: Seeds) -> Iterator[Finding]:
    """The stored figure is the one its printed text states: `raw` read as numbers (17亿, 超过1/3, 40-60%) equals the
    row's value, or its low and high ends; a value whose printed text states no number is left alone."""
    args = args or {}
    raw = args.get("raw", "value_raw")
    ends = [c for c in (column, args.get("low"), args.get("high")) if c]
    for line, cells in table.rows:
        stored = [(c, table.value(cells, c)) for c in ends if cells[c] != ""]
        if not cells[raw] or not stored:
            continue
        printed = read_printed_numbers(cells[raw], percent=cells.get("unit") == "percent")
        if not printed:
            continue
        same = len(printed) == len(stored) and all(
            round(p, -Decimal(v).as_tuple().exponent) == Decimal(v)  # to the places the stored value keeps
            for p, (_, v) in zip(printed, stored, strict=True)
        )
        if not same:
            shown = ", ".join(f"{c} {v}" for c, v in stored)
            numbers = ", ".join(f"{n.normalize():f}" for n in printed)
            yield line, stored[0][0], f"{raw} {cells[raw]!r} states {numbers}; the row has {shown}"


def year_of(table: Table, column: str, date_column: str, _: Seeds) -> Iterator[Finding]:
    """The year is the year of the row's date in the named column."""
    for line, cells in table.rows:
        year, date = table.value(cells, column), table.value(cells, date_column)
        if year is not None and date is not None and year != date.year:
            yield line, column, f"{year}, but {date_column} is {date}"


# --- table rules: over several columns of a row, several rows, or several seeds ----------------------------------


def primary_key(table: Table, columns: list[str], _: Seeds) -> Iterator[Finding]:
    """The columns are filled on every row and identify it."""
    first: dict[tuple[Any, ...], int] = {}
    for line, cells in table.rows:
        for column in columns:
            if cells[column] == "":
                yield line, column, "blank: a key column is always filled"
        key = tuple(table.value(cells, c) for c in columns)
        if key in first:
            yield line, ", ".join(columns), f"key {', '.join(map(_show, key))} is also on line {first[key]}"
        first.setdefault(key, line)


def required_columns(table: Table, columns: list[str], seeds: Seeds) -> Iterator[Finding]:
    """Every row fills each listed column."""
    for column in columns:
        yield from not_null(table, column, None, seeds)


def unique_combination(table: Table, columns: list[str], _: Seeds) -> Iterator[Finding]:
    """No combination of the listed columns twice."""
    first: dict[tuple[Any, ...], int] = {}
    for line, cells in table.rows:
        key = tuple(table.value(cells, c) for c in columns)
        if key in first:
            yield line, ", ".join(columns), f"{', '.join(map(_show, key))} is also on line {first[key]}"
        first.setdefault(key, line)


def value_pairs_ordered(table: Table, args: Mapping[str, str], _: Seeds) -> Iterator[Finding]:
    """The `low` column is not above the `high` one (a range, a part and its whole)."""
    low, high = args["low"], args["high"]
    for line, cells in table.rows:
        a, b = table.value(cells, low), table.value(cells, high)
        if a is not None and b is not None and a > b:
            yield line, high, f"{low} {a} is above {high} {b}"


def has_match_in(table: Table, args: Mapping[str, Any], seeds: Seeds) -> Iterator[Finding]:
    """Every combination of `columns` has a row in the seed `to`: relationships over several columns."""
    target = seeds[args["to"]]
    columns = list(args["columns"])
    targets = list(args.get("to_columns") or columns)
    known = {tuple(target.value(cells, c) for c in targets) for _, cells in target.rows}
    for line, cells in table.rows:
        key = tuple(table.value(cells, c) for c in columns)
        if key not in known:
            shown = ", ".join(f"{c}={v}" for c, v in zip(targets, key, strict=True))
            yield line, ", ".join(columns), f"no row of {target.path} has {shown}"


def at_least_one_of(table: Table, columns: list[str], _: Seeds) -> Iterator[Finding]:
    """At least one of the listed columns is filled."""
    for line, cells in table.rows:
        if all(cells[c] == "" for c in columns):
            yield line, columns[0], f"{' and '.join(columns)} are all blank: one of them is printed"


def null_exactly_when(table: Table, args: Mapping[str, Any], _: Seeds) -> Iterator[Finding]:
    """The column is blank on exactly the rows `where` selects."""
    column, where = args["column"], args["where"]
    condition = " and ".join(f"{c} = {v}" for c, v in where.items())
    for line, cells in table.rows:
        blank, matches = cells[column] == "", _where(table, cells, where)
        if blank != matches:
            yield line, column, (f"blank although not {condition}" if blank else f"filled although {condition}")


def _counted(seeds: Seeds, args: Mapping[str, Any]) -> tuple[Table, Counter[Any]]:
    rows_in = seeds[args["rows_in"]]
    return rows_in, Counter(value for _, value in rows_in.values(args["key"]))


def stated_count(table: Table, args: Mapping[str, Any], seeds: Seeds) -> Iterator[Finding]:
    """A count a seed states about rows of another seed (a member list's `entities_listed`) is their number."""
    rows_in, counts = _counted(seeds, args)
    column, key = args["column"], args["key"]
    for line, cells in table.rows:
        stated, listed = table.value(cells, column), counts[table.value(cells, key)]
        if stated is not None and stated != listed:
            yield line, column, f"states {stated}, {rows_in.path} has {listed} rows for {key} {cells[key]}"


def completeness_flag(table: Table, args: Mapping[str, Any], seeds: Seeds) -> Iterator[Finding]:
    """A list flagged complete holds as many rows as the report prints for it; a partial one fewer; none more."""
    rows_in, counts = _counted(seeds, args)
    column, key, printed = args["column"], args["key"], args["printed"]
    printing = seeds[printed["seed"]]
    print_count = {printing.value(cells, key): (line, printing.value(cells, printed["column"]))
                   for line, cells in printing.rows}
    for line, cells in table.rows:
        flag, listed = cells[column], counts[table.value(cells, key)]
        if table.value(cells, key) not in print_count:
            continue  # the key's relationships rule reports it
        printed_line, count = print_count[table.value(cells, key)]
        where = f"{printing.path} line {printed_line} {printed['column']} {count}"
        if count is not None and listed > count:
            yield line, column, f"{rows_in.path} lists {listed} rows for {cells[key]}, more than the printed {where}"
        elif flag == "complete" and listed != count:
            yield line, column, f"complete, but {rows_in.path} lists {listed} rows against the printed {where}"
        elif flag == "partial" and listed == count:
            yield line, column, f"partial, but {rows_in.path} lists all {listed} rows of the printed {where}"


def shares_of_one_whole(table: Table, args: Mapping[str, Any], _: Seeds) -> Iterator[Finding]:
    """Shares that make up one whole sum to 100, within `tolerance` points per share (each may be rounded): the
    shares are `columns` of one row, or `column` over the rows of a group (`group_by`, limited by `where`)."""
    tolerance = Decimal(str(args.get("tolerance", 0)))
    if "columns" in args:
        for line, cells in table.rows:
            shares = [table.value(cells, c) for c in args["columns"]]
            if None not in shares and abs(sum(shares) - 100) > tolerance * len(shares):
                yield line, args["columns"][-1], f"{' + '.join(map(str, shares))} = {sum(shares)}, not 100"
        return
    groups: dict[tuple[str, ...], list[tuple[int, Any]]] = defaultdict(list)
    for line, cells in table.rows:
        if _where(table, cells, args.get("where")) and cells[args["column"]] != "":
            groups[tuple(cells[c] for c in args["group_by"])].append((line, table.value(cells, args["column"])))
    for key, shares in groups.items():
        total = sum(value for _, value in shares)
        if abs(total - 100) > tolerance * len(shares):
            group = ", ".join(f"{c}={v}" for c, v in zip(args["group_by"], key, strict=True))
            lines = " + ".join(f"{value} (line {line})" for line, value in shares)
            yield shares[-1][0], args["column"], f"the shares of {group} sum to {total}, not 100: {lines}"


COLUMN_RULES: dict[str, ColumnRule] = {
    rule.__name__: rule
    for rule in (not_null, unique, value_between, percent_bounds, accepted_values, relationships, quote_length,
                 label_printed_in_quote, exact_rank_set, code, printed_in_quote, number_in_quote, printed_value,
                 year_of)
}
TABLE_RULES: dict[str, TableRule] = {
    rule.__name__: rule
    for rule in (primary_key, required_columns, unique_combination, value_pairs_ordered, has_match_in,
                 at_least_one_of, null_exactly_when, stated_count, completeness_flag, shares_of_one_whole)
}


@dataclass(frozen=True)
class Declared:
    seed: str
    rule: str
    args: Any
    column: str | None  # None: a rule of the seed


def parse(entry: Any) -> tuple[str, Any]:
    if isinstance(entry, str):
        return entry, None
    if isinstance(entry, dict) and len(entry) == 1:
        ((name, args),) = entry.items()
        return str(name), args
    raise ValueError(f"a rule is a name or one `name: arguments` pair, not {entry!r}")


def referenced_seeds(args: Any) -> set[str]:
    """The seeds a rule's arguments name (to, rows_in, printed.seed)."""
    if not isinstance(args, dict):
        return set()
    found = {str(args[k]) for k in ("to", "rows_in", "seed") if k in args}
    return found | {s for v in args.values() for s in referenced_seeds(v)}


def declared_rules(seed: str, document_seed: Mapping[str, Any]) -> list[Declared]:
    """The rules a seed's yml entry declares, for the seed and for each of its columns."""
    def rules_of(node: Mapping[str, Any]) -> list[Any]:
        return list((((node.get("config") or {}).get("meta") or {}).get("rules")) or [])

    found = [Declared(seed, *parse(entry), None) for entry in rules_of(document_seed)]
    for column in document_seed.get("columns") or []:
        found += [Declared(seed, *parse(entry), column["name"]) for entry in rules_of(column)]
    return found


def check(rule: Declared, seeds: Seeds) -> Iterator[Finding]:
    table = seeds[rule.seed]
    if rule.column is None:
        yield from TABLE_RULES[rule.rule](table, rule.args, seeds)
    else:
        yield from COLUMN_RULES[rule.rule](table, rule.column, rule.args, seeds)


def _summary(rule: Callable[..., Any]) -> str:
    return " ".join((rule.__doc__ or "").split("\n\n")[0].split())


def render_table(declared: list[Declared]) -> str:
    """The markdown table of docs/seeds.md: each rule, what it checks and how many times the seeds declare it."""
    counts = Counter(rule.rule for rule in declared)
    lines = ["| rule | declared on | what it checks | declarations |", "| --- | --- | --- | ---: |"]
    for kind, rules in (("a column", COLUMN_RULES), ("a seed", TABLE_RULES)):
        lines += [f"| `{name}` | {kind} | {_summary(rule)} | {counts[name]} |" for name, rule in sorted(rules.items())]
    lines.append(f"| **all** | | | **{len(declared)}** |")
    return "\n".join(lines)
