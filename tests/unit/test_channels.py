"""Request channels: validation, folding into one projection, goal seek for one channel,
what each channel brought in the last 90 days, and which columns tell channels apart."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import scoring
from scoring.errors import ParameterError, ReviewDataError
from scoring.model import ScoreParams
from scoring.projection.channels import (
    OTHER_INVITED,
    Channel,
    channel_groupings,
    channel_history,
    channel_inputs,
    channel_requests_needed,
    channels_from_history,
    qualifies,
)
from scoring.projection.inputs import mix_mean

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo_reviews.csv"
MODELS = (ScoreParams(), ScoreParams(model="decayed-prior"))
ORGANIC_MIX = (0.3, 0.1, 0.1, 0.2, 0.3)
CHANNELS = (
    Channel("After purchase", 40.0, 0.25, (0.02, 0.02, 0.06, 0.2, 0.7)),
    Channel("After a claim", 10.0, 0.4, (0.2, 0.1, 0.1, 0.2, 0.4)),
    Channel("Renewal", 5.0, 0.1, (0.0, 0.0, 0.1, 0.3, 0.6)),
)


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return scoring.load_reviews(DEMO).reviews


def naive_star_rates(channels: tuple[Channel, ...], organic: float) -> np.ndarray:
    """Per-channel recomputation: each channel's k-star reviews a day, summed."""
    total = organic * np.asarray(ORGANIC_MIX)
    for c in channels:
        total = total + c.requests_per_day * c.response_rate * np.asarray(c.mix)
    return total


def test_a_channel_is_validated_with_clear_messages() -> None:
    good = Channel("  After purchase ", 10, 0.2, {5: 1.0})
    assert good.name == "After purchase" and good.mix == (0, 0, 0, 0, 1.0)
    assert good.reviews_per_day == pytest.approx(2.0)
    with pytest.raises(ParameterError, match="needs a name"):
        Channel(" ", 10, 0.2, (0, 0, 0, 0, 1))
    with pytest.raises(ParameterError, match="requests_per_day of channel 'X'"):
        Channel("X", -1, 0.2, (0, 0, 0, 0, 1))
    with pytest.raises(ParameterError, match=r"response_rate of channel 'X'.*0.25 for 25%"):
        Channel("X", 1, 25, (0, 0, 0, 0, 1))
    with pytest.raises(ParameterError, match=r"mix of channel 'X'.*sum to 1"):
        Channel("X", 1, 0.2, (0.5, 0, 0, 0, 0))
    with pytest.raises(ParameterError, match=r"must differ.*'X' and 'x' clash"):
        channel_inputs([Channel("X", 1, 0.2, (0, 0, 0, 0, 1)),
                        Channel("x", 1, 0.2, (0, 0, 0, 0, 1))], 0.0, ORGANIC_MIX,
                       horizon_days=10)
    with pytest.raises(ParameterError, match="vary must be the index of a channel"):
        channel_inputs(CHANNELS, 1.0, ORGANIC_MIX, vary=3, horizon_days=10)


@pytest.mark.parametrize("vary", [None, 0, 1, 2])
def test_folding_keeps_every_star_rate(vary: int | None) -> None:
    inputs = channel_inputs(CHANNELS, 3.0, ORGANIC_MIX, vary=vary, horizon_days=30)
    np.testing.assert_allclose(inputs.star_rates, naive_star_rates(CHANNELS, 3.0), rtol=1e-12)
    volume = sum(c.reviews_per_day for c in CHANNELS)
    assert inputs.arrivals_per_day == pytest.approx(volume + 3.0)
    if vary is None:
        assert inputs.response_rate == 1.0
        assert inputs.requests_per_day == pytest.approx(volume)
    else:
        chosen = CHANNELS[vary]
        assert inputs.requests_per_day == chosen.requests_per_day
        assert inputs.response_rate == chosen.response_rate
        assert inputs.invited_mix == pytest.approx(chosen.mix)


