"""Scoring many groups at once equals scoring each group alone; the SQL path equals pandas."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import scoring
from scoring.groups import TABLE_COLUMNS, score_series_by, score_table
from scoring.model import counted_reviews, decayed_sums

AS_OF = pd.Timestamp("2024-09-15 12:00", tz="UTC")
CHANGE_DAYS = 90
TOL = 1e-9


def random_reviews(seed: int = 7, rows: int = 1_500) -> pd.DataFrame:
    """Several companies (and locations) with reviews at random times over six years.

    Special groups: ``late`` has reviews only in the 60 days before ``AS_OF`` (none
    before ``AS_OF - 90 days``); ``ghost`` has only reviews that do not count;
    ``future`` has reviews only after ``AS_OF``; a few rows have no company.
    """
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2019-01-01", tz="UTC").value
    span = pd.Timedelta(days=6 * 365).value
    companies = np.array(["acme", "bolt", "cora", "dune", "echo"], dtype=object)
    frame = pd.DataFrame(
        {
            "created_at": start + rng.integers(0, span, rows),
            "rating": rng.choice([1, 2, 3, 4, 5], rows, p=[0.15, 0.1, 0.15, 0.25, 0.35]),
            "company": rng.choice(companies, rows, p=[0.4, 0.3, 0.15, 0.1, 0.05]),
            "location": rng.choice(np.array(["north", "south", "west"], dtype=object), rows),
            "counts": rng.random(rows) > 0.15,
        }
    )
    late = pd.DataFrame(
        {
            "created_at": AS_OF.value - rng.integers(0, pd.Timedelta(days=60).value, 12),
            "rating": rng.integers(1, 6, 12),
            "company": "late",
            "location": "north",
            "counts": True,
        }
    )
    ghost = pd.DataFrame(
        {
            "created_at": start + rng.integers(0, span, 8),
            "rating": 5,
            "company": "ghost",
            "location": "south",
            "counts": False,
        }
    )
    future = pd.DataFrame(
        {
            "created_at": AS_OF.value + rng.integers(1, pd.Timedelta(days=30).value, 5),
            "rating": 1,
            "company": "future",
            "location": "west",
            "counts": True,
        }
    )
    nameless = pd.DataFrame(
        {
            "created_at": start + rng.integers(0, span, 6),
            "rating": 4,
            "company": None,
            "location": "west",
            "counts": True,
        }
    )
    table = pd.concat([frame, late, ghost, future, nameless], ignore_index=True)
    table["created_at"] = pd.to_datetime(table["created_at"], utc=True).dt.as_unit("us")
    table["rating"] = table["rating"].astype("int64")
    table["company"] = table["company"].astype("str")
    table["location"] = table["location"].astype("str")
    table["counts"] = table["counts"].astype(bool)
    return table.sample(frac=1.0, random_state=seed).reset_index(drop=True)


@pytest.fixture(scope="module")
def reviews() -> pd.DataFrame:
    return random_reviews()


def newest_counted(reviews: pd.DataFrame) -> pd.Timestamp:
    return counted_reviews(reviews)["created_at"].max()


def reference_table(
    reviews: pd.DataFrame,
    by: str | list[str],
    as_of: pd.Timestamp,
    *,
    half_life_days: float = 182.5,
    prior_count: float = 7.0,
    prior_mean: float = 3.5,
    change_days: float = CHANGE_DAYS,
    model: str = "trustpilot",
) -> dict[object, dict[str, object]]:
    """Each group scored alone with the single-business functions."""
    params = {
        "half_life_days": half_life_days,
        "prior_count": prior_count,
        "prior_mean": prior_mean,
        "model": model,
    }
    out: dict[object, dict[str, object]] = {}
    for key, group in reviews.groupby(by, dropna=False):
        score = scoring.trust_score(group, as_of=as_of, **params)
        then = scoring.trust_score(
            group, as_of=as_of - pd.Timedelta(days=change_days), **params
        )
        _, effective, count = decayed_sums(
            group, as_of=as_of, half_life_days=half_life_days
        )
        counted = counted_reviews(group)["created_at"]
        before = counted[counted <= as_of]
        out[key] = {
            "score": score,
            "effective_reviews": effective,
            "reviews": count,
            "score_change": score - then,
            "last_review_at": before.max() if len(before) else pd.NaT,
        }
    return out


def table_row(table: pd.DataFrame, key: object) -> pd.Series:
    """The row of ``key`` (NaN keys included, which ``.loc`` cannot find)."""
    keys = key if isinstance(key, tuple) else (key,)
    frame = table.index.to_frame(index=False)
    hit = np.ones(len(frame), dtype=bool)
    for column, value in zip(frame.columns, keys, strict=True):
        values = frame[column]
        hit &= values.isna().to_numpy() if pd.isna(value) else (values == value).to_numpy()
    assert hit.sum() == 1, key
    return table.iloc[int(np.flatnonzero(hit)[0])]


def assert_matches_reference(
    table: pd.DataFrame, reference: dict[object, dict[str, object]]
) -> None:
    assert len(table) == len(reference)
    for key, expected in reference.items():
        row = table_row(table, key)
        assert row["score"] == pytest.approx(expected["score"], abs=TOL, rel=0), key
        assert row["effective_reviews"] == pytest.approx(
            expected["effective_reviews"], abs=TOL, rel=0
        ), key
        assert row["score_change"] == pytest.approx(expected["score_change"], abs=TOL, rel=0)
        assert row["reviews"] == expected["reviews"], key
        if pd.isna(expected["last_review_at"]):
            assert pd.isna(row["last_review_at"]), key
        else:
            assert row["last_review_at"] == expected["last_review_at"], key
        assert row["display_score"] == scoring.display_score(row["score"])
        assert row["stars"] == scoring.star_rating(row["score"])
        assert row["label"] == scoring.label(row["score"])


# --- score_table -------------------------------------------------------------------------


MODELS = ("trustpilot", "decayed-prior")


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("half_life_days", [182.5, 7.0, math.inf])
@pytest.mark.parametrize("by", ["company", ["company", "location"]])
def test_score_table_equals_per_group_scores(
    reviews: pd.DataFrame, half_life_days: float, by: str | list[str], model: str
) -> None:
    table = score_table(reviews, by, as_of=AS_OF, half_life_days=half_life_days, model=model)
    assert list(table.columns) == list(TABLE_COLUMNS)
    assert table.index.names == ([by] if isinstance(by, str) else by)
    assert (np.diff(table["score"].to_numpy()) <= 0).all()
    reference = reference_table(reviews, by, AS_OF, half_life_days=half_life_days, model=model)
    assert_matches_reference(table, reference)


def test_special_groups(reviews: pd.DataFrame) -> None:
    table = score_table(reviews, as_of=AS_OF)
    late = table.loc["late"]
    # No review before as_of - 90 days: it scored the prior then, so the change is S - 3.5.
    assert late["score_change"] == pytest.approx(late["score"] - 3.5, abs=TOL)
    assert late["reviews"] == 12
    for empty in ("ghost", "future"):
        row = table.loc[empty]
        assert row["score"] == 3.5
        assert row["reviews"] == 0
        assert row["effective_reviews"] == 0.0
        assert row["score_change"] == 0.0
        assert pd.isna(row["last_review_at"])


def test_default_as_of_is_the_newest_counted_review(reviews: pd.DataFrame) -> None:
    before = reviews[reviews["created_at"] <= AS_OF]
    default = score_table(before)
    explicit = score_table(before, as_of=newest_counted(before))
    pd.testing.assert_frame_equal(default, explicit)
    assert_matches_reference(default, reference_table(before, "company", newest_counted(before)))


def test_score_table_parameters(reviews: pd.DataFrame) -> None:
    table = score_table(
        reviews, as_of=AS_OF, prior_count=0.0, prior_mean=3.0, change_days=30.5
    )
    reference = reference_table(
        reviews, "company", AS_OF, prior_count=0.0, prior_mean=3.0, change_days=30.5
    )
    assert_matches_reference(table, reference)
    bands = scoring.LabelBands(excellent=4.8, great=4.5, average=3.0, poor=2.0)
    relabelled = score_table(reviews, as_of=AS_OF, bands=bands)
    for score, name in zip(relabelled["score"], relabelled["label"], strict=True):
        assert name == scoring.label(score, bands)


def test_infinite_half_life_is_the_bayesian_average(reviews: pd.DataFrame) -> None:
    table = score_table(reviews, as_of=AS_OF, half_life_days=math.inf)
    counted = counted_reviews(reviews)
    counted = counted[counted["created_at"] <= AS_OF]
    sums = counted.groupby("company")["rating"].agg(["sum", "count"])
    for company, row in sums.iterrows():
        expected = (7 * 3.5 + row["sum"]) / (7 + row["count"])
        assert table.loc[company, "score"] == pytest.approx(expected, abs=TOL)
        assert table.loc[company, "effective_reviews"] == row["count"]


def test_score_table_refuses_bad_input(reviews: pd.DataFrame) -> None:
    with pytest.raises(scoring.ReviewDataError, match="no such column"):
        score_table(reviews, "brand")
    with pytest.raises(ValueError, match="at least one"):
        score_table(reviews, [])
    with pytest.raises(ValueError, match="change_days"):
        score_table(reviews, change_days=-1)
    with pytest.raises(ValueError, match="half_life_days"):
        score_table(reviews, half_life_days=0)


def test_score_table_on_an_empty_table() -> None:
    empty = random_reviews().iloc[:0]
    table = score_table(empty)
    assert list(table.columns) == list(TABLE_COLUMNS)
    assert len(table) == 0


def test_display_columns_round_half_up() -> None:
    seven_fives = pd.DataFrame(
        {
            "created_at": pd.to_datetime([AS_OF] * 7 + [AS_OF] * 7, utc=True),
            "rating": [5] * 7 + [3] * 7,
            "company": ["five"] * 7 + ["three"] * 7,
        }
    )
    table = score_table(seven_fives)
    assert table.loc["five", "score"] == 4.25
    assert table.loc["five", ["display_score", "stars", "label"]].tolist() == [
        4.3,
        4.5,
        "Excellent",
    ]
    assert table.loc["three", ["display_score", "stars"]].tolist() == [3.3, 3.5]


# --- score_series_by ---------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize(
    ("freq", "half_life_days"),
    [("D", 182.5), ("W", 30.0), ("M", 182.5), ("Q", 182.5), ("M", math.inf), ("Y", 1.0)],
)
def test_score_series_by_equals_per_group_series(
    reviews: pd.DataFrame, freq: str, half_life_days: float, model: str
) -> None:
    long = score_series_by(reviews, freq=freq, half_life_days=half_life_days, model=model)
    assert list(long.columns) == ["company", *scoring.groups.SERIES_COLUMNS]
    counted = counted_reviews(reviews)["created_at"]
    start, end = counted.min(), counted.max()
    groups = reviews.groupby("company", dropna=False)
    assert long["company"].nunique(dropna=False) == groups.ngroups
    for key, group in groups:
        expected = scoring.score_series(
            group, freq=freq, start=start, end=end, half_life_days=half_life_days, model=model
        )
        mine = long[long["company"].isna()] if pd.isna(key) else long[long["company"] == key]
        assert mine["period"].tolist() == expected.index.tolist(), key
        for column in ("score", "effective_reviews", "mean_rating"):
            np.testing.assert_allclose(
                mine[column].to_numpy(), expected[column].to_numpy(), rtol=0, atol=TOL,
                err_msg=f"{key} {column}",
            )
        for column in ("reviews", "new_reviews"):
            np.testing.assert_array_equal(mine[column].to_numpy(), expected[column].to_numpy())


def test_score_series_by_window_and_several_keys(reviews: pd.DataFrame) -> None:
    start, end = pd.Timestamp("2021-03-10", tz="UTC"), pd.Timestamp("2023-11-02", tz="UTC")
    by = ["company", "location"]
    long = score_series_by(reviews, by, freq="M", start=start, end=end, prior_count=3.0,
                           prior_mean=4.0)
    assert list(long.columns[:2]) == by
    for (company, location), group in reviews.groupby(by):
        expected = scoring.score_series(
            group, freq="M", start=start, end=end, prior_count=3.0, prior_mean=4.0
        )
        mine = long[(long["company"] == company) & (long["location"] == location)]
        np.testing.assert_allclose(mine["score"], expected["score"], rtol=0, atol=TOL)
        np.testing.assert_array_equal(mine["reviews"], expected["reviews"])


def test_score_series_by_refuses_clashing_names(reviews: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="clash"):
        score_series_by(reviews.rename(columns={"company": "period"}), "period")


@pytest.mark.parametrize(("freq", "half_life_days"), [("D", 182.5), ("M", 30.0), ("W", math.inf)])
def test_score_series_by_displayed_clock_equals_per_group_series(
    reviews: pd.DataFrame, freq: str, half_life_days: float
) -> None:
    # One more group whose only review does not count: its line stays at the prior.
    extra = reviews.iloc[:1].assign(company="Only filtered", counts=False)
    table = pd.concat([reviews, extra], ignore_index=True)
    decayed = {"half_life_days": half_life_days, "model": "decayed-prior"}
    long = score_series_by(table, freq=freq, clock="displayed", **decayed)
    live = score_series_by(table, freq=freq, **decayed)
    counted = counted_reviews(table)["created_at"]
    start, end = counted.min(), counted.max()
    for key, group in table.groupby("company", dropna=False):
        expected = scoring.score_series(group, freq=freq, start=start, end=end,
                                        clock="displayed", **decayed)
        mine = long[long["company"].isna()] if pd.isna(key) else long[long["company"] == key]
        assert mine["period"].tolist() == expected.index.tolist(), key
        np.testing.assert_allclose(mine["score"], expected["score"], rtol=0, atol=TOL)
    # Only the score differs from the live clock; without decay not even that.
    pd.testing.assert_frame_equal(long.drop(columns="score"), live.drop(columns="score"))
    assert np.allclose(long["score"], live["score"]) == math.isinf(half_life_days)
    # Under the fitted model the two clocks are the same numbers.
    fitted = score_series_by(table, freq=freq, half_life_days=half_life_days, clock="displayed")
    pd.testing.assert_frame_equal(
        fitted, score_series_by(table, freq=freq, half_life_days=half_life_days)
    )
    with pytest.raises(ValueError, match="clock"):
        score_series_by(table, clock="review")
