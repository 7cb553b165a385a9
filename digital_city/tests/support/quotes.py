"""Verbatim-quote checking: every quote in the report seeds must appear in the report text.

The report's text comes from a PDF extraction: line breaks, tabs, markdown emphasis (**) and footnote markers
(<sup>1</sup>) fall in the middle of sentences. Both sides are normalised the same way, by dropping emphasis,
footnote markers and all whitespace, so a quote matches if and only if its characters appear in order.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path
from digital_city.project import ROOT

REPORT_SEEDS = ROOT / "seeds" / "report"
DEFAULT_REPORT_TEXT = ROOT.parent / "shared" / "source" / "digital-city-report.zh.txt"
QUOTE_COLUMN = "quote_zh"

_FOOTNOTE = re.compile(r"<sup>[^<]*</sup>")
_WHITESPACE = re.compile(r"\s+")


def report_text_path() -> Path:
    return Path(os.environ.get("DIGITAL_CITY_REPORT_TEXT", DEFAULT_REPORT_TEXT))


def on_ci() -> bool:
    """CI=true (as CI services set it): provenance checks must run there, never skip."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def report_text_missing_reason(path: Path) -> str | None:
    """Why the quote check cannot run here, or None when the report text is present."""
    if path.is_file():
        return None
    return (f"report text not found at {path} (../shared is absent beside this checkout, or "
            "DIGITAL_CITY_REPORT_TEXT points elsewhere); quotes not checked")


def normalise(text: str) -> str:
    text = _FOOTNOTE.sub("", text).replace("**", "")
    return _WHITESPACE.sub("", text)


@dataclass(frozen=True)
class Quote:
    seed: str
    row: int  # line number in the CSV file, header = 1
    key: str
    text: str


def seed_quotes(seed_dir: Path = REPORT_SEEDS) -> list[Quote]:
    quotes = []
    for path in sorted(seed_dir.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if QUOTE_COLUMN not in (reader.fieldnames or []):
                continue
            key_column = reader.fieldnames[0]
            for line, row in enumerate(reader, start=2):
                quotes.append(Quote(path.name, line, row[key_column], row[QUOTE_COLUMN]))
    return quotes


def missing_quotes(quotes: list[Quote], report_text: str) -> list[Quote]:
    haystack = normalise(report_text)
    return [q for q in quotes if not q.text.strip() or normalise(q.text) not in haystack]
