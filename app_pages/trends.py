"""Trends: the score over time on both clocks, against plain means and other half-lives."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import streamlit as st

from scoring.attribution import largest_moves
from scoring.periods import periods_in
from ui import charts, controls, downloads, views
from ui.settings import MODEL_NAMES

view = controls.sidebar()
model = view.model
st.title("Trends", anchor=False)
st.caption(view.caption())
if views.star_counts(view).sum() == 0:
    st.info("No counted reviews match these filters: widen the filters or the dates.")
    st.stop()

other_model = model.other_model()
SHOW = {
    "live": "TrustScore" if model.is_trustpilot else "Live score",
    "displayed": "As displayed",
    "other": f"{MODEL_NAMES[other_model.model]} model",
    "cumulative": "Plain cumulative mean",
    "rolling": "Rolling 90-day mean",
}
if model.is_trustpilot:
    del SHOW["displayed"]  # one clock under the fitted model
left, right = st.columns([3, 2])
shown = left.pills(
    "Lines", options=list(SHOW), format_func=SHOW.get, selection_mode="multi",
    default=["live", "rolling"], key="trend_lines", bind="query-params",
    persist_state="session",
    help="The other model is drawn for comparison: the Trustpilot model matches the scores "
    "Trustpilot publishes; the decayed-prior one drifts back to 3.5 when reviews age.",
)
others = [h for h in controls.HALF_LIFE_OPTIONS if h != model.half_life_days]
compare = right.multiselect(
    "Same score under other half-lives", options=others, max_selections=2,
    format_func=controls.half_life_text, key="trend_half_lives", bind="query-params",
    persist_state="session", placeholder="e.g. 91 and 365 days",
    help="How much the half-life (only 'about 6 months' is published) changes the picture.",
)

series, freq = views.trend(view.reviews, model, start=view.start, end=view.end,
                           freq=view.freq, clock="live")
if freq != view.freq:
    st.caption(f"Shown by {charts.FREQ_NAMES[freq]} to keep the chart readable.")
index = series.index
bar_freq = views.volume_freq(freq) if freq == "D" else freq
volume = views.companion_series(view, freq=bar_freq, start=index[0], end=index[-1])
means = views.companion_series(view, freq=freq, start=index[0], end=index[-1],
                               windows_days=(90,))

lines: list[charts.Line] = []
table = pd.DataFrame(index=index)
table["score" if model.is_trustpilot else "live_score"] = series["score"]
if not shown or "live" in shown:
    lines.append(charts.Line(SHOW["live"], series["score"]))
if shown and "other" in shown:
    other, _ = views.trend(view.reviews, other_model, start=view.start, end=view.end, freq=freq,
                           clock="live")
    other_name = SHOW["other"] + ("" if other_model.is_trustpilot else ", live")
    lines.append(charts.Line(other_name, other["score"], color="#7b1fa2", width=1.6,
                             dash="dashdot"))
    table[f"score_{other_model.model.replace('-', '_')}_model"] = other["score"]
if shown and "displayed" in shown and not model.is_trustpilot:
    displayed, _ = views.trend(view.reviews, model, start=view.start, end=view.end, freq=freq,
                               clock="displayed")
    lines.append(charts.Line("As displayed", displayed["score"], color="#00796b", width=2,
                             shape="hv"))
    table["displayed_score"] = displayed["score"]
if shown and "cumulative" in shown:
    lines.append(charts.Line("Plain cumulative mean", means["cumulative_mean"],
                             color="#888888", width=1.6, dash="dash"))
if shown and "rolling" in shown:
    lines.append(charts.Line("Rolling 90-day mean", means["rolling_90d_mean"],
                             color="#5b8def", width=1.4, dash="dot"))
table["cumulative_mean"] = means["cumulative_mean"]
table["rolling_90d_mean"] = means["rolling_90d_mean"]
for colour, half_life in zip(("#c2185b", "#ef6c00"), compare, strict=False):
    alt_model = replace(model, half_life_days=float(half_life), clock="live")
    alt, _ = views.trend(view.reviews, alt_model, start=view.start, end=view.end, freq=freq)
    name = (f"{'Score' if model.is_trustpilot else 'Live'}, half-life "
            f"{controls.half_life_text(half_life)}")
    lines.append(charts.Line(name, alt["score"], color=colour, width=1.6))
    table[f"score_half_life_{'inf' if math.isinf(half_life) else f'{half_life:g}'}"] = (
        alt["score"]
    )
table["effective_reviews"] = series["effective_reviews"]
table["new_reviews"] = series["new_reviews"]
table["mean_rating"] = series["mean_rating"]

window = periods_in(90, freq)
moves = largest_moves(lines[0].values, window=window, n=3) if lines else None
figure = charts.trend_figure(lines, volume=volume, volume_freq=bar_freq, moves=moves,
                             height=560)
st.plotly_chart(figure, width="stretch", theme=None, config={"displaylogo": False})
st.caption(
    f"{views.score_name(model)} at the end of each {charts.FREQ_NAMES[freq]}; label bands "
    "shaded. Arrows mark "
    f"the largest moves over about 90 days. Bars: reviews per {charts.FREQ_NAMES[bar_freq]} "
    "by stars."
)

summary = views.summary(view, prior_count=model.prior_count, prior_mean=model.prior_mean)
cols = st.columns(5)
cols[0].metric("Plain mean", f"{summary.mean_rating:.2f}", border=True)
cols[1].metric("No-decay average", f"{summary.bayesian_average:.2f}", border=True,
               help="Bayesian average with the prior, without decay (IMDb weighted rating).")
cols[2].metric("4-5 star share", f"{summary.positive_share:.0%}",
               delta=f"at least {summary.positive_share_lower:.0%} (Wilson, 95%)",
               delta_color="off", delta_arrow="off", border=True)
cols[3].metric("Star-rating posterior", f"{summary.dirichlet_mean:.2f}",
               delta=f"lower bound {summary.dirichlet_lower:.2f}", delta_color="off",
               delta_arrow="off", border=True,
               help="Evan Miller's Dirichlet posterior, one pseudo-review per star.")
cols[4].metric("Net score", f"{summary.net_score:+.0f}", border=True,
               help="Share of 5-star minus share of 1-3-star reviews, x 100.")

with st.expander("The numbers behind the chart"):
    st.dataframe(table, width="stretch")
downloads.export_row(
    "Download the trend data (CSV)", table, "trustlens-trend.csv", "trends", view, [figure],
    slug="trends", index=True,
)
