"""Pure helpers for static inline SVG charts: scales, nice ticks, escaping and element builders.

Every chart element that stands for a data value carries class="mark", so the page's own check and the
browser test can count what was drawn (see digital_city/presentation/report.py).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

MARK = "mark"


def esc(value: object) -> str:
    """Escape any value for HTML/SVG text and attribute values (quotes included)."""
    return html.escape("" if value is None else str(value), quote=True)


def nice_step(span: float, count: int) -> float:
    """A 1-2-5 step that splits `span` into about `count` intervals."""
    if span <= 0 or count <= 0:
        raise ValueError(f"span and count must be positive, got {span} and {count}")
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power * (1 + 1e-9):
            return factor * power
    return 10 * power


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]; the first tick <= low and the last >= high."""
    if high < low:
        raise ValueError(f"high {high} is below low {low}")
    if high == low:
        high = low + 1
    step = nice_step(high - low, count)
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    n = round((last - first) / step)
    return [round(first + i * step, 10) for i in range(n + 1)]


@dataclass(frozen=True)
class LinearScale:
    domain: tuple[float, float]
    range: tuple[float, float]

    def __post_init__(self) -> None:
        if self.domain[0] == self.domain[1]:
            raise ValueError("a linear scale needs a domain of non-zero width")

    def __call__(self, value: float) -> float:
        (d0, d1), (r0, r1) = self.domain, self.range
        return r0 + (float(value) - d0) / (d1 - d0) * (r1 - r0)


@dataclass(frozen=True)
class LogScale:
    """Base-10 log scale; values must be positive (a log axis cannot show zero)."""

    domain: tuple[float, float]
    range: tuple[float, float]

    def __post_init__(self) -> None:
        if self.domain[0] <= 0 or self.domain[1] <= 0 or self.domain[0] == self.domain[1]:
            raise ValueError(f"a log scale needs two distinct positive domain ends, got {self.domain}")

    def __call__(self, value: float) -> float:
        if value <= 0:
            raise ValueError(f"a log scale cannot place {value}")
        (d0, d1), (r0, r1) = self.domain, self.range
        t = (math.log10(value) - math.log10(d0)) / (math.log10(d1) - math.log10(d0))
        return r0 + t * (r1 - r0)

    def decade_ticks(self) -> list[float]:
        low, high = sorted(self.domain)
        return [10.0**e for e in range(math.ceil(math.log10(low) - 1e-9), math.floor(math.log10(high) + 1e-9) + 1)]


def log_domain(values: Sequence[float]) -> tuple[float, float]:
    """Whole decades around the positive values."""
    positive = [v for v in values if v > 0]
    if not positive:
        raise ValueError("no positive value for a log domain")
    return 10.0 ** math.floor(math.log10(min(positive))), 10.0 ** math.ceil(math.log10(max(positive)) + 1e-9)


@dataclass(frozen=True)
class BandScale:
    """Equal bands for categories along [start, end], with `padding` (0-1) of each band left empty."""

    categories: tuple[str, ...]
    range: tuple[float, float]
    padding: float = 0.2

    def __post_init__(self) -> None:
        if not self.categories:
            raise ValueError("a band scale needs at least one category")
        if len(set(self.categories)) != len(self.categories):
            raise ValueError("band scale categories must be distinct")

    @property
    def step(self) -> float:
        return (self.range[1] - self.range[0]) / len(self.categories)

    @property
    def bandwidth(self) -> float:
        return self.step * (1 - self.padding)

    def start(self, category: str) -> float:
        return self.range[0] + self.categories.index(category) * self.step + self.step * self.padding / 2

    def center(self, category: str) -> float:
        return self.start(category) + self.bandwidth / 2