def test_settings_pass_through_to_the_inputs() -> None:
    params = ScoreParams(model="decayed-prior", half_life_days=90)
    inputs = channel_inputs(CHANNELS, 1.0, ORGANIC_MIX, horizon_days=12, params=params,
                            paths=50, seed=7)
    assert (inputs.horizon_days, inputs.params, inputs.paths, inputs.seed) == (12, params, 50, 7)


def test_no_channels_or_silent_ones_project_the_organic_reviews_alone() -> None:
    alone = channel_inputs([], 2.0, ORGANIC_MIX, horizon_days=5)
    assert alone.invited_per_day == 0 and alone.organic_per_day == 2.0
    quiet = channel_inputs([Channel("A", 0, 0.2, (0, 0, 0, 0, 1))], 0.0, ORGANIC_MIX,
                           vary=0, horizon_days=5)
    assert quiet.organic_mix == pytest.approx(ORGANIC_MIX)


@pytest.mark.parametrize("params", MODELS, ids=lambda p: p.model)
def test_folded_expected_path_equals_the_naive_one(demo: pd.DataFrame, params: ScoreParams
                                                   ) -> None:
    """The expected path of the folded inputs is the path of all arrivals at their
    naive mean stars (both score models)."""
    days = 200
    rates = naive_star_rates(CHANNELS, 3.0)
    naive = scoring.expected_path(demo, horizon_days=days, arrivals_per_day=rates.sum(),
                                  mean_new_stars=float(np.arange(1, 6) @ rates / rates.sum()),
                                  params=params)
    for vary in (None, 1):
        inputs = channel_inputs(CHANNELS, 3.0, ORGANIC_MIX, vary=vary, horizon_days=days,
                                params=params, paths=200)
        projected = scoring.project(demo, inputs)
        np.testing.assert_allclose(projected.expected["score"].to_numpy(),
                                   naive["score"].to_numpy(), rtol=1e-10)


@pytest.mark.parametrize("params", MODELS, ids=lambda p: p.model)
def test_goal_seek_for_one_channel_with_the_others_fixed(demo: pd.DataFrame,
                                                         params: ScoreParams) -> None:
    by = pd.Timestamp("2027-06-30", tz="UTC")
    start = scoring.trust_score(demo, params=params)
    target = round(start + 0.08, 2)
    goal = channel_requests_needed(demo, CHANNELS, 3.0, ORGANIC_MIX, channel=0, target=target,
                                   by=by, params=params)
    assert goal.reason == "found" and goal.requests_per_day is not None
    assert goal.response_rate == CHANNELS[0].response_rate

    def expected_on_by(volume: float) -> float:
        channels = (Channel("After purchase", volume, 0.25, CHANNELS[0].mix), *CHANNELS[1:])
        days = int((by - demo["created_at"].max().floor("D")) / pd.Timedelta(days=1))
        inputs = channel_inputs(channels, 3.0, ORGANIC_MIX, horizon_days=days, params=params)
        path = scoring.expected_path(demo, horizon_days=days,
                                     arrivals_per_day=inputs.arrivals_per_day,
                                     mean_new_stars=inputs.mean_new_stars or 0.0,
                                     params=params)
        return float(path["score"].loc[by])

    assert expected_on_by(goal.requests_per_day) >= target - 1e-9
    assert expected_on_by(goal.requests_per_day - 0.01) < target
    # The other channels count: claims (averaging 3.6 stars) pull the score down, so
    # with them it takes more purchases than with the purchase channel alone.
    assert mix_mean(CHANNELS[1].mix) < target
    alone = channel_requests_needed(demo, CHANNELS[:1], 3.0, ORGANIC_MIX, channel=0,
                                    target=target, by=by, params=params)
    assert alone.requests_per_day is not None
    assert goal.requests_per_day > alone.requests_per_day


