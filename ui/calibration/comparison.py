"""The comparison: the published readings beside both model forms under the sidebar's
settings (metrics for the newest reading, a sentence, the incompleteness note, a chart
and a table). :func:`scoring.calibration.compare_readings` is cached on the view's
reviews key and the readings (:func:`ui.cache.by_key`), never on the review table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

import scoring
from scoring import calibration
from scoring.readings import PublishedReading
from ui import cache, controls, views
from ui import format as fmt
from ui.calibration import charts, text
from ui.calibration.readings import display_table, from_key, reading_key
from ui.settings import MODEL_NAMES

CACHE_ENTRIES = 32
CHART_CONFIG = {"displaylogo": False}


@cache.by_key(max_entries=CACHE_ENTRIES)
def _compare(reviews: pd.DataFrame, readings: tuple[tuple[Any, ...], ...],
             half_life_days: float, prior_count: float, prior_mean: float) -> pd.DataFrame:
    return calibration.compare_readings(reviews, from_key(readings),
                                        half_life_days=half_life_days,
                                        prior_count=prior_count, prior_mean=prior_mean)


def compare(view: controls.View, readings: Sequence[PublishedReading]) -> pd.DataFrame:
    """:func:`scoring.calibration.compare_readings` under the sidebar's settings, cached
    on the reviews' key and the readings."""
    model = view.model
    return _compare(views.reviews_key(view), view.reviews, reading_key(readings),
                    model.half_life_days, model.prior_count, model.prior_mean)


def company_hint(view: controls.View) -> None:
    """Trustpilot shows one score per company: say so when the view mixes several."""
    if "company" in view.reviews.columns and "company" not in view.filters:
        companies = view.reviews["company"].dropna().nunique()
        if companies > 1:
            st.info(f"This dataset holds {companies:,} companies and Trustpilot shows one "
                    "score per company: pick the company under Filters in the sidebar.")


def latest_metrics(table: pd.DataFrame) -> None:
    """The newest reading beside each model form's value (raw, shown, error)."""
    latest = table.loc[table["at"].idxmax()]
    cols = st.columns(3)
    cols[0].metric(
        f"Published on {latest['at']:%d %b %Y}", f"{latest['published_score']:.1f}",
        delta=(f"{int(latest['published_count']):,} reviews"
               if not pd.isna(latest["published_count"]) else "review count not given"),
        delta_color="off", delta_arrow="off", border=True,
    )
    for col, model in zip(cols[1:], scoring.SCORE_MODELS, strict=True):
        prefix = calibration.MODEL_COLUMNS[model]
        error = float(latest[f"{prefix}_error"])
        matches = bool(latest[f"{prefix}_matches"])
        col.metric(
            f"{MODEL_NAMES[model]} model", f"{latest[f'{prefix}_score']:.3f}",
            delta=f"{fmt.signed(error, 3)} · shows {latest[f'{prefix}_display']:.1f}"
            + (" ✓" if matches else " ✗"),
            delta_color="off", delta_arrow="off", border=True,
            help=f"The {MODEL_NAMES[model]} model's score at the reading's instant, its error "
            "(model minus published) and what it would show to one decimal.",
        )


def incompleteness_note(view: controls.View, readings: Sequence[PublishedReading]) -> None:
    """Warn when the newest reading with a review count says the file lacks reviews."""
    counted = [r for r in readings if r.review_count is not None]
    if not counted:
        return
    latest = max(counted, key=lambda reading: reading.at)
    found = calibration.incompleteness(view.reviews, latest, params=view.model.params)
    if found is None:
        return
    sentence = text.incompleteness_sentence(found)
    if found.warn:
        st.warning(sentence, icon=":material/warning:")
    else:
        st.caption(sentence)


def draw_chart(view: controls.View, table: pd.DataFrame) -> None:
    """The score under both forms from the first review (or reading) to the last one."""
    first_review = view.reviews["created_at"].min()
    start = min(first_review, table["at"].min()).floor("D")
    end = max(view.reviews["created_at"].max(), table["at"].max())
    lines = {}
    for settings in (view.model, view.model.other_model()):
        series, _ = views.trend(view.reviews, settings, start=start, end=end, clock="live")
        lines[settings.model] = (MODEL_NAMES[settings.model], series["score"])
    ordered = {model: lines[model] for model in scoring.SCORE_MODELS}
    figure = charts.readings_figure(ordered, table)
    st.plotly_chart(figure, width="stretch", theme=None, config=CHART_CONFIG)
    st.caption("Lines: each model's score under the sidebar's half-life and prior (the "
               "decayed-prior one on the live clock). Diamonds: the published TrustScores, "
               "with the ±0.05 of raw scores that show as that decimal; rings: each model "
               "at the reading's instant.")


def draw_table(table: pd.DataFrame) -> None:
    """The comparison table: each model's raw value and its error, per reading."""
    number = st.column_config.NumberColumn
    config: dict[str, Any] = {"Published": number(format="%.1f"),
                              "Reviews shown": number(format="%d"),
                              "Reviews in file": number(format="%d")}
    for name in MODEL_NAMES.values():
        config[name] = number(format="%.3f", help=f"The {name} model's score at the reading.")
        config[f"{name} error"] = number(
            "Error", format="%+.3f",
            help=f"The {name} model minus the published score: within ±0.05 it shows the same "
            "one-decimal score.")
    st.dataframe(display_table(table), width="stretch", hide_index=True, column_config=config)


def render(view: controls.View, readings: Sequence[PublishedReading]) -> None:
    """The comparison section: metrics, the summary sentence, the incompleteness note,
    the chart and the table."""
    table = compare(view, readings)
    latest_metrics(table)
    st.markdown(text.summary_sentence(table))
    incompleteness_note(view, readings)
    draw_chart(view, table)
    draw_table(table)
