"""The portfolio's table, expected paths and at-risk list against a naive per-group loop."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import scoring
from scoring.display import label, star_rating
from scoring.errors import ParameterError, ReviewDataError
from scoring.model import ScoreParams
from scoring.portfolio import (
    PORTFOLIO_COLUMNS,
    RISK_COLUMNS,
    at_risk,
    expected_paths,
    monthly_sparklines,
    portfolio_table,
    read_scores,
    reply_figures,
)

END = pd.Timestamp("2026-06-30 12:00", tz="UTC")
PARAMS = (
    ScoreParams(),
    ScoreParams(model="decayed-prior"),
    ScoreParams(half_life_days=61, prior_count=3, prior_mean=3.0),
    ScoreParams(half_life_days=float("inf"), model="decayed-prior"),
)


def _reviews(groups: int = 40, seed: int = 3) -> pd.DataFrame:
    """Locations with steady, falling, rising and quiet histories."""
    rng = np.random.default_rng(seed)
    rows = []
    for g in range(groups):
        kind = g % 4
        count = int(rng.integers(5, 120))
        ages = np.sort(rng.uniform(0, 700, count))[::-1]
        for age in ages:
            recent = age < 120
            if kind == 1 and recent:  # falling: recent reviews are poor
                stars = rng.choice([1, 2, 3], p=[0.5, 0.3, 0.2])
            elif kind == 2 and recent:  # rising
                stars = 5
            else:
                stars = rng.choice([3, 4, 5], p=[0.2, 0.3, 0.5])
            if kind == 3 and recent:  # quiet: no recent reviews
                continue
            rows.append({"location": f"Store {g:02d}", "rating": int(stars),
                         "created_at": END - pd.Timedelta(days=float(age)),
                         "counts": bool(rng.random() > 0.05)})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def reviews() -> pd.DataFrame:
    return _reviews()


def _groups(reviews: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {str(name): rows for name, rows in reviews.groupby("location")}


@pytest.mark.parametrize("params", PARAMS)
def test_table_equals_trust_score_and_score_table(reviews: pd.DataFrame,
                                                  params: ScoreParams) -> None:
    table = portfolio_table(reviews, "location", params=params, as_of=END)
    assert list(table.columns) == list(PORTFOLIO_COLUMNS)
    reference = scoring.score_table(reviews, "location", as_of=END, params=params)
    joined = table.join(reference.add_suffix("_ref"))
    assert np.allclose(joined["score"], joined["score_ref"], rtol=0, atol=1e-9)
    assert (joined["label"] == joined["label_ref"]).all()
    assert np.allclose(joined["change_90"], joined["score_change_ref"], rtol=0, atol=1e-9)
    for name, rows in _groups(reviews).items():
        row = table.loc[name]
        assert row["score"] == pytest.approx(scoring.trust_score(rows, as_of=END, params=params),
                                             abs=1e-9)
        then = scoring.trust_score(rows, as_of=END - pd.Timedelta(days=30), params=params)
        assert row["change_30"] == pytest.approx(row["score"] - then, abs=1e-9)
        rates = scoring.recent_rates(rows, as_of=END)
        assert row["reviews_per_day"] == pytest.approx(rates.reviews_per_day, abs=1e-12)


@pytest.mark.parametrize("params", PARAMS)
def test_expected_paths_equal_status_quo_per_group(reviews: pd.DataFrame,
                                                   params: ScoreParams) -> None:
    table = portfolio_table(reviews, "location", params=params, as_of=END)
    paths = expected_paths(table, params, 120)
    assert paths.shape == (len(table), 120)
    for position, (name, rows) in enumerate(_groups(reviews).items()):
        assert table.index[position] == name
        naive = scoring.status_quo(rows, horizon_days=120, params=params, as_of=END)
        assert np.allclose(paths[position], naive["score"].to_numpy(), rtol=0, atol=1e-9), name


def _naive_risk(reviews: pd.DataFrame, params: ScoreParams, horizon: int,
                threshold: float | None) -> dict[tuple[str, str], tuple[str, object, object, int]]:
    """Per (group, status): the boundary, before, after and day, one group at a time."""
    found: dict[tuple[str, str], tuple[str, object, object, int]] = {}
    for name, rows in _groups(reviews).items():
        now = scoring.trust_score(rows, as_of=END, params=params)
        then = scoring.trust_score(rows, as_of=END - pd.Timedelta(days=30), params=params)
        path = scoring.status_quo(rows, horizon_days=horizon, params=params,
                                  as_of=END)["score"].to_list()
        counted = rows[rows["counts"].fillna(True).astype(bool)]
        had_reviews = bool((counted["created_at"] <= END - pd.Timedelta(days=30)).any())
        for status, start, later in (("ahead", now, path), ("crossed", then, [now])):
            hits: list[tuple[int, int, str, object, object]] = []
            if status == "crossed" and not had_reviews:
                continue
            if threshold is None:
                ranks = list(scoring.display.LABELS)
                for day, value in enumerate(later, start=1):
                    if star_rating(value) < star_rating(start):
                        hits.append((day, 0, "stars", star_rating(start), star_rating(value)))
                        break
                for day, value in enumerate(later, start=1):
                    if ranks.index(label(value)) > ranks.index(label(start)):
                        hits.append((day, 1, "label", label(start), label(value)))
                        break
            else:
                shown = scoring.display.display_score
                if shown(start) >= threshold - 1e-9:
                    for day, value in enumerate(later, start=1):
                        if shown(value) < threshold - 1e-9:
                            hits.append((day, 0, "threshold", shown(start), shown(value)))
                            break
            if hits:
                day, _, boundary, before, after = min(hits)
                found[(name, status)] = (boundary, before, after,
                                         day if status == "ahead" else 30)
    return found


@pytest.mark.parametrize("params", PARAMS[:3])
@pytest.mark.parametrize("threshold", [None, 4.0])
def test_at_risk_equals_a_naive_loop(reviews: pd.DataFrame, params: ScoreParams,
                                     threshold: float | None) -> None:
    table = portfolio_table(reviews, "location", params=params, as_of=END)
    risk = at_risk(table, params, horizon_days=90, threshold=threshold)
    assert list(risk.columns) == ["location", *RISK_COLUMNS]
    got = {(row.location, row.status): (row.boundary, row.before, row.after, row.days)
           for row in risk.itertuples()}
    expected = _naive_risk(reviews, params, 90, threshold)
    assert got == expected
    assert expected  # the data has groups at risk: the test can fail
    ahead = risk[risk["status"] == "ahead"]
    assert ahead["days"].is_monotonic_increasing
    assert (risk["status"].iloc[: len(ahead)] == "ahead").all()


def test_falling_group_is_flagged_with_its_numbers() -> None:
    start = END - pd.Timedelta(days=400)
    good = [{"location": "A", "rating": 5, "created_at": start + pd.Timedelta(days=d)}
            for d in range(0, 300, 3)]
    bad = [{"location": "A", "rating": 1, "created_at": END - pd.Timedelta(days=d)}
           for d in range(0, 90, 3)]
    steady = [{"location": "B", "rating": 4, "created_at": start + pd.Timedelta(days=d)}
              for d in range(0, 400, 2)]
    new = [{"location": "C", "rating": 1, "created_at": END - pd.Timedelta(days=d)}
           for d in range(0, 20, 2)]
    reviews = pd.DataFrame(good + bad + steady + new)
    table = portfolio_table(reviews, "location", as_of=END)
    risk = at_risk(table, ScoreParams(), horizon_days=365)
    assert set(risk["location"]) <= {"A", "C"}
    # C scored the prior's 3.5 before its first review: it did not "fall" from there
    assert table.loc["C", "change_30"] < -1
    assert "C" not in set(risk.loc[risk["status"] == "crossed", "location"])
    row = risk[risk["status"] == "ahead"].iloc[0]
    assert row["before"] > row["after"]
    assert table.loc["A", "reviews_per_day"] == pytest.approx(30 / 90)
    assert table.loc["A", "mean_new_stars"] == 1.0


def test_sparklines_end_at_the_score(reviews: pd.DataFrame) -> None:
    lines = monthly_sparklines(reviews, "location", as_of=END)
    table = portfolio_table(reviews, "location", as_of=END)
    assert list(lines.index) == list(table.index)
    for name, line in lines.items():
        assert len(line) == 12
        assert isinstance(name, str)
        # the live score under "trustpilot" only moves when a review arrives, and the
        # data ends at END: the last month's end holds today's score
        assert line[-1] == pytest.approx(table.loc[name, "score"], abs=1e-4)


def test_reply_figures_count_negative_reviews_answered() -> None:
    reviews = pd.DataFrame({
        "location": ["A", "A", "A", "B", "B"],
        "rating": [1, 2, 5, 1, 4],
        "created_at": [END - pd.Timedelta(days=d) for d in (5, 10, 3, 400, 2)],
        "replied": [True, False, True, True, False],
    })
    figures = reply_figures(reviews, "location", as_of=END)
    assert figures is not None
    assert figures.loc["A", "negative_reviews"] == 2
    assert figures.loc["A", "negative_answered"] == 1
    assert figures.loc["A", "negative_reply_rate"] == 0.5
    assert figures.loc["B", "negative_reviews"] == 0  # older than 12 months
    assert figures["negative_reply_rate"].isna().to_list() == [False, True]
    assert reply_figures(reviews.drop(columns="replied"), "location") is None


def test_read_scores_finds_group_columns() -> None:
    reviews = _reviews(8)
    table = scoring.score_table(reviews, ["location"], as_of=END).reset_index()
    table["as_of"] = END
    table["half_life_days"] = 182.5
    _, keys = read_scores(table)
    assert keys == ["location"]
    with pytest.raises(ReviewDataError, match="score"):
        read_scores(table.drop(columns="score"))
    with pytest.raises(ReviewDataError, match="numbers"):
        read_scores(table.assign(stars="x"))


def test_bad_parameters_are_refused(reviews: pd.DataFrame) -> None:
    table = portfolio_table(reviews, "location", as_of=END)
    with pytest.raises(ParameterError):
        at_risk(table, ScoreParams(), horizon_days=0)
    with pytest.raises(ParameterError):
        at_risk(table, ScoreParams(), threshold=7.0)
    with pytest.raises(ParameterError):
        portfolio_table(reviews, "location", window_days=0)
    with pytest.raises(ReviewDataError):
        portfolio_table(reviews, "company")


def test_reasons_in_words() -> None:
    from ui.portfolio import group_candidates, reason

    ahead = pd.Series({"status": "ahead", "boundary": "stars", "before": 4.5, "after": 4.0,
                       "days": 40, "reviews_per_day": 0.3333, "mean_new_stars": 2.1,
                       "threshold": None})
    assert reason(ahead) == ("Falls from 4.5 to 4.0 stars in ~40 days at the last 90 days' "
                             "pace (0.33 reviews a day averaging 2.1 stars).")
    label_row = ahead.copy()
    label_row[["boundary", "before", "after", "days"]] = ["label", "Great", "Average", 1]
    assert reason(label_row).startswith("Falls from Great to Average in ~1 day at")
    fell = ahead.copy()
    fell["status"] = "crossed"
    assert reason(fell) == "Fell from 4.5 to 4.0 stars in the last 30 days."
    chosen = ahead.copy()
    chosen[["boundary", "before", "after", "threshold"]] = ["threshold", 4.1, 3.9, 4.0]
    assert reason(chosen).startswith("Falls below 4.0 (shows 4.1 now) in ~40 days")
    quiet = ahead.copy()
    quiet[["reviews_per_day", "mean_new_stars"]] = [0.0, float("nan")]
    assert "(no reviews in the last 90 days)" in reason(quiet)

    both = pd.DataFrame({"location": ["a", "b", "a"], "company": ["x", "y", "y"]})
    assert group_candidates(both) == ["location", "company"]
    assert group_candidates(both.assign(company="x")) == ["location"]
    assert group_candidates(both.assign(location="a")) == ["company"]
    assert group_candidates(both.drop(columns=["location", "company"])) == []
