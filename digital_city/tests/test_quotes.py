import pytest

from digital_city.checks.quotes import Quote, missing_quotes, normalise, report_text_path, seed_quotes


def test_normalise_drops_layout_noise():
    assert normalise("阅读量**超过5千万**\n 篇<sup>2</sup>") == "阅读量超过5千万篇"


def test_missing_quotes_flags_an_altered_figure():
    report = "- 强互动属性的城市挑战赛，点击播放17亿次以上"
    good = Quote("s.csv", 2, "k1", "点击播放17亿次以上")
    altered = Quote("s.csv", 3, "k2", "点击播放18亿次以上")
    blank = Quote("s.csv", 4, "k3", " ")
    assert missing_quotes([good, altered, blank], report) == [altered, blank]


def test_every_seed_quote_is_verbatim_in_the_report():
    path = report_text_path()
    if not path.is_file():
        pytest.skip(f"report text not found at {path} (../shared is absent in this checkout); quotes not checked")
    quotes = seed_quotes()
    assert quotes, "no quotes found in seeds/report"
    missing = missing_quotes(quotes, path.read_text(encoding="utf-8"))
    assert not missing, "quotes not found verbatim in the report:\n" + "\n".join(
        f"  {q.seed} line {q.row} ({q.key}): {q.text}" for q in missing
    )