def test_history_of_the_demo_by_collection_method(demo: pd.DataFrame) -> None:
    history = channel_history(demo)
    assert list(history["channel"]) == ["InvitationApi", "BasicLink", "BusinessGeneratedLink",
                                        "InvitationLinkApi", "Organic"]
    assert list(history["invited"]) == [True, True, True, True, False]
    rates = scoring.recent_rates(demo)
    invited = history[history["invited"]]
    assert invited["reviews_per_day"].sum() == pytest.approx(rates.invited_per_day)
    assert invited["reviews"].sum() == rates.invited_reviews
    organic = history.iloc[-1]
    assert organic["reviews_per_day"] == pytest.approx(rates.organic_per_day)
    assert tuple(organic[[f"share_{k}" for k in range(1, 6)]]) == pytest.approx(
        rates.organic_mix)
    mixes = history[[f"share_{k}" for k in range(1, 6)]].to_numpy()
    np.testing.assert_allclose(mixes.sum(axis=1), 1.0)
    assert history["mean_stars"].to_numpy() == pytest.approx(mixes @ np.arange(1, 6))
    by_location = channel_history(demo, by="location")
    assert set(by_location["channel"]) == {"Online", "Leeds", "Bristol", "Organic"}
    assert by_location["reviews"].sum() == history["reviews"].sum()


def synthetic(values: list[object], invited: list[bool | None], stars: list[int],
              days_ago: list[int]) -> pd.DataFrame:
    end = pd.Timestamp("2026-03-31 12:00", tz="UTC")
    return pd.DataFrame({
        "created_at": [end - pd.Timedelta(days=d) for d in days_ago],
        "rating": stars, "source": values, "invited": pd.array(invited, dtype="boolean"),
    })


def test_history_of_a_synthetic_frame_drops_no_volume() -> None:
    reviews = synthetic(
        ["A", "A", "B", None, "", "web", "A", "B"],
        [True, True, True, True, True, False, None, True],
        [5, 4, 1, 3, 2, 5, 1, 5],
        [0, 10, 20, 30, 40, 50, 60, 200],  # the last review is outside the window
    )
    history = channel_history(reviews, window_days=90).set_index("channel")
    assert list(history.index) == ["A", "B", OTHER_INVITED, "Organic"]
    assert history["reviews"].to_dict() == {"A": 2, "B": 1, OTHER_INVITED: 2, "Organic": 2}
    assert history["reviews"].sum() == 7  # every review of the window, once
    assert history.loc["A", "mean_stars"] == 4.5
    assert history.loc["Organic", "mean_stars"] == 3.0  # "web" and the NA-invited one
    assert history.loc["A", "reviews_per_day"] == pytest.approx(2 / 90)
    channels = channels_from_history(channel_history(reviews), 0.2)
    assert [c.name for c in channels] == ["A", "B", OTHER_INVITED]
    assert channels[0].requests_per_day == pytest.approx(2 / 90 / 0.2)
    # A channel quiet in the window keeps its earlier mix.
    quiet = channel_history(reviews, as_of="2026-03-31 13:00", window_days=5)
    assert quiet.set_index("channel").loc["B", ["reviews", "share_1", "share_5"]].tolist() == [
        0, 0.5, 0.5]
    with pytest.raises(ParameterError, match="by must be one of"):
        channel_history(reviews, by="language")
    with pytest.raises(ReviewDataError, match="no 'location' column"):
        channel_history(reviews, by="location")


