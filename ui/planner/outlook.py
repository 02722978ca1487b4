"""The outlook: where the plan takes the score (four metrics, one chart, a CSV)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import scoring
from ui import data, downloads
from ui import format as fmt
from ui.planner import charts, text
from ui.planner.defaults import Defaults
from ui.planner.engine import Context, Engine, Outlook
from ui.planner.plan import PATHS, Plan

CHART_CONFIG = {"displaylogo": False}


def history_name(engine: Engine) -> str:
    """The history line's name in a legend."""
    return "Score so far" if engine.model.is_trustpilot else "Live score so far"


def _metrics(engine: Engine, plan: Plan, outlook: Outlook) -> None:
    """The chance on the date, the expected score, the first crossing, the long run."""
    date_text, threshold = text.day_text(plan.target_date), plan.threshold
    at_horizon = outlook.expected_on(plan.horizon_days)
    crossing = outlook.crossing
    cols = st.columns(4)
    cols[0].metric(
        "Chance on the target date", f"{outlook.probability:.0%}", border=True,
        help=f"Share of {PATHS:,} simulated futures (volumes and star mixes as set, varying "
        f"as this data's history did) whose score on {date_text} is at least "
        f"{threshold:.2f}.",
    )
    cols[1].metric(
        f"Expected score on {text.day_text(outlook.day(plan.horizon_days))}",
        f"{at_horizon:.2f}",
        delta=f"{fmt.signed(at_horizon - outlook.start_score)} from {outlook.start_score:.2f} "
        "now", delta_color="normal", border=True,
        help=f"The expected path at the end of the {plan.horizon_months}-month horizon; "
        f"shows as {fmt.score_text(at_horizon)} ({scoring.label(at_horizon)}).",
    )
    if crossing.already_met:
        crossing_value, crossing_delta = "Already there", f"now {outlook.start_score:.2f}"
    elif crossing.median is None:
        crossing_value = "Not in sight"
        crossing_delta = (
            f"{crossing.share_crossed:.0%} of simulations by {outlook.expected.index[-1]:%b %Y}"
        )
    else:
        crossing_value = text.day_text(crossing.median)
        late = text.day_text(crossing.p90) if crossing.p90 is not None else "later"
        crossing_delta = f"80%: {crossing.p10.day} {crossing.p10:%b} to {late}"
    cols[2].metric(
        "First reaches the target", crossing_value, delta=crossing_delta,
        delta_color="off", delta_arrow="off", border=True,
        help="The median date on which the simulated futures first reach the target; 80% of "
        "them first reach it between the two dates below (P10 and P90).",
    )
    cols[3].metric(
        "Long-run score at this pace", f"{outlook.long_run_score:.2f}",
        delta=scoring.label(outlook.long_run_score), delta_color="off", delta_arrow="off",
        border=True,
        help="Where the score settles if this volume and mix go on for years"
        + (": the new reviews' average stars, since the prior fades as reviews accumulate."
           if engine.model.is_trustpilot else "."),
    )


def _chart_caption(engine: Engine, plan: Plan, outlook: Outlook, days: int) -> str:
    """What the chart shows, with the spread of the simulations at the horizon."""
    trustpilot = engine.model.is_trustpilot
    band_end = outlook.bands.iloc[plan.horizon_days - 1]
    extended = (
        f" The target date is after the {plan.horizon_months}-month horizon, so the chart runs "
        "to it." if days > plan.horizon_days else ""
    )
    return (
        f"{'Score' if trustpilot else 'Live score'} over the last year, then "
        f"{PATHS:,} simulated futures (seeded: the same "
        "inputs give the same bands). Shaded bands: where 80% and 50% of them lie each day; on "
        f"{text.day_text(outlook.day(plan.horizon_days))} 80% lie between "
        f"{band_end['p10']:.2f} and {band_end['p90']:.2f} (the more effective reviews, the "
        "narrower). Dashed grey: the last 90 days' volume and mix continue; dotted red: no "
        "new reviews at all"
        + (" (flat: without new reviews the Trustpilot score does not move)."
           if trustpilot else " (it drifts back towards the prior).")
        + extended + " " + text.uncertainty_sentence(engine.uncertainty())
        + " How often such bands held in the past: see \"How good are these forecasts?\" "
        "below."
    )


def _table(outlook: Outlook, context: Context) -> pd.DataFrame:
    """The projection by day, as the CSV download holds it."""
    return pd.DataFrame({
        "expected_score": outlook.expected,
        **{f"{p}_score": outlook.bands[p] for p in outlook.bands.columns},
        "status_quo_score": context.status_quo,
        "stop_collecting_score": context.stop_collecting,
    })


def render(engine: Engine, plan: Plan, defaults: Defaults) -> Outlook:
    """Project the plan and show where it leads: the metrics, a plain error when no
    volume can reach the target, the chart and its CSV. Returns the projection."""
    days = plan.simulated_days(defaults.as_of)
    with st.spinner(f"Simulating {PATHS:,} paths…"):
        outlook = engine.outlook(plan, days)
        context = engine.context(days)
    st.markdown(f"**Target: {plan.target_description} by {text.day_text(plan.target_date)}**")
    _metrics(engine, plan, outlook)
    reach = engine.reachability(plan, outlook.start_score)
    if not reach.reachable:
        named = text.target_name(plan.target, plan.target_kind)
        st.error("Out of reach at any volume with this star mix. "
                 + text.reachability_sentence(reach, named), icon=":material/block:")
    figure = charts.projection_figure(
        history=context.history, as_of=outlook.as_of, start_score=outlook.start_score,
        expected=outlook.expected, bands=outlook.bands, status_quo=context.status_quo,
        stop_collecting=context.stop_collecting, threshold=plan.threshold,
        target_text=plan.target_legend, target_date=plan.target_date,
        history_name=history_name(engine),
    )
    st.plotly_chart(figure, width="stretch", theme=None, config=CHART_CONFIG)
    st.caption(_chart_caption(engine, plan, outlook, days))
    downloads.csv_button("Download the projection (CSV)", _table(outlook, context),
                         "trustlens-projection.csv", data.current_dataset(), index=True)
    return outlook
