import pytest

from digital_city.presentation.docs_site import remote_render_loads


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<script src="https://cdn.example.org/angular.js"></script>', ["https://cdn.example.org/angular.js"]),
        ("<link rel=stylesheet href=//fonts.example.org/css>", ["//fonts.example.org/css"]),
        ("<style>@import url('http://fonts.example.org/a.css');</style>", ["http://fonts.example.org/a.css"]),
        ('<style>body { background: url("https://img.example.org/x.png") }</style>', ["https://img.example.org/x.png"]),
        ('<img alt=logo src="https://img.example.org/logo.svg">', ["https://img.example.org/logo.svg"]),
    ],
)
def test_network_loads_are_found(html, expected):
    assert remote_render_loads(html) == expected


@pytest.mark.parametrize(
    "html",
    [
        '<a href="https://docs.getdbt.com">docs</a>',
        "<script>var ns = 'http://www.w3.org/2000/svg';</script>",
        "<style>i { background: url(\"data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg'/>\") }</style>",
        '<script src="js/app.js"></script><link href="css/app.css" rel="stylesheet">',
    ],
)
def test_links_inline_data_and_local_files_are_not_loads(html):
    assert remote_render_loads(html) == []


def test_each_url_is_reported_once_in_order_of_appearance():
    html = '<script src="https://b.example.org/x.js"></script><link href="https://a.example.org/y.css">' * 2
    assert remote_render_loads(html) == ["https://b.example.org/x.js", "https://a.example.org/y.css"]
