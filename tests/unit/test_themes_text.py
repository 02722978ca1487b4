"""The Themes page's words and figures (ui/themes/text.py, ui/themes/charts.py)."""

from __future__ import annotations

import base64
import json

import numpy as np
import pandas as pd
import pytest

from scoring.text import contrast
from scoring.text.terms import TermMatrix
from ui.themes import charts
from ui.themes import text as words


def rows(*found: tuple[str, int, int, float, float, float]) -> pd.DataFrame:
    """Comparison rows: (term, reviews_a, reviews_b, share_a, share_b, z)."""
    table = pd.DataFrame(found, columns=["term", "reviews_a", "reviews_b", "share_a", "share_b",
                                         "z"])
    table["lemmas"] = table["term"]
    table["log_odds"] = table["z"] / 10
    table["p_value"] = 0.01
    table["verdict"] = [contrast.verdict(z) for z in table["z"]]
    return table


def comparison(table: pd.DataFrame, a: str = "this period", b: str = "the period before",
               size_a: int = 400, size_b: int = 380) -> contrast.Comparison:
    return contrast.Comparison(table, a, b, size_a, size_b)


def test_exclusions_are_parsed_plainly() -> None:
    assert words.parse_exclusions("Portal, migration ;  hold\nPORTAL,, ") == (
        "portal", "migration", "hold")
    assert words.parse_exclusions("deutsche   bahn") == ("deutsche bahn",)
    assert words.parse_exclusions(None) == ()
    many = ",".join(f"w{i}" for i in range(500))
    assert len(words.parse_exclusions(many)) == words.MAX_EXCLUSIONS
    assert len(words.parse_exclusions("x" * 1000)[0]) == words.MAX_WORD_CHARS


@pytest.mark.parametrize(("share", "expected"),
                         [(0.12, "12%"), (0.004, "0.4%"), (0.0, "0%"), (1.0, "100%"),
                          (float("nan"), "n/a")])
def test_shares(share: float, expected: str) -> None:
    assert words.share_text(share) == expected


def test_a_terms_difference_in_plain_words() -> None:
    row = {"term": "portal", "share_a": 0.12, "share_b": 0.02, "z": 8.1}
    assert words.contrast_sentence(row, "1-2 stars", "4-5 stars") == (
        "used by 12% of 1-2 star reviews vs 2% of 4-5 star reviews; very clear (z = 8.1)")
    assert words.term_sentence({**row, "term": "**x**"}, "1-2 stars", "4-5 stars").startswith(
        "“\\*\\*x\\*\\*” is used by 12% of 1\\-2 star reviews")
    assert words.verdict_text(-2.0) == "likely (z = -2.0)"
    assert words.verdict_text(1.0) == "could be chance (z = 1.0)"
    for bound, verdict in contrast.VERDICTS:
        assert verdict in words.VERDICT_MEANING and f"|z| ≥ {bound:g}" in words.verdict_help()


def test_table_headers_are_short_and_never_alike() -> None:
    assert words.columns("1-2 stars", "4-5 stars") == (
        "Reviews 1-2★", "Share 1-2★", "Reviews 4-5★", "Share 4-5★")
    assert words.columns("this period", "the period before")[2] == "Reviews before"
    assert words.columns("Leeds", "other locations") == (
        "Reviews Leeds", "Share Leeds", "Reviews rest", "Share rest")
    a = words.columns("rest", "other locations")
    assert len(set(a)) == 4
    assert words.short_label("A very long location name indeed") == "A very long locat…"
    table = rows(("portal", 30, 2, 0.3, 0.01, 5.0))
    full = words.term_table(table, "1-2 stars", "4-5 stars")
    assert list(full.columns) == ["Term", "Reviews 1-2★", "Share 1-2★", "Reviews 4-5★",
                                  "Share 4-5★", "How clear", "z"]
    side = words.side_table(table, "1-2 stars", "4-5 stars", side="b")
    assert list(side.columns) == ["Term", "Reviews", "Share", "vs 1-2★", "How clear"]
    assert side["Reviews"].iloc[0] == 2 and side["vs 1-2★"].iloc[0] == 0.3


def test_the_export_table_keeps_every_figure() -> None:
    low = rows(("portal", 30, 2, 0.3, 0.01, 5.0))
    high = rows(("quick", 1, 80, 0.01, 0.4, -6.0))
    table = words.export_table([("typical of 1-2 stars", low), ("typical of 4-5 stars", high)],
                               "1-2 stars", "4-5 stars")
    assert list(table["list"]) == ["typical of 1-2 stars", "typical of 4-5 stars"]
    assert {"log_odds", "z", "p_value", "verdict", "reviews (1-2 stars)",
            "share (4-5 stars)"} <= set(table.columns)


