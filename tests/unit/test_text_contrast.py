"""Fightin' Words: the statistic against its formula, and the comparisons built on it."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from scoring.errors import ParameterError
from scoring.text import compare, contrast, group_vs_rest, low_vs_high, period_vs_before
from scoring.text.terms import TermMatrix, term_matrix


def hand_matrix(rows: list[list[int]], names: list[str]) -> TermMatrix:
    matrix = sparse.csr_matrix(np.asarray(rows, dtype=np.int8))
    index = pd.RangeIndex(len(rows))
    table = pd.DataFrame({"term": names, "lemmas": names, "words": [1] * len(names),
                          "reviews": matrix.sum(axis=0).A1.astype(np.int64)})
    return TermMatrix(matrix, table, index, pd.Series(["en"] * len(rows), index=index),
                      len(rows))


def naive_z(y_a: float, y_b: float, n_a: float, n_b: float, total_w: float,
            total: float) -> float:
    alpha0 = contrast.PRIOR_WEIGHT * min(n_a, n_b)
    alpha = alpha0 * total_w / total
    delta = (math.log((y_a + alpha) / (n_a + alpha0 - y_a - alpha))
             - math.log((y_b + alpha) / (n_b + alpha0 - y_b - alpha)))
    return delta / math.sqrt(1 / (y_a + alpha) + 1 / (y_b + alpha))


def test_z_equals_the_formula_term_by_term() -> None:
    rng = np.random.default_rng(3)
    rows = (rng.random((60, 5)) < [0.6, 0.3, 0.2, 0.5, 0.1]).astype(int).tolist()
    rows[0] = [1, 1, 1, 1, 1]
    found = hand_matrix(rows, ["a", "b", "c", "d", "e"])
    in_a = np.arange(60) < 25
    result = compare(found, in_a, ~in_a).table.set_index("term")
    m = np.asarray(rows)
    y_a, y_b = m[in_a].sum(axis=0), m[~in_a].sum(axis=0)
    for j, name in enumerate("abcde"):
        expected = naive_z(y_a[j], y_b[j], y_a.sum(), y_b.sum(), y_a[j] + y_b[j],
                           y_a.sum() + y_b.sum())
        assert result.loc[name, "z"] == pytest.approx(expected, rel=1e-12)
        assert result.loc[name, "reviews_a"] == y_a[j]
        assert result.loc[name, "share_b"] == pytest.approx(y_b[j] / 35)
        assert result.loc[name, "p_value"] == pytest.approx(math.erfc(abs(expected) / 2**0.5))


def test_swapping_the_groups_negates_z_and_equal_use_gives_zero() -> None:
    rows = [[1, 1, 0]] * 10 + [[0, 1, 1]] * 10
    found = hand_matrix(rows, ["refund", "service", "staff"])
    in_a = np.arange(20) < 10
    ab = compare(found, in_a, ~in_a).table.set_index("term")["z"]
    ba = compare(found, ~in_a, in_a).table.set_index("term")["z"]
    assert (ab + ba).abs().max() < 1e-12
    assert ab["service"] == pytest.approx(0.0, abs=1e-12)
    assert ab["refund"] > 1.96 and ab["staff"] < -1.96


def test_rare_terms_are_pulled_towards_no_difference() -> None:
    rows = [[1, 1, 0]] * 2 + [[0, 1, 0]] * 48 + [[0, 0, 1]] * 40 + [[0, 1, 1]] * 10
    found = hand_matrix(rows, ["rare", "common", "other"])
    in_a = np.arange(100) < 50
    table = compare(found, in_a, ~in_a).table.set_index("term")
    assert table.loc["rare", "verdict"] in {"could be chance", "likely"}
    assert table.loc["common", "z"] > table.loc["rare", "z"]


def test_verdicts_use_the_usual_bounds() -> None:
    assert [contrast.verdict(z) for z in (0.5, 2.0, -2.7, 3.3)] == [
        "could be chance", "likely", "clear", "very clear"]


def test_typical_lists_skip_a_phrase_that_repeats_its_word() -> None:
    rows = [[1, 1, 0]] * 20 + [[0, 0, 1]] * 20
    found = hand_matrix(rows, ["portal", "new portal", "price"])
    in_a = np.arange(40) < 20
    top = compare(found, in_a, ~in_a).typical_of_a(5)
    assert list(top["term"]) == ["new portal"]  # the pair, not the word it repeats
    assert list(compare(found, in_a, ~in_a).typical_of_b(5)["term"]) == ["price"]


def test_exclusions_and_empty_groups() -> None:
    rows = [[1, 0], [1, 1], [0, 1]]
    found = hand_matrix(rows, ["bahn", "delay"])
    result = compare(found, np.array([True, True, False]), np.array([False, False, True]),
                     exclude=["Bahn"])
    assert list(result.table["term"]) == ["delay"]
    empty = compare(found, np.zeros(3, bool), np.ones(3, bool))
    assert (empty.table["z"] == 0).all() and empty.size_a == 0
    with pytest.raises(ParameterError, match="one entry per row"):
        compare(found, np.ones(2, bool), np.ones(3, bool))


def frame() -> pd.DataFrame:
    days = pd.date_range("2024-01-01", periods=120, freq="D", tz="UTC")
    texts = ["Refund never came, awful" if i >= 60 and i % 2 else
             "Lovely staff and fair price" if i % 2 == 0 else "Slow phone line, bad"
             for i in range(120)]
    return pd.DataFrame({
        "created_at": days, "rating": [1 if i % 2 else 5 for i in range(120)],
        "text": texts, "language": "en",
        "location": ["Leeds" if i % 3 == 0 else "Online" for i in range(120)],
    })


def test_low_vs_high_period_vs_before_and_group_vs_rest() -> None:
    reviews = frame()
    found = term_matrix(reviews)
    low = low_vs_high(found, reviews)
    assert low.label_a == "1-2 stars" and low.size_a == 60 and low.size_b == 60
    assert set(low.typical_of_a(3)["lemmas"].iloc[0].split()) & {"refund", "slow", "bad", "awful"}
    assert any("staff" in t.split() for t in low.typical_of_b(5)["lemmas"])
    start = reviews["created_at"].iloc[60]
    end = start + pd.Timedelta(days=60)
    rising = period_vs_before(found, reviews, start, end, stars=[1])
    assert rising.size_a == 30 and rising.size_b == 30
    assert set(rising.typical_of_a(1)["lemmas"].iloc[0].split()) & {"refund", "awful"}
    by_place = group_vs_rest(found, reviews, "location", "Leeds")
    assert by_place.size_a == 40 and by_place.label_b == "other locations"
    with pytest.raises(ParameterError, match="no 'source' column"):
        group_vs_rest(found, reviews, "source", "x")
    with pytest.raises(ParameterError, match="end after it starts"):
        period_vs_before(found, reviews, end, start)