def fmt(value: float) -> str:
    """Coordinates with at most one decimal, so the markup stays small."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def attrs(**values: object) -> str:
    """Attributes from keywords (trailing underscore dropped, other underscores become dashes); None is skipped."""
    parts = []
    for key, value in values.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        shown = fmt(value) if isinstance(value, float) else value
        parts.append(f'{name}="{esc(shown)}"')
    return " ".join(parts)


def tooltip(title: str | None) -> str:
    return f"<title>{esc(title)}</title>" if title else ""


def rect(
    x: float, y: float, width: float, height: float, *, mark: bool = False, title: str | None = None, **extra: object
) -> str:
    cls = extra.pop("class_", None)
    classes = " ".join(c for c in (MARK if mark else None, cls) if c) or None
    a = attrs(
        x=float(x), y=float(y), width=float(max(width, 0.0)), height=float(max(height, 0.0)), class_=classes, **extra
    )
    return f"<rect {a}>{tooltip(title)}</rect>" if title else f"<rect {a}/>"


def circle(cx: float, cy: float, r: float, *, mark: bool = False, title: str | None = None, **extra: object) -> str:
    cls = extra.pop("class_", None)
    classes = " ".join(c for c in (MARK if mark else None, cls) if c) or None
    a = attrs(cx=float(cx), cy=float(cy), r=float(r), class_=classes, **extra)
    return f"<circle {a}>{tooltip(title)}</circle>" if title else f"<circle {a}/>"


def line(x1: float, y1: float, x2: float, y2: float, **extra: object) -> str:
    return f"<line {attrs(x1=float(x1), y1=float(y1), x2=float(x2), y2=float(y2), **extra)}/>"


def polyline(points: Sequence[tuple[float, float]], **extra: object) -> str:
    coords = " ".join(f"{fmt(x)},{fmt(y)}" for x, y in points)
    return f"<polyline {attrs(points=coords, fill='none', **extra)}/>"


def polygon(
    points: Sequence[tuple[float, float]], *, mark: bool = False, title: str | None = None, **extra: object
) -> str:
    coords = " ".join(f"{fmt(x)},{fmt(y)}" for x, y in points)
    cls = extra.pop("class_", None)
    classes = " ".join(c for c in (MARK if mark else None, cls) if c) or None
    a = attrs(points=coords, class_=classes, **extra)
    return f"<polygon {a}>{tooltip(title)}</polygon>" if title else f"<polygon {a}/>"


def text(x: float, y: float, content: object, **extra: object) -> str:
    return f"<text {attrs(x=float(x), y=float(y), **extra)}>{esc(content)}</text>"


def svg_document(width: int, height: int, body: Sequence[str], label: str) -> str:
    """A responsive <svg> (viewBox) with an accessible label."""
    head = attrs(xmlns="http://www.w3.org/2000/svg", viewBox=f"0 0 {width} {height}", role="img", aria_label=label)
    return f"<svg {head}>" + "".join(body) + "</svg>"


def wrap(content: str, max_chars: int) -> list[str]:
    """Split text at spaces into lines of at most `max_chars` (a longer single word stays whole)."""
    if max_chars < 1:
        raise ValueError("max_chars must be at least 1")
    lines: list[str] = []
    current = ""
    for word in content.split():
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= max_chars or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


_CN_POWERS = {
    0: "1",
    1: "10",
    2: "100",
    3: "1千",
    4: "1万",
    5: "10万",
    6: "100万",
    7: "1千万",
    8: "1亿",
    9: "10亿",
    10: "100亿",
    11: "1千亿",
    12: "1万亿",
}
_EN_POWERS = {
    0: "1",
    1: "10",
    2: "100",
    3: "1K",
    4: "10K",
    5: "100K",
    6: "1M",
    7: "10M",
    8: "100M",
    9: "1B",
    10: "10B",
    11: "100B",
    12: "1T",
}


def power_of_ten_labels(value: float) -> tuple[str, str]:
    """Chinese and English labels of a power of ten (1e8 -> ('1亿', '100M')), for log-axis ticks."""
    exponent = round(math.log10(value)) if value > 0 else None
    if exponent is None or not math.isclose(value, 10.0**exponent) or exponent not in _CN_POWERS:
        raise ValueError(f"{value} is not a power of ten between 1 and 1e12")
    return _CN_POWERS[exponent], _EN_POWERS[exponent]


def text_width(content: str, size: float) -> float:
    """Rough rendered width: CJK and full-width characters take a full em, others about 0.6 em."""
    wide = sum(1 for ch in content if ord(ch) >= 0x2E80)
    return (wide + 0.6 * (len(content) - wide)) * size
