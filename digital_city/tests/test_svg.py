"""The pure SVG helpers of the visual report: scales, ticks, escaping, element builders."""

from __future__ import annotations

import math

import pytest

from digital_city.presentation import svg


@pytest.mark.parametrize(
    ("low", "high", "count", "expected"),
    [
        (0, 749, 8, [0, 100, 200, 300, 400, 500, 600, 700, 800]),
        (0, 1556, 6, [0, 500, 1000, 1500, 2000]),
        (0, 10, 5, [0, 2, 4, 6, 8, 10]),
        (3, 3, 4, [3, 3.25, 3.5, 3.75, 4]),
    ],
)
def test_nice_ticks_cover_the_range_with_round_steps(low, high, count, expected):
    ticks = svg.nice_ticks(low, high, count)
    assert ticks == pytest.approx(expected)
    assert ticks[0] <= low and ticks[-1] >= high


def test_nice_ticks_reject_an_inverted_range():
    with pytest.raises(ValueError):
        svg.nice_ticks(5, 1)


def test_linear_scale_maps_ends_and_inverts_for_a_y_axis():
    y = svg.LinearScale((0, 800), (380, 36))
    assert y(0) == 380 and y(800) == 36
    assert y(400) == pytest.approx(208)
    with pytest.raises(ValueError):
        svg.LinearScale((1, 1), (0, 10))


def test_log_scale_spaces_decades_evenly_and_refuses_zero():
    x = svg.LogScale((1e7, 1e10), (0, 300))
    assert [x(v) for v in (1e7, 1e8, 1e9, 1e10)] == pytest.approx([0, 100, 200, 300])
    assert x.decade_ticks() == [1e7, 1e8, 1e9, 1e10]
    assert svg.LogScale((5e6, 5e9), (0, 1)).decade_ticks() == [1e7, 1e8, 1e9]
    with pytest.raises(ValueError):
        x(0)
    with pytest.raises(ValueError):
        svg.LogScale((0, 10), (0, 1))


def test_log_domain_rounds_out_to_whole_decades():
    assert svg.log_domain([5e7, 1.7e9]) == (1e7, 1e10)
    with pytest.raises(ValueError):
        svg.log_domain([0, -1])


def test_band_scale_places_bands_with_padding():
    band = svg.BandScale(("2013", "2014", "2015", "2016"), (0, 400), padding=0.5)
    assert band.step == 100 and band.bandwidth == 50
    assert band.start("2013") == 25 and band.center("2014") == 150
    with pytest.raises(ValueError):
        svg.BandScale(("a", "a"), (0, 1))
    with pytest.raises(ValueError):
        band.start("2019")


def test_text_and_attributes_are_escaped():
    hostile = "<script>alert(\"x\")</script> & 'q'"
    node = svg.text(1, 2, hostile, data_note=hostile)
    assert "<script>" not in node
    assert node.count("&lt;script&gt;") == 2
    assert "&quot;x&quot;" in node and "&amp;" in node and "&#x27;q&#x27;" in node
    assert svg.esc(None) == ""


def test_rect_marks_data_and_carries_an_escaped_tooltip():
    node = svg.rect(0, 0, 10, -5, mark=True, title="<b>", fill="#fff")
    assert 'class="mark"' in node
    assert 'height="0"' in node  # a negative size is clamped, never an invalid attribute
    assert "<title>&lt;b&gt;</title>" in node
    assert 'class="' not in svg.rect(0, 0, 1, 1)


def test_attribute_names_and_coordinates():
    assert (
        svg.attrs(stroke_width=2, text_anchor="end", class_="a", skipped=None)
        == 'stroke-width="2" text-anchor="end" class="a"'
    )
    assert svg.fmt(12.0) == "12" and svg.fmt(12.345) == "12.3"


def test_svg_document_is_responsive_and_labelled():
    doc = svg.svg_document(960, 400, [svg.circle(1, 1, 2, mark=True)], 'a "b"')
    assert doc.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 960 400" role="img"')
    assert 'aria-label="a &quot;b&quot;"' in doc and doc.endswith("</svg>")


def test_wrap_keeps_words_whole():
    assert svg.wrap("Facilities and resources", 14) == ["Facilities and", "resources"]
    assert svg.wrap("Supercalifragilistic x", 5) == ["Supercalifragilistic", "x"]
    with pytest.raises(ValueError):
        svg.wrap("x", 0)


def test_power_of_ten_labels_in_chinese_and_english():
    assert svg.power_of_ten_labels(1e8) == ("1亿", "100M")
    assert svg.power_of_ten_labels(1e7) == ("1千万", "10M")
    with pytest.raises(ValueError):
        svg.power_of_ten_labels(2e8)


def test_text_width_counts_cjk_as_a_full_em():
    assert svg.text_width("成立", 10) == 20
    assert math.isclose(svg.text_width("ab", 10), 12)