def test_rising_sentences() -> None:
    day = pd.Timestamp("2026-08-02 10:00", tz="UTC")
    kwargs = {"what": "reviews", "first": day, "last": day + pd.Timedelta(days=90),
              "before": day - pd.Timedelta(days=90)}
    none = rows(("cover", 20, 15, 0.05, 0.04, 1.2))
    said = words.rising_sentence(comparison(none), none, **kwargs)
    assert said == ("From 2 Aug 2026 to 31 Oct 2026 (400 reviews) against 4 May 2026 to "
                    "2 Aug 2026 (380 reviews): no term is clearly more used than before; the "
                    "largest differences could be chance.")
    some = rows(("portal", 120, 0, 0.3, 0.0, 10.1), ("locked", 60, 2, 0.15, 0.005, 7.2),
                ("cover", 20, 15, 0.05, 0.04, 1.2))
    said = words.rising_sentence(comparison(some), some, **kwargs)
    assert "2 of the 3 terms listed are clearly more used than before (z ≥ 1.96)" in said
    assert "“portal” 30% vs 0% (very clear, z = 10.1)" in said and "cover" not in said
    group = comparison(some, "Leeds <b>", "other locations")
    said = words.group_sentence(group, some)
    assert said.startswith("400 reviews of Leeds \\<b\\> against 380 of other locations.")
    assert "clearly more used by Leeds \\<b\\> than by the rest" in said


def test_too_few_and_the_window() -> None:
    assert words.too_few("1-2 stars", 4) == (
        "Too few 1-2 star reviews here to tell which words are typical of them: 4 (at least "
        "10 are needed). Widen the dates or the filters.")
    assert words.too_few("this period", 0).startswith("Too few reviews of this period here")
    assert words.window_text(None, None) == "all dates"
    assert words.window_text(pd.Timestamp("2025-07-14", tz="UTC"),
                             pd.Timestamp("2025-10-31 23:59", tz="UTC")) == (
        "14 Jul 2025 to 31 Oct 2025")


def matrix(total: int, names: tuple[str, ...] = ()) -> TermMatrix:
    index = pd.RangeIndex(10)
    return TermMatrix(
        matrix=None,  # type: ignore[arg-type]
        terms=pd.DataFrame({"term": ["a"], "lemmas": ["a"], "words": [1], "reviews": [3]}),
        index=index, languages=pd.Series(["en"] * 10, index=index), total_reviews=total,
        names=names,
    )


def test_the_method_says_what_is_left_out_and_what_was_read() -> None:
    said = words.method(matrix(10, ("Sarah", "Priya")), ("acme",), True, ("**evil**",))
    assert "Sarah, Priya" in said and "the company's own name (acme)" in said
    assert "\\*\\*evil\\*\\*" in said and "**evil**" not in said
    assert "All 10 reviews in view were read." in said
    assert "Counts are reviews, not uses" in said and "1.96" in said and "3.29" in said
    sampled = words.method(matrix(250_000), (), True, ())
    assert "A random sample of 10 of the 250,000 reviews was read" in sampled
    assert "none found in these reviews" in sampled and "(none now)" in sampled
    many = words.names_text([f"name{i}" for i in range(40)])
    assert many.endswith("and 10 more")


def spec(figure) -> dict:
    return json.loads(figure.to_json())


def test_low_high_figure_is_labelled_and_escaped() -> None:
    low = rows(("<b>portal</b>", 30, 2, 0.3, 0.01, 5.0), ("locked", 20, 0, 0.2, 0.0, 4.0))
    high = rows(("quick", 1, 80, 0.01, 0.4, -6.0))
    fig = charts.low_high_figure(low, high, "1-2 stars", "4-5 stars")
    data = spec(fig)
    titles = [a["text"] for a in data["layout"]["annotations"]]
    assert titles == ["Typical of 1-2 star reviews", "Typical of 4-5 star reviews"]
    assert data["layout"]["xaxis"]["title"]["text"] == "Reviews using the term (%)"
    labels = [y for trace in data["data"] for y in trace["y"]]
    assert "&lt;b&gt;portal&lt;/b&gt;" in labels and "<b>portal</b>" not in labels
    assert len(data["data"]) == 4  # both shares in both panels


def test_theme_panels_one_per_theme_in_percent() -> None:
    periods = pd.date_range("2025-01-01", periods=12, freq="MS")
    names = ["portal · login", "price · fair", "quick · easy", "staff · kind"]
    shares = pd.DataFrame([(p, n, 10, s) for p in periods for n, s in zip(
        names, (0.4, 0.3, 0.2, 0.1), strict=True)], columns=["period", "theme", "reviews", "share"])
    fig = charts.theme_panels(shares, names, "month")
    data = spec(fig)
    assert [a["text"] for a in data["layout"]["annotations"]] == names
    assert len(data["data"]) == 4
    first = data["data"][0]["y"]
    values = (np.frombuffer(base64.b64decode(first["bdata"]), dtype=first["dtype"])
              if isinstance(first, dict) else np.asarray(first))
    assert values == pytest.approx([40.0] * 12)
    assert data["layout"]["yaxis"]["title"]["text"] == "Share of reviews (%)"
    assert data["layout"]["yaxis"]["ticksuffix"] == "%"


def test_rising_figure() -> None:
    found = rows(("portal", 120, 0, 0.3, 0.0, 10.1), ("locked", 60, 2, 0.15, 0.005, 7.2))
    data = spec(charts.rising_figure(found, "this period", "the period before"))
    assert [t["name"] for t in data["data"]] == ["Share of the reviews of the period before",
                                                 "Share of the reviews of this period"]
    assert data["data"][1]["y"] == ["locked", "portal"]  # the most typical on top
    assert data["layout"]["xaxis"]["title"]["text"] == "Reviews using the term (%)"
