"""Overview: the score now, in ten seconds, and how it got here."""

from __future__ import annotations

import streamlit as st

import scoring
from scoring import replies
from ui import briefing, charts, controls, downloads, headline, views, why_text
from ui import format as fmt
from ui.replies import sections as reply_sections
from ui.replies import text as reply_text

view = controls.sidebar(period=False)
dataset, model, reviews = view.dataset, view.model, view.reviews
snap = scoring.snapshot(reviews, as_of=view.end, params=model.params)

st.title(fmt.escape_markdown(dataset.business_name), anchor=False)
st.caption(
    f"TrustScore as of {snap.as_of:%d %b %Y} · {fmt.escape_markdown(view.describe())} · "
    f"dataset: {fmt.escape_markdown(dataset.name)}"
)
st.page_link("app_pages/calibration.py", label="Does this match your Trustpilot profile? Check it",
             icon=":material/fact_check:")

if not snap.has_reviews:
    st.info("No reviews yet: the score starts once the first review that counts arrives.")
    st.stop()
brief = briefing.draw(view, snap)  # quick sentences now, the slow ones at the end

hero, figures = st.columns([1, 2], gap="medium")
with hero, st.container(border=True):
    st.html(
        '<div style="font-size:0.9rem;color:#555">TrustScore</div>'
        f'<div data-testid="headline-score" style="font-size:3.6rem;font-weight:700;'
        f'line-height:1.05">{fmt.score_text(snap.score)}</div>'
        f"{fmt.stars_html(snap.stars)}"
        f'<div style="margin-top:6px;font-size:1.15rem;font-weight:600;'
        f'color:{fmt.LABEL_COLOURS[snap.label]}">{snap.label}</div>'
        f'<div style="font-size:0.85rem;color:#555">{fmt.stars_text(snap.stars)}, '
        f"unrounded {snap.score:.3f}</div>"
    )
with figures:
    # Two metrics a row on every screen (stacked one by one, a phone scrolls past four
    # tall tiles before the chart).
    top, bottom = st.columns(2, wrap=False), st.columns(2, wrap=False)
    top[0].metric(
        "Change in 90 days", fmt.signed(snap.change_90d),
        delta=f"{fmt.signed(snap.change_30d)} in 30 days", delta_color="normal", border=True,
        help="The score now minus the score 90 (30) days earlier"
        + (" (under the Trustpilot model it moves only when reviews arrive)."
           if model.is_trustpilot else " (live clock: it drifts between reviews)."),
    )
    top[1].metric(
        "KPI index (0-100)", f"{snap.kpi_index:.0f}", delta=snap.kpi_band,
        delta_color="off", delta_arrow="off", border=True,
        help="(score - 1) / 4 x 100; above 80 excellent, 70-80 good, below 70 poor.",
    )
    bottom[0].metric(
        "Reviews", fmt.count_text(snap.reviews),
        delta=f"{fmt.count_text(snap.reviews_last_28d)} in the last 28 days",
        delta_color="off", delta_arrow="off", border=True,
        help="Reviews that count towards the score, up to the as-of date.",
    )
    bottom[1].metric(
        "Effective reviews", fmt.count_text(round(snap.effective_reviews)),
        delta="what the score rests on", delta_color="off", delta_arrow="off", border=True,
        help="The sum of the reviews' weights: each review counts half after one half-life.",
    )
    st.markdown(
        f"**{snap.label}** at **{fmt.score_text(snap.score)}** "
        f"({fmt.stars_text(snap.stars)}).  \n" + "  \n".join(headline.distance_lines(snap))
    )
    st.page_link("app_pages/why.py", label=why_text.overview_link_label(snap.change_90d),
                 icon=":material/waterfall_chart:")
    st.caption(views.model_fidelity(model))
    if replies.has_replies(reviews):
        profile = reply_sections.summary(view, reply_sections.as_of(view))
        st.markdown(f"**Replies**: {reply_text.profile_sentence(profile)}")
        st.page_link("app_pages/replies.py", label="How fast, and which are waiting: Replies",
                     icon=":material/forum:")

series, freq = views.trend(reviews, model, start=view.start, end=view.end)
bar_freq = views.volume_freq(freq)
volume = views.companion_series(view, freq=bar_freq, start=series.index[0], end=series.index[-1])
st.subheader("Score over time", anchor=False)
trend = charts.trend_figure(
    [charts.Line("TrustScore", series["score"])], volume=volume, volume_freq=bar_freq
)
st.plotly_chart(trend, width="stretch", theme=None, config={"displaylogo": False})
st.caption(
    f"{views.score_name(model)} at the end of each "
    f"{charts.FREQ_NAMES[freq]}; shaded bands are Trustpilot's "
    "labels (Excellent from 4.3 shown, Great 3.8, Average 2.8, Poor 1.8). "
    f"Bars: reviews per {charts.FREQ_NAMES[bar_freq]} by stars."
)
downloads.snapshot_button("overview", view, [trend], slug="overview")
downloads.deck_button(view, slug="overview")
st.page_link("app_pages/present.py", label="Present as slides", icon=":material/slideshow:")
briefing.finish(brief)
