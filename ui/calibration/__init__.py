"""The "Check against Trustpilot" page's parts: the readings editor, the comparison,
the fit and its sentences, saving readings with a dataset.

Readings typed for a dataset live in this session (``st.session_state``, per dataset
key); for a dataset saved in the workspace they are loaded from and saved to the store
with it. Everything the user typed is shown as text: in the editor and tables (data
grids), and escaped in messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

import scoring
from scoring import calibration
from scoring.errors import WorkspaceError
from scoring.readings import PublishedReading
from ui import cache, controls, views
from ui import format as fmt
from ui.calibration import charts, text
from ui.calibration.keys import APPLIED, FITS, SAVED_MESSAGE, TABLES, editor_key
from ui.calibration.readings import (
    COUNT,
    DATE,
    SCORE,
    SOURCE,
    ParsedReadings,
    display_table,
    from_key,
    parse_readings,
    reading_key,
    readings_table,
)
from ui.data import Dataset, workspace
from ui.format import escape_markdown
from ui.settings import MODEL_NAMES, ModelSettings

# -- session state and the store -------------------------------------------------------


def _saved_id(dataset: Dataset) -> int | None:
    return int(dataset.key[2:]) if dataset.origin == "workspace" else None


def _entry(dataset: Dataset) -> dict[str, Any]:
    """This session's tables for ``dataset``: created from the readings saved with it
    (workspace) or found by the importer, plus a row for today."""
    tables = st.session_state.setdefault(TABLES, {})
    entry = tables.get(dataset.key)
    if entry is None:
        readings: Sequence[PublishedReading] = dataset.readings
        saved: tuple[PublishedReading, ...] | None = None
        dataset_id = _saved_id(dataset)
        found = workspace() if dataset_id is not None else None
        if found is not None and dataset_id is not None:
            try:
                saved = tuple(found.load_readings(dataset_id))
            except WorkspaceError as error:
                st.warning(escape_markdown(f"The saved readings could not be read: {error}"))
            else:
                readings = saved or readings
        table = readings_table(readings, pd.Timestamp.now(tz="UTC").date())
        entry = {"base": table, "current": table, "version": 0, "saved": saved}
        tables[dataset.key] = entry
    return entry


def instructions() -> None:
    """How to fill in the readings table."""
    st.markdown(
        "**What does your Trustpilot profile show?**  \n"
        "Type the TrustScore it shows now in the first row, and the review count if you "
        "like. Add earlier readings below, one per row, to check the model over time and to "
        "fit it."
    )
    st.caption("A date alone means the end of that day (UTC). Every review in the file up "
               "to a reading's date counts towards it. Rows found in a saved Trustpilot page "
               "say so under Source.")


def readings_editor(dataset: Dataset) -> ParsedReadings:
    """The editable table of readings; returns what its rows say."""
    entry = _entry(dataset)
    key = editor_key(dataset.key, entry["version"])
    if key not in st.session_state:
        # A fresh editor (first visit, or back from another page): start from the
        # last edited table, so the edits survive page switches.
        entry["base"] = entry["current"]
    edited = st.data_editor(
        entry["base"], key=key, num_rows="dynamic", hide_index=True, width="stretch",
        column_config={
            DATE: st.column_config.TextColumn(
                DATE, width="small",
                help="The day the profile showed the score, as 2026-06-25 (the end of that "
                "day), or 2026-06-25 14:30 for a time of day (UTC)."),
            SCORE: st.column_config.NumberColumn(
                SCORE, width="small", step=0.1, format="%.1f",
                help="The TrustScore on the profile, e.g. 4.3."),
            COUNT: st.column_config.NumberColumn(
                COUNT, width="small", min_value=0, step=1, format="%d",
                help="Optional: the number of reviews the profile said it had then."),
            SOURCE: st.column_config.TextColumn(
                SOURCE, disabled=True, default="typed",
                help="Where the reading came from: typed here, or a saved Trustpilot page."),
        },
    )
    entry["current"] = edited
    return parse_readings(edited)


def _save(dataset_id: int, readings: tuple[PublishedReading, ...], dataset_key: str) -> None:
    """Button callback: save the readings with the dataset; the outcome waits for the
    rerun in ``st.session_state[SAVED_MESSAGE]``."""
    found = workspace()
    if found is None:
        st.session_state[SAVED_MESSAGE] = (False, "The workspace is unavailable right now.")
        return
    try:
        count = found.save_readings(dataset_id, readings)
    except WorkspaceError as error:
        st.session_state[SAVED_MESSAGE] = (False, str(error))
        return
    st.session_state[TABLES][dataset_key]["saved"] = readings
    noun = "reading" if count == 1 else "readings"
    st.session_state[SAVED_MESSAGE] = (True, f"Saved {count} {noun} with the dataset.")


def save_row(dataset: Dataset, parsed: ParsedReadings) -> None:
    """Save the readings with a workspace dataset, or say where they are kept."""
    dataset_id = _saved_id(dataset)
    if dataset_id is None:
        st.caption("Readings are kept for this session. Save the dataset to the workspace "
                   "(Import page) to keep them with it.")
        return
    entry = _entry(dataset)
    changed = entry["saved"] != parsed.readings
    left, right = st.columns([1, 3], vertical_alignment="center")
    left.button(
        "Save readings", icon=":material/save:", key="calib_save",
        disabled=bool(parsed.problems) or not changed,
        on_click=_save, args=(dataset_id, parsed.readings, dataset.key),
        help="Keep these readings with the saved dataset, for everyone who opens it.",
    )
    message = st.session_state.pop(SAVED_MESSAGE, None)
    if message is not None:
        ok, text = message
        if ok:
            right.success(text)
        else:  # the workspace's message names a file path: shown as text
            right.error(escape_markdown(text))
    elif parsed.problems:
        right.caption("Fix the rows above to save.")
    elif changed:
        right.caption("Not saved yet: these readings differ from the ones saved with the "
                      "dataset.")
    else:
        right.caption("Saved with the dataset.")


# -- comparing --------------------------------------------------------------------------


@cache.by_key(max_entries=32)
def _compare(reviews: pd.DataFrame, readings: tuple[tuple[Any, ...], ...],
             half_life_days: float, prior_count: float, prior_mean: float) -> pd.DataFrame:
    return calibration.compare_readings(reviews, from_key(readings), half_life_days=half_life_days,
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
    st.plotly_chart(figure, width="stretch", theme=None, config={"displaylogo": False})
    st.caption("Lines: each model's score under the sidebar's half-life and prior (the "
               "decayed-prior one on the live clock). Diamonds: the published TrustScores, "
               "with the ±0.05 of raw scores that show as that decimal; rings: each model "
               "at the reading's instant.")


# -- incompleteness -----------------------------------------------------------------------


def incompleteness_note(view: controls.View, readings: Sequence[PublishedReading]) -> None:
    """Warn when the newest reading with a review count says the file lacks reviews."""
    counted = [r for r in readings if r.review_count is not None]
    if not counted:
        return
    latest = max(counted, key=lambda reading: reading.at)
    model = view.model
    found = calibration.incompleteness(view.reviews, latest, params=model.params)
    if found is None:
        return
    sentence = text.incompleteness_sentence(found)
    if found.warn:
        st.warning(sentence, icon=":material/warning:")
    else:
        st.caption(sentence)


# -- fitting ------------------------------------------------------------------------------


def _fit_inputs(view: controls.View, readings: Sequence[PublishedReading], fit_prior: bool
                ) -> tuple[Any, ...]:
    """What a fit depends on (not the sidebar's half-life: it is only the fallback)."""
    model = view.model
    return (views.reviews_key(view), reading_key(readings), fit_prior, model.model,
            model.prior_mean, None if fit_prior else model.prior_count)


def _apply(half_life_days: float, prior_count: float | None) -> None:
    """Button callback: set the sidebar to the fitted values."""
    controls.apply_fit(half_life_days, prior_count)
    st.session_state[APPLIED] = (half_life_days, prior_count)


def fit_section(view: controls.View, readings: Sequence[PublishedReading]) -> None:
    """Fit the half-life (optionally the prior), show how well the readings pin it, and
    offer to apply it to the sidebar."""
    model = view.model
    st.subheader("Fit the model to the readings", anchor=False)
    st.caption(f"Finds the half-life (1 to 3,650 days) that minimises the squared error "
               f"between the {MODEL_NAMES[model.model]} model and the published scores, with "
               f"the sidebar's prior of {model.prior_mean:g} stars.")
    left, right = st.columns([1, 2], vertical_alignment="center")
    fit_prior = right.checkbox("Also fit the prior count (0 to 50 reviews)", key="calib_prior",
                               help="Needs at least two readings with different reviews "
                               "behind them.")
    inputs = _fit_inputs(view, readings, fit_prior)
    fits = st.session_state.setdefault(FITS, {})
    if left.button("Fit the half-life", type="primary", icon=":material/tune:",
                   key="calib_fit"):
        with st.spinner("Fitting the half-life to the readings…", show_time=True):
            result = calibration.fit(
                view.reviews, list(readings), fit_prior=fit_prior, model=model.model,
                half_life_days=model.half_life_days, prior_count=model.prior_count,
                prior_mean=model.prior_mean,
            )
        fits[view.dataset.key] = (inputs, result)
    stored = fits.get(view.dataset.key)
    if stored is None:
        return
    stored_inputs, result = stored
    if stored_inputs != inputs:
        st.info("The readings or settings changed since the last fit: fit again to update it.")
        return
    draw_fit(result, model)


def draw_fit(result: calibration.Fit, model: ModelSettings) -> None:
    """The fit's numbers, its ranges and identifiability in words, and the apply button."""
    cols = st.columns(4 if result.fitted_prior else 3)
    cols[0].metric("Best half-life", text.days_text(result.half_life_days), border=True)
    cols[1].metric("RMSE", f"{result.rmse:.3f}", border=True,
                   help="Root mean squared error against the published scores (stars).")
    cols[2].metric("Largest miss", f"{result.max_abs_error:.3f}", border=True,
                   delta="within rounding" if result.reproduces_every_reading
                   else "beyond rounding",
                   delta_color="off", delta_arrow="off",
                   help="A miss up to 0.05 still shows the published score to the decimal.")
    if result.fitted_prior:
        cols[3].metric("Best prior count", f"{result.prior_count:.1f} reviews", border=True)
    parameters = "the half-life and the prior count" if result.fitted_prior else "the half-life"
    sentence = text.range_sentence(result)
    if result.identifiable and result.half_life_ranges:
        st.success(f"The readings pin {parameters}. {sentence}", icon=":material/check:")
    elif result.identifiable:
        st.warning(f"The readings pin {parameters}, but the model does not reproduce them "
                   f"all. {sentence}", icon=":material/help:")
    else:
        st.warning(f"The readings do not pin {parameters} down. {sentence}",
                   icon=":material/help:")
    for line in text.issue_sentences(result):
        st.markdown(f"- {line}")
    st.plotly_chart(charts.fit_figure(result), width="stretch", theme=None,
                    config={"displaylogo": False})
    st.caption("The error against the readings at each half-life (with the best prior count "
               "there, when fitted). Shaded: the half-lives whose every reading shows the "
               "published score to the decimal.")
    half_life = text.rounded_half_life(result.half_life_days)
    prior = round(result.prior_count, 1) if result.fitted_prior else None
    label = text.apply_label(half_life, prior)
    st.button(label, icon=":material/check_circle:", key="calib_apply", on_click=_apply,
              args=(half_life, prior))
    applied = st.session_state.pop(APPLIED, None)
    if applied is not None:
        st.success(text.applied_sentence(*applied, model.model))
