"""How good are these forecasts? The planner's own status-quo forecasts, made as if on
the first of every past month, against what the score then did.

The backtest (:func:`scoring.backtest`) takes seconds on a large history, so it runs
when asked (a button, with a progress bar), is cached on the view's reviews key and the
model, and once run shows again without asking for the rest of the session.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

import scoring
from scoring.model import ScoreParams
from ui import cache, data, downloads
from ui.planner import backtest_text, text
from ui.planner.backtest_chart import backtest_figure
from ui.planner.engine import Engine
from ui.planner.outlook import CHART_CONFIG

HORIZONS = (30, 90, 180)
MAIN_HORIZON = 90
PATHS = 500
SEED = 20240601
ASKED = "plan_backtest_asked"
"""Session-state set of the reviews keys whose backtest the user asked for."""
ORIGIN = "plan_backtest_origin"
BEFORE_DAYS = 90
"""How much of the score before a past forecast its chart shows."""


@dataclass
class _Slot:
    """Where one view's backtest is kept once computed (one per reviews key and model,
    shared by every session like any cached value)."""

    result: scoring.Backtest | None = None


@cache.by_key(max_entries=8, shared=True)
def _slot(reviews: pd.DataFrame, params: ScoreParams, as_of: pd.Timestamp | None) -> _Slot:
    """The slot of a view: computed outside the cache, so the progress bar is drawn live
    (a cached function may not draw into the page)."""
    return _Slot()


@cache.by_key(max_entries=8)
def _precision(reviews: pd.DataFrame) -> scoring.DatePrecision:
    return scoring.date_precision(reviews)


@cache.by_key(max_entries=16)
def _before(reviews: pd.DataFrame, params: ScoreParams, origin: pd.Timestamp) -> pd.Series:
    return scoring.score_series(
        reviews, freq="D", start=origin - pd.Timedelta(days=BEFORE_DAYS), end=origin,
        clock="live", params=params,
    )["score"]


def _run(engine: Engine) -> scoring.Backtest:
    """The backtest of the view, computed once with a progress bar, then kept."""
    slot = _slot(engine.key, engine.reviews, engine.model.params, engine.as_of)
    if slot.result is not None:
        return slot.result
    reviews = engine.reviews
    if engine.as_of is not None:
        reviews = reviews[reviews["created_at"] <= engine.as_of]
    bar = st.progress(0.0, text="Replaying past forecasts…")

    def progress(share: float) -> None:
        share = min(max(share, 0.0), 1.0)
        bar.progress(share, text=f"Replaying past forecasts… {share:.0%}")

    slot.result = scoring.backtest(reviews, params=engine.model.params, horizons=HORIZONS,
                                   paths=PATHS, seed=SEED, progress=progress)
    bar.empty()
    return slot.result


def _coarse(precision: scoring.DatePrecision) -> None:
    st.info(
        "The dates in this data are too coarse for a backtest: "
        + text_of_precision(precision)
        + " A forecast checked against such dates would look right or wrong by chance, so "
        "none is shown. Exports with exact dates (Trustpilot, a Google Business Profile "
        "Takeout) can be checked.",
        icon=":material/event_busy:",
    )


def text_of_precision(precision: scoring.DatePrecision) -> str:
    """What makes the dates coarse, in words."""
    return (
        f"{precision.crowded_share:.0%} of the {precision.reviews:,} reviews fall on a few "
        f"crowded dates ({precision.distinct_days:,} distinct days, typically "
        f"{precision.typical_gap_days:,.0f} days apart), as relative dates such as "
        "'a year ago' give."
    )


def _results(engine: Engine, result: scoring.Backtest) -> None:
    summary = result.summary
    st.markdown(backtest_text.summary_sentence(summary, MAIN_HORIZON))
    percent = st.column_config.NumberColumn(format="%.0f%%")
    stars = st.column_config.NumberColumn(format="%.2f")
    table = backtest_text.summary_table(summary)
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        "Inside the 80% band": percent, "Inside the 50% band": percent,
        "Mean absolute error (★)": stars, "Bias (★, + = too high)": stars,
    })
    forecasts = result.forecasts
    origins = sorted(pd.DatetimeIndex(forecasts["origin"].unique()))
    if not origins:
        return
    checked = forecasts.dropna(subset=["actual"])
    full = [o for o in origins
            if len(checked[checked["origin"] == o]) == len(result.horizons)]
    default = full[-1] if full else origins[-1]
    if st.session_state.get(ORIGIN) not in origins:
        st.session_state[ORIGIN] = default
    origin = st.selectbox(
        "Past forecast made on", origins, key=ORIGIN, format_func=text.day_text,
        help="Each first of the month with at least 90 days of reviews before it.",
    )
    figure = backtest_figure(
        result.path(origin), origin=origin, start_score=float(
            forecasts.loc[forecasts["origin"] == origin, "start_score"].iloc[0]),
        horizons=result.horizons,
        before=_before(engine.key, engine.reviews, engine.model.params, origin),
    )
    st.plotly_chart(figure, width="stretch", theme=None, config=CHART_CONFIG)
    st.caption(backtest_text.origin_caption(forecasts[forecasts["origin"] == origin]))
    downloads.csv_button("Download the past forecasts (CSV)", forecasts,
                         "trustlens-backtest.csv", data.current_dataset())


def _ask(run_key: str) -> None:
    st.session_state.setdefault(ASKED, set()).add(run_key)


def render(engine: Engine) -> None:
    """The backtest section: refused for coarse dates, a button until asked, then the
    verdict, the table per horizon and one past forecast against what happened."""
    st.subheader("How good are these forecasts?", anchor=False)
    st.caption(
        "On the first of every past month with at least 90 days of reviews before it, the "
        f"planner forecasts the score {', '.join(str(h) for h in HORIZONS[:-1])} and "
        f"{HORIZONS[-1]} days ahead as if the 90 days before had gone on ({PATHS} simulated "
        "futures each, using only what was known then), and compares the bands with what the "
        "score actually did. Bands that promise 80% should hold the actual score about 80% "
        "of the time."
    )
    precision = _precision(engine.key, engine.reviews)
    if precision.coarse:
        _coarse(precision)
        return
    run_key = f"{engine.key}|{engine.model.params}"
    if run_key not in st.session_state.get(ASKED, set()):
        st.button("Check past forecasts", key="plan_backtest_run", on_click=_ask,
                  args=(run_key,), icon=":material/history:",
                  help="Replays a forecast from every past month (a few seconds on a large "
                  "history).")
        return
    result = _run(engine)
    if result.reason is not None:
        st.info(_reason_text(result), icon=":material/info:")
        return
    _results(engine, result)


def _reason_text(result: scoring.Backtest) -> str:
    if result.reason == "too_short":
        return ("The history is too short to check past forecasts: it needs at least 90 days "
                "of reviews before a month starts and at least 30 days after it.")
    if result.reason == "no_reviews":
        return "There are no counted reviews to check past forecasts against."
    return "Past forecasts cannot be checked on this data."
