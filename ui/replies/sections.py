"""The Replies page's sections and their cached engine calls.

Every engine call is cached on the view's reviews key (content hash, window end,
filters) and its own arguments (:mod:`ui.cache`), so a rerun that changes nothing
about replies costs nothing.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from scoring import replies
from scoring.replies import NEGATIVE_STARS, AnsweredWithin, ReplySummary
from ui import cache, charts, downloads, views
from ui.controls import View
from ui.replies import charts as reply_charts
from ui.replies import text

CACHE_ENTRIES = 32
CHART_POINTS = 60
"""At most this many periods on a reply chart (rates per day are mostly noise)."""
BACKLOG_ROWS = 500
LATEST_ROWS = 100
PLOTLY = {"displaylogo": False}
NO_TIMES = ("This data says whether a review was answered, not when: there are no reply "
            "times to show.")


@cache.by_key(max_entries=CACHE_ENTRIES)
def _summary(reviews: pd.DataFrame, as_of: pd.Timestamp) -> ReplySummary:
    return replies.reply_summary(reviews, as_of=as_of)


@cache.by_key(max_entries=CACHE_ENTRIES)
def _table(reviews: pd.DataFrame, by: str, freq: str, as_of: pd.Timestamp,
           start: pd.Timestamp | None, negative_only: bool) -> pd.DataFrame:
    if negative_only:
        reviews = reviews[reviews["rating"].isin(NEGATIVE_STARS)]
    return replies.reply_table(reviews, by=by, freq=freq, as_of=as_of, start=start)


@cache.by_key(max_entries=CACHE_ENTRIES)
def _curve(reviews: pd.DataFrame, as_of: pd.Timestamp, stars: tuple[int, ...] | None
           ) -> AnsweredWithin:
    since = as_of - pd.Timedelta(days=replies.PROFILE_WINDOW_DAYS)
    return replies.answered_within(reviews, as_of=as_of, stars=stars, since=since)


@cache.by_key(max_entries=CACHE_ENTRIES)
def _backlog(reviews: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    return replies.backlog(reviews, as_of=as_of)


def as_of(view: View) -> pd.Timestamp:
    """The instant the figures are at: the end of the date window, else the newest review."""
    return view.end if view.end is not None else view.reviews["created_at"].max()


def summary(view: View, at: pd.Timestamp) -> ReplySummary:
    """:func:`scoring.replies.reply_summary` of the view at ``at``, cached."""
    return _summary(views.reviews_key(view), view.reviews, at)


def headline(view: View) -> None:
    """The profile figures now, with their change over 90 days, and the waiting reviews."""
    at = as_of(view)
    now, then = summary(view, at), summary(view, at - pd.Timedelta(days=90))
    cols = st.columns(4)
    cols[0].metric(
        "Negative reviews answered", text.share_text(now.negative_reply_rate),
        delta=text.change_text(now.negative_reply_rate, then.negative_reply_rate, points=True),
        border=True,
        help="Share of the 1-2 star reviews of the last 12 months answered by now: the "
        "figure Trustpilot shows on a profile.",
    )
    timed = now.within_day is not None  # None: no answered review has a known time
    cols[1].metric(
        "Typical reply time",
        text.duration_text(now.typical_reply_hours) if timed else "not in the data",
        delta=text.change_text(now.typical_reply_hours, then.typical_reply_hours,
                               points=False),
        delta_color="inverse", border=True,
        help="The median time to reply to the 1-2 star reviews of the last 12 months, "
        "counting the ones still waiting as not answered yet (Kaplan-Meier): half of them "
        "were answered within this time. Trustpilot does not publish its own definition.",
    )
    cols[2].metric(
        "Answered within a day", text.share_text(now.within_day),
        delta=text.change_text(now.within_day, then.within_day, points=True), border=True,
        help="Share of the 1-2 star reviews of the last 12 months answered within 24 hours "
        "(Kaplan-Meier).",
    )
    cols[3].metric(
        "Negative reviews waiting", f"{now.waiting:,}",
        delta=f"{now.waiting - then.waiting:+,} in 90 days", delta_color="inverse",
        border=True, help="1-2 star reviews of the last 12 months without a reply.",
    )
    st.caption(
        f"All reviews: {text.share_text(now.reply_rate)} answered ({now.replied:,} of "
        f"{now.known:,} whose reply status the data gives). {text.NOT_IN_SCORE}"
    )
    if now.suspicious:
        st.warning(f"{now.suspicious:,} replies are dated before their review: they count as "
                   "answered and are left out of the reply times (see the Import report).")


def _chart_freq(view: View, at: pd.Timestamp) -> str:
    first = view.start if view.start is not None else view.reviews["created_at"].min()
    return views.chart_freq(first, at, view.freq or "M", max_points=CHART_POINTS)


def trends(view: View) -> list[go.Figure]:
    """Reply rate and time to reply per period of the review, all and negative."""
    at = as_of(view)
    freq = _chart_freq(view, at)
    key = views.reviews_key(view)
    args = ("period", freq, at, view.start)
    everything = _table(key, view.reviews, *args, False)
    negative = _table(key, view.reviews, *args, True)
    if view.start is not None:
        everything, negative = (t[t.index >= view.start.floor("D")] for t in (everything,
                                                                                negative))
    name = charts.FREQ_NAMES[freq]
    left, right = st.columns(2)
    rates = reply_charts.rates_figure(everything, negative, name)
    left.plotly_chart(rates, width="stretch", theme=None, config=PLOTLY)
    if not negative["within_week"].notna().any():
        right.info(NO_TIMES)
        return [rates]
    times = reply_charts.times_figure(negative, name)
    right.plotly_chart(times, width="stretch", theme=None, config=PLOTLY)
    never = (" No period has 90% of its negative reviews answered, so the 90th percentile "
             "has no line." if negative["p90_hours"].isna().all() else "")
    st.caption(
        f"Reviews grouped by the {name} they were written in, counted at "
        f"{at:%d %b %Y}: the latest periods have had less time to be answered. Times count "
        "the reviews still waiting as not answered yet, so a period with fewer than half "
        f"answered has no median.{never}"
    )
    return [rates, times]


def stars_and_curve(view: View) -> list[go.Figure]:
    """Answered by stars, and the answered-within curve of the last 12 months."""
    at = as_of(view)
    key = views.reviews_key(view)
    by_stars = _table(key, view.reviews, "stars", "M", at, None, False)
    curves = [("1-2 star reviews", _curve(key, view.reviews, at, NEGATIVE_STARS)),
              ("All reviews", _curve(key, view.reviews, at, None))]
    curves = [(name, curve) for name, curve in curves if curve.timed]
    left, right = st.columns([2, 3])
    stars_figure = reply_charts.by_stars_figure(by_stars)
    left.plotly_chart(stars_figure, width="stretch", theme=None, config=PLOTLY)
    if not curves:
        right.info(NO_TIMES)
        st.caption("Every review by its stars: the share answered, and within a day.")
        return [stars_figure]
    curve_figure = reply_charts.answered_within_figure(curves)
    right.plotly_chart(curve_figure, width="stretch", theme=None, config=PLOTLY)
    st.caption("Left: every review by its stars. Right: reviews of the last 12 months, the "
               "share answered within each time since the review; reviews still waiting "
               "count until now (Kaplan-Meier).")
    return [stars_figure, curve_figure]


BACKLOG_SHOWN = {
    "created_at": "Written", "rating": "Stars", "age_days": "Waiting (days)", "title": "Title",
    "text": "Text", "location": "Location", "source": "Source",
}


def backlog(view: View, figures: list[go.Figure]) -> None:
    """The reviews still waiting, lowest and oldest first, with a safe CSV export."""
    at = as_of(view)
    waiting = _backlog(views.reviews_key(view), view.reviews, at)
    columns = [c for c in BACKLOG_SHOWN if c in waiting.columns]
    table = waiting[columns].rename(columns=BACKLOG_SHOWN)
    oldest = float(waiting["age_days"].max()) if len(waiting) else None
    st.caption(text.backlog_caption(len(waiting), oldest)
               + (f" The first {BACKLOG_ROWS:,} are shown; the CSV has all."
                  if len(table) > BACKLOG_ROWS else ""))
    st.dataframe(
        table.head(BACKLOG_ROWS), width="stretch", hide_index=True,
        column_config={
            "Written": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
            "Waiting (days)": st.column_config.NumberColumn(format="%.0f"),
            "Text": st.column_config.TextColumn(width="large"),
        },
    )
    downloads.export_row("Download the reviews waiting (CSV)", table, "trustlens-backlog.csv",
                         "replies", view, figures, slug="replies")


LATEST_SHOWN = {"created_at": "Written", "rating": "Stars", "hours": "Answered after (hours)",
                "title": "Title", "reply_text": "Reply"}


def latest_replies(view: View) -> None:
    """The latest replies to 1-2 star reviews, with their text where the data has it."""
    reviews = view.reviews
    if "reply_text" not in reviews.columns and "reply_at" not in reviews.columns:
        return
    at = as_of(view)
    negative = reviews[reviews["rating"].isin(NEGATIVE_STARS)]
    if "reply_at" in negative.columns:
        negative = negative[negative["reply_at"].notna() & (negative["reply_at"] <= at)]
        negative = negative.assign(
            hours=(negative["reply_at"] - negative["created_at"]) / pd.Timedelta(hours=1))
        negative = negative.sort_values("reply_at", ascending=False)
    else:
        negative = negative[negative["reply_text"].notna()]
    if negative.empty:
        return
    st.subheader("Latest replies to negative reviews", anchor=False)
    columns = [c for c in LATEST_SHOWN if c in negative.columns]
    st.dataframe(
        negative[columns].head(LATEST_ROWS).rename(columns=LATEST_SHOWN), width="stretch",
        hide_index=True,
        column_config={
            "Written": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
            "Answered after (hours)": st.column_config.NumberColumn(format="%.1f"),
            "Reply": st.column_config.TextColumn(width="large"),
        },
    )
    st.caption("Reviews and replies are shown exactly as written, as plain text.")


def updates_note(view: View) -> None:
    """Where the data has review update dates: negative reviews updated after a reply."""
    found = replies.updates_after_reply(view.reviews, as_of=as_of(view))
    if found is None:
        st.caption("This data has no review update dates, so it cannot show whether reviewers "
                   "changed their review after a reply.")
        return
    st.caption(
        f"Of {found.negative_answered:,} answered 1-2 star reviews, {found.updated_after_reply:,} "
        "were updated by their reviewer after the reply. The stars before an update are not in "
        "the data, so the change of stars cannot be told."
    )


PERIOD_SHOWN = {"created_at": "Written", "rating": "Stars", "title": "Title", "text": "Text"}


def period_backlog(view: View, start: pd.Timestamp, end: pd.Timestamp) -> None:
    """The 1-2 star reviews written from ``start`` to ``end`` that are still unanswered
    (at the end of the sidebar's window), for "Why did it move?"."""
    waiting = _backlog(views.reviews_key(view), view.reviews, as_of(view))
    written = waiting["created_at"]
    period = waiting[(written > start) & (written <= end)
                     & waiting["rating"].isin(NEGATIVE_STARS)].sort_values("created_at")
    count = len(period)
    st.markdown(f"**{count:,} negative review{'s' if count != 1 else ''} of this period "
                f"{'are' if count != 1 else 'is'} still unanswered**")
    if count:
        columns = [c for c in PERIOD_SHOWN if c in period.columns]
        st.dataframe(period[columns].rename(columns=PERIOD_SHOWN), width="stretch",
                     hide_index=True, height=320,
                     column_config={"Written": st.column_config.DatetimeColumn(
                         format="YYYY-MM-DD")})
    st.page_link("app_pages/replies.py", label="Every review still waiting: Replies",
                 icon=":material/forum:")
