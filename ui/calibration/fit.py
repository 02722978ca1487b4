"""The fit: the half-life (optionally the prior count) that best reproduces the
readings, how well the readings pin it (numbers, words, a chart), and Apply, which sets
the sidebar to it (:func:`ui.controls.apply_fit`). A fit is kept in this session per
dataset with what it depended on, and shown only while that still holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from scoring import calibration
from scoring.readings import PublishedReading
from ui import controls, views
from ui.calibration import charts, keys, text
from ui.calibration.comparison import CHART_CONFIG
from ui.calibration.readings import reading_key
from ui.settings import MODEL_NAMES, ModelSettings


def fit_inputs(view: controls.View, readings: Sequence[PublishedReading], fit_prior: bool
               ) -> tuple[Any, ...]:
    """What a fit depends on (not the sidebar's half-life: it is only the fallback)."""
    model = view.model
    return (views.reviews_key(view), reading_key(readings), fit_prior, model.model,
            model.prior_mean, None if fit_prior else model.prior_count)


def _apply(half_life_days: float, prior_count: float | None) -> None:
    """Button callback: set the sidebar to the fitted values."""
    controls.apply_fit(half_life_days, prior_count)
    st.session_state[keys.APPLIED] = (half_life_days, prior_count)


def render(view: controls.View, readings: Sequence[PublishedReading]) -> None:
    """Fit the half-life (optionally the prior), show how well the readings pin it, and
    offer to apply it to the sidebar."""
    model = view.model
    st.subheader("Fit the model to the readings", anchor=False)
    st.caption(f"Finds the half-life (1 to 3,650 days) that minimises the squared error "
               f"between the {MODEL_NAMES[model.model]} model and the published scores, with "
               f"the sidebar's prior of {model.prior_mean:g} stars.")
    left, right = st.columns([1, 2], vertical_alignment="center")
    fit_prior = right.checkbox("Also fit the prior count (0 to 50 reviews)",
                               key=keys.FIT_PRIOR, help="Needs at least two readings with "
                               "different reviews behind them.")
    inputs = fit_inputs(view, readings, fit_prior)
    fits = st.session_state.setdefault(keys.FITS, {})
    if left.button("Fit the half-life", type="primary", icon=":material/tune:", key=keys.FIT):
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
                    config=CHART_CONFIG)
    st.caption("The error against the readings at each half-life (with the best prior count "
               "there, when fitted). Shaded: the half-lives whose every reading shows the "
               "published score to the decimal.")
    half_life = text.rounded_half_life(result.half_life_days)
    prior = round(result.prior_count, 1) if result.fitted_prior else None
    st.button(text.apply_label(half_life, prior), icon=":material/check_circle:",
              key=keys.APPLY, on_click=_apply, args=(half_life, prior))
    applied = st.session_state.pop(keys.APPLIED, None)
    if applied is not None:
        applied_days, applied_prior = applied
        st.success(text.applied_sentence(applied_days, applied_prior, model.model))