def test_web_addresses_and_rare_values_are_not_channels() -> None:
    assert qualifies(pd.Series(["InvitationApi"] * 5 + ["BasicLink"] * 5))
    assert not qualifies(pd.Series(["InvitationApi"] * 10))  # one value: nothing to tell apart
    pages = [f"https://www.trustpilot.com/review/example.com?page={i}" for i in (1, 2)]
    assert not qualifies(pd.Series(pages * 5))
    assert not qualifies(pd.Series(["trustpilot.com/review/a", "trustpilot.com/review/b"] * 5))
    assert not qualifies(pd.Series(["A"] * 200 + ["B"] * 200 + ["rare"]))
    assert not qualifies(pd.Series([f"store {i}" for i in range(13)] * 3))
    reviews = synthetic(pages * 3, [True] * 6, [5] * 6, [1, 2, 3, 4, 5, 6])
    assert channel_groupings(reviews) == ()
    methods = synthetic(["Api", "Link"] * 3, [True] * 6, [5] * 6, [1, 2, 3, 4, 5, 6])
    assert channel_groupings(methods) == ("source",)
    no_flags = methods.drop(columns="invited")
    assert channel_groupings(no_flags) == ()


def test_the_demo_has_three_groupings(demo: pd.DataFrame) -> None:
    assert channel_groupings(demo) == ("source", "location", "tags")


def test_history_of_the_demo_by_tag_counts_every_invited_review_once(demo: pd.DataFrame
                                                                     ) -> None:
    history = channel_history(demo, by="tags")
    assert set(history["channel"]) == {"claims", "new-policy", "renewal", "portal-migration",
                                       OTHER_INVITED, "Organic"}
    assert list(history["channel"])[-2:] == [OTHER_INVITED, "Organic"]
    rates = scoring.recent_rates(demo)
    invited = history[history["invited"]]
    assert invited["reviews"].sum() == rates.invited_reviews
    assert invited["reviews_per_day"].sum() == pytest.approx(rates.invited_per_day)
    by_method = channel_history(demo)
    assert history["reviews"].sum() == by_method["reviews"].sum()
    assert history.iloc[-1].tolist() == by_method.iloc[-1].tolist()  # organic: the same


def test_a_review_with_several_tags_counts_under_its_first() -> None:
    reviews = synthetic([None] * 7, [True, True, True, True, True, False, True],
                        [5, 4, 3, 2, 1, 5, 4], [1, 2, 3, 4, 5, 6, 7])
    reviews["tags"] = pd.Series(["claims", "renewal, claims", "claims, renewal", " renewal ",
                                 None, "claims", ""], dtype="string")
    history = channel_history(reviews, by="tags").set_index("channel")
    assert history["reviews"].to_dict() == {"claims": 2, "renewal": 2, OTHER_INVITED: 2,
                                            "Organic": 1}
    assert history.loc["renewal", "mean_stars"] == 3.0  # the reviews of 4 and 2 stars
    assert history["reviews"].sum() == len(reviews)  # each review once
    assert channel_groupings(reviews) == ("tags",)
    one_tag = reviews.assign(tags=pd.Series(["claims, renewal"] * 7, dtype="string"))
    assert channel_groupings(one_tag) == ()  # only first tags count: one value


def test_channels_from_history_keep_the_recent_pace(demo: pd.DataFrame) -> None:
    channels = channels_from_history(channel_history(demo), 0.2)
    folded = channel_inputs(channels, 0.0, ORGANIC_MIX, horizon_days=1)
    rates = scoring.recent_rates(demo)
    assert folded.invited_per_day == pytest.approx(rates.invited_per_day)
    assert folded.invited_mean_stars == pytest.approx(mix_mean(rates.invited_mix))
    with pytest.raises(ParameterError, match="above 0"):
        channels_from_history(channel_history(demo), 0.0)


@pytest.mark.real_data
def test_scraped_page_addresses_never_become_channels(real_data: Path) -> None:
    """The pet insurers' scraped ``source`` holds trustpilot.com page addresses."""
    folder = real_data / "trustpilot-pet-insurance"
    files = sorted(folder.glob("*.csv"))
    assert files, f"no CSV files in {folder}"
    for path in files:
        reviews = scoring.load_reviews(path).reviews
        assert channel_groupings(reviews) == (), path.name
        raw = pd.read_csv(path)
        if "source" in raw.columns:  # the page each review was scraped from
            assert not qualifies(raw["source"]), path.name
