"""The briefing (scoring.briefing): its sentences on the demo data, checked against naive
recomputations of the figures, and each sentence's wording in its edge cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import scoring
from scoring import briefing as b
from scoring.projection import GoalSeek
from ui.data import DEMO_PATH


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return scoring.load_reviews(DEMO_PATH).reviews


@pytest.fixture(scope="module")
def demo_briefing(demo: pd.DataFrame) -> scoring.Briefing:
    return scoring.full_briefing(demo)


def naive_trustpilot_score(reviews: pd.DataFrame, at: pd.Timestamp) -> float:
    """S = (m mu + n mean_w) / (m + n), weights 2 ** (-age / H), written out again."""
    params = scoring.ScoreParams()
    counted = reviews[reviews["counts"].fillna(True).astype(bool)] if "counts" in reviews \
        else reviews
    rows = counted[counted["created_at"] <= at]
    age = (at - rows["created_at"]).dt.total_seconds().to_numpy() / 86400
    weights = 2.0 ** (-age / params.half_life_days)
    mean = float(weights @ rows["rating"].to_numpy(dtype=float) / weights.sum())
    n = len(rows)
    return (params.prior_count * params.prior_mean + n * mean) / (params.prior_count + n)


# --- the demo briefing, hand-checked ------------------------------------------------------

def test_demo_briefing_reads_as_hand_checked(demo_briefing: scoring.Briefing) -> None:
    assert [s.key for s in demo_briefing.sentences] == ["score", "movement", "replies", "goal"]
    assert demo_briefing.sentence("score").text() == (  # type: ignore[union-attr]
        "The TrustScore is 4.3, Excellent, shown as 4.5 stars, from 14,891 reviews.")
    assert demo_briefing.sentence("movement").text() == (  # type: ignore[union-attr]
        "It rose 0.10 in the last 90 days; the largest part was 1,421 new five-star reviews "
        "(+0.25).")
    assert demo_briefing.sentence("replies").text() == (  # type: ignore[union-attr]
        "The team replied to 93% of the 699 negative reviews of the last 12 months, "
        "typically within 6 hours; 46 still wait.")
    assert demo_briefing.sentence("goal").text() == (  # type: ignore[union-attr]
        "5 stars by 31 Jul 2027 with 80% probability is out of reach at this pace: new "
        "invited reviews average 4.66 stars.")
    assert demo_briefing.pages == ("overview", "why", "replies", "planner")
    assert demo_briefing.text().startswith("The TrustScore is 4.3, Excellent")


def test_demo_score_and_movement_match_a_naive_recomputation(demo: pd.DataFrame) -> None:
    end = demo["created_at"].max()
    start = end - pd.Timedelta(days=90)
    now, then = naive_trustpilot_score(demo, end), naive_trustpilot_score(demo, start)
    assert f"{now:.1f}" == "4.3" and 4.25 <= now < 4.75  # 4.5 stars, Excellent from 4.25
    assert f"{now - then:.2f}" == "0.10"
    snap = scoring.snapshot(demo)
    assert snap.score == pytest.approx(now, abs=1e-9)
    assert snap.change_90d == pytest.approx(now - then, abs=1e-9)
    split = scoring.explain_change(demo, start=start, end=end)
    assert split.change == pytest.approx(now - then, abs=1e-9)
    assert split.ageing + sum(split.by_stars.values()) == pytest.approx(now - then, abs=1e-12)
    window = demo[(demo["created_at"] > start) & (demo["created_at"] <= end)]
    assert int((window["rating"] == 5).sum()) == 1421 == split.new_reviews[5]
    largest = max(split.by_stars, key=lambda k: abs(split.by_stars[k]))
    assert largest == 5 and f"{split.by_stars[5]:+.2f}" == "+0.25"
    # Five-star reviews alone, Shapley-fair, lie between adding them first and last.
    first = naive_trustpilot_score(pd.concat([demo[demo["created_at"] <= start],
                                              window[window["rating"] == 5]]), end)
    last_without = naive_trustpilot_score(demo[~demo.index.isin(
        window.index[window["rating"] == 5])], end)
    effects = sorted([first - naive_trustpilot_score(demo[demo["created_at"] <= start], end),
                      now - last_without])
    assert effects[0] - 1e-9 <= split.by_stars[5] <= effects[1] + 1e-9


def test_demo_replies_match_a_naive_count(demo: pd.DataFrame) -> None:
    end = demo["created_at"].max()
    year = demo[(demo["created_at"] > end - pd.Timedelta(days=365)) & (demo["created_at"] <= end)
                & demo["rating"].isin([1, 2])]
    answered = year["reply_at"].notna() & (year["reply_at"] <= end)
    assert len(year) == 699
    assert f"{answered.mean():.0%}" == "93%"
    assert int((~answered).sum()) == 46


def test_demo_goal_is_the_planner_goal_seek(demo: pd.DataFrame) -> None:
    snap = scoring.snapshot(demo)
    target = b.next_target(snap.score)
    assert target == b.Target("stars", 5.0, 4.75, "5 stars")
    rates = scoring.recent_rates(demo, as_of=snap.as_of)
    goal = b.seek_goal(demo, b.goal_inputs(rates, scoring.ScoreParams()), target,
                       b.default_goal_date(snap.as_of), as_of=snap.as_of)
    assert not goal.reachable and goal.reason == "invited_too_low"
    window = demo[(demo["created_at"] > snap.as_of - pd.Timedelta(days=90))
                  & demo["invited"].fillna(False).astype(bool)]
    assert f"{window['rating'].mean():.2f}" == "4.66"
    # Excellent in expectation is reachable: the sentence gives the monthly volume.
    excellent = b.Target("label", "Excellent", 4.25, "Excellent")
    found = b.seek_goal(demo, b.goal_inputs(rates, scoring.ScoreParams()), excellent,
                        pd.Timestamp("2027-07-31", tz="UTC"), as_of=snap.as_of,
                        probability=None)
    assert found.reason in ("found", "already_met")
    text = b.goal_sentence(found, excellent, requests_now=b.requests_today(rates)).text()
    if found.reason == "found":
        monthly = int(np.ceil(round(found.requests_per_day * 365.25 / 12, 6)))  # type: ignore[operator]
        assert f"takes {monthly:,} review requests a month" in text
        assert f"(today: {round(rates.invited_per_day * 365.25 / 12 / 0.2):,})" in text


def test_briefing_without_replies_has_no_replies_sentence(demo: pd.DataFrame) -> None:
    plain = demo.drop(columns=["replied", "reply_at", "reply_text"])
    found = scoring.build_briefing(plain)
    assert [s.key for s in found.sentences] == ["score", "movement"]
    assert "repl" not in found.text()


def test_briefing_with_themes_orders_the_sentences(demo: pd.DataFrame) -> None:
    themes = pd.DataFrame({"theme": ["price · cover", "waiting · phone", "claim · paid"],
                           "reviews": [30, 20, 50], "share": [0.3, 0.2, 0.5],
                           "mean_stars": [4.4, 2.14, 4.3]})
    found = scoring.build_briefing(demo, themes=themes)
    assert [s.key for s in found.sentences] == ["score", "movement", "themes", "replies"]
    assert found.sentence("themes").text() == (  # type: ignore[union-attr]
        "People wrote most about claim · paid (50%), price · cover (30%) and waiting · phone "
        "(20%); the lowest-rated, waiting · phone, averages 2.1 stars.")


# --- the sentences' edge cases -----------------------------------------------------------

@pytest.mark.parametrize(("score", "expected"), [
    (4.2708, ("stars", 5.0)),        # Excellent already: the next half star
    (3.9, ("label", "Excellent")),   # 4.5 stars and Excellent both from 4.25: the label
    (3.7, ("label", "Great")),       # 4.0 stars and Great both from 3.75
    (2.0, ("stars", 2.5)),           # 2.5 stars from 2.25, Average from 2.75
    (2.6, ("label", "Average")),     # 3.0 stars from 2.75 too: the label
    (4.8, None),                     # 5 stars: nothing above
])
def test_next_target_is_the_nearer_step(score: float, expected: tuple | None) -> None:
    found = b.next_target(score)
    assert (None if found is None else (found.kind, found.value)) == expected
    if found is not None:
        assert found.threshold > score
        assert found.threshold == scoring.target_threshold(found.value, kind=found.kind)


def test_default_goal_date_is_a_month_end_nine_months_on() -> None:
    assert b.default_goal_date(pd.Timestamp("2026-10-31 22:31", tz="UTC")) == pd.Timestamp(
        "2027-07-31", tz="UTC")
    assert b.default_goal_date(pd.Timestamp("2026-05-15")) == pd.Timestamp("2027-02-28",
                                                                          tz="UTC")


def _split(by_stars: dict[int, float], new: dict[int, int], ageing: float = 0.0
           ) -> scoring.Attribution:
    start = pd.Timestamp("2026-01-01", tz="UTC")
    total = ageing + sum(by_stars.values())
    return scoring.Attribution(start, start + pd.Timedelta(days=90), 4.0, 4.0 + total, ageing,
                               by_stars, new)


def test_movement_sentence_falls_holds_and_names_ageing() -> None:
    fell = b.movement_sentence(_split({1: -0.12, 5: 0.02}, {1: 40, 5: 10}))
    assert fell.text() == ("It fell 0.10 in the last 90 days; the largest part was 40 new "
                           "one-star reviews (-0.12).")
    assert {f.page for f in fell.figures} == {"why"}
    quiet = b.movement_sentence(_split({k: 0.0 for k in range(1, 6)}, {k: 0 for k in range(1, 6)}))
    assert quiet.text() == "It held steady (±0.00) in the last 90 days: no new reviews arrived."
    aged = b.movement_sentence(_split({5: 0.01}, {5: 3}, ageing=-0.05))
    assert aged.text().endswith("the largest part was older reviews losing weight (-0.05).")
    despite = b.movement_sentence(_split({1: -0.08, 4: 0.05, 5: 0.06}, {1: 9, 4: 20, 5: 30}))
    assert despite.text() == ("It rose 0.03 in the last 90 days despite 9 new one-star "
                              "reviews (-0.08).")
    offset = b.movement_sentence(_split({1: -0.19, 5: 0.19}, {1: 50, 5: 200}))
    assert offset.text() == ("It held steady (±0.00) in the last 90 days; its largest part, "
                             "50 new one-star reviews (-0.19), was offset by the others.")


def _profile(**changes: object) -> scoring.replies.ReplySummary:
    values: dict = dict(as_of=pd.Timestamp("2026-01-01", tz="UTC"), reviews=10, known=10,
                        replied=5, reply_rate=0.5, negative_reviews=4, negative_replied=3,
                        negative_reply_rate=0.75, typical_reply_hours=50.0,
                        p90_reply_hours=None, within_day=0.2, within_week=0.7, waiting=1,
                        oldest_waiting_days=3.0, suspicious=0)
    values.update(changes)
    return scoring.replies.ReplySummary(**values)


def test_replies_sentence_cases() -> None:
    assert b.replies_sentence(_profile()).text() == (  # type: ignore[union-attr]
        "The team replied to 75% of the 4 negative reviews of the last 12 months, typically "
        "within 2.1 days; 1 still waits.")
    untimed = b.replies_sentence(_profile(typical_reply_hours=None, waiting=2))
    assert untimed is not None and "typically" not in untimed.text()
    assert b.replies_sentence(_profile(negative_reply_rate=None)) is None


@pytest.mark.parametrize("hours", [0.2, 0.99, 1.0, 5.75, 35.9, 36.0, 100.0, 400.0, 2000.0])
def test_duration_text_reads_as_the_replies_page(hours: float) -> None:
    from ui.replies.text import duration_text

    assert b.duration_text(hours) == duration_text(hours)


def _goal(reason: str, **changes: object) -> GoalSeek:
    values: dict = dict(requests_per_day=None, reachable=False, reason=reason,
                        expected_score=None, threshold=4.25,
                        by=pd.Timestamp("2027-07-31", tz="UTC"), ceiling=4.1, base_score=4.0,
                        invited_mean_stars=4.2, response_rate=0.2, paths=2000,
                        max_requests_per_day=10_000.0, probability=0.8)
    values.update(changes)
    return GoalSeek(**values)


EXCELLENT = b.Target("label", "Excellent", 4.25, "Excellent")


@pytest.mark.parametrize(("goal", "ending"), [
    (_goal("found", requests_per_day=10.0, reachable=True, expected_score=4.3),
     "Reaching Excellent by 31 Jul 2027 with 80% probability takes 305 review requests a "
     "month (today: 200)."),
    (_goal("already_met", requests_per_day=0.0, reachable=True, already_met=True),
     "Excellent by 31 Jul 2027 is likely without review requests (80% probability, organic "
     "reviews alone)."),
    (_goal("invited_too_low"), "is out of reach at this pace: new invited reviews average 4.20 "
     "stars."),
    (_goal("peaks_below"), "is out of reach at this pace: the expected score peaks at 4.10."),
    (_goal("above_limit"), "is out of reach at this pace: it would take more than 304,375 "
     "requests a month."),
    (_goal("no_responses"), "requests bring no reviews at a 0% response rate."),
])
def test_goal_sentence_says_what_it_takes_or_why_not(goal: GoalSeek, ending: str) -> None:
    sentence = b.goal_sentence(goal, EXCELLENT, requests_now=200.0)
    assert sentence.text().endswith(ending)
    assert sentence.figures and {f.page for f in sentence.figures} == {"planner"}


def test_figures_carry_tooltips_and_data_text_stays_plain() -> None:
    hostile = "**bold** [x](javascript:alert(1)) <b>"
    themes = pd.DataFrame({"theme": [hostile], "reviews": [5], "share": [1.0],
                           "mean_stars": [1.5]})
    sentence = b.themes_sentence(themes)
    assert sentence is not None and hostile in sentence.text()
    assert all(f.tooltip for f in sentence.figures)
    from ui.briefing import markdown

    shown = markdown(sentence)
    assert "**bold**" not in shown and "](javascript" not in shown
    assert b.themes_sentence(themes.iloc[0:0]) is None


def test_defaults_are_the_planners() -> None:
    from ui.planner import defaults, goal, plan

    assert b.DEFAULT_RESPONSE_RATE == defaults.DEFAULT_RESPONSE_RATE_PCT / 100
    assert b.GOAL_MONTHS == defaults.DEFAULT_TARGET_MONTHS
    assert b.GOAL_PROBABILITY == goal.PROBABILITY_GOAL
    assert (b.GOAL_PATHS, b.GOAL_SEED) == (plan.PATHS, plan.SEED)


def test_one_review_reads_in_the_singular() -> None:
    one = pd.DataFrame({"created_at": pd.to_datetime(["2025-01-01"], utc=True), "rating": [1]})
    assert scoring.build_briefing(one).text() == (
        "The TrustScore is 3.2, Average, shown as 3 stars, from 1 review. It fell 0.31 in the "
        "last 90 days; the largest part was 1 new one-star review (-0.31).")
    goal = _goal("found", requests_per_day=1 / 30.4375, reachable=True, expected_score=4.3)
    assert "takes 1 review request a month" in b.goal_sentence(goal, EXCELLENT).text()


def test_no_reviews_is_refused() -> None:
    empty = pd.DataFrame({"created_at": pd.to_datetime([], utc=True),
                          "rating": pd.Series([], dtype="int64")})
    with pytest.raises(scoring.ParameterError):
        scoring.build_briefing(empty)


def test_a_failed_background_job_leaves_the_quick_sentences() -> None:
    from concurrent.futures import Future

    from ui import briefing as drawn

    failed: Future = Future()
    failed.set_exception(RuntimeError("the text analysis ran out of memory"))
    assert drawn._result(drawn.Jobs(failed, failed)) == drawn.Slow(None, None)
    # One failed part leaves the other's sentence.
    found: Future = Future()
    found.set_result("goal")
    assert drawn._result(drawn.Jobs(failed, found)) == drawn.Slow(None, "goal")
