"""The Check page's sentences (no streamlit, unit tested): how the models match the
readings, what a missing share of reviews could do, and the fit's ranges and issue
codes in words.

The engine (:mod:`scoring.calibration`) answers with numbers, intervals and issue
codes (:class:`~scoring.calibration.Fit`, :class:`~scoring.calibration.Incompleteness`);
this module words them.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

import scoring
from scoring import calibration
from ui.settings import MODEL_NAMES


def summary_sentence(table: pd.DataFrame) -> str:
    """How each form does over all readings, in one sentence (numbers only)."""
    parts = []
    total = len(table)
    for model in scoring.SCORE_MODELS:
        prefix = calibration.MODEL_COLUMNS[model]
        matched = int(table[f"{prefix}_matches"].sum())
        worst = float(table[f"{prefix}_error"].abs().max())
        name = MODEL_NAMES[model]
        if matched == total:
            parts.append(f"the {name} model shows every published score to the decimal "
                         f"(largest error {worst:.3f})")
        else:
            parts.append(f"the {name} model shows {matched} of {total} to the decimal "
                         f"(largest error {worst:.3f})")
    sentence = "; ".join(parts)
    return sentence[0].upper() + sentence[1:] + "."


def incompleteness_sentence(found: calibration.Incompleteness) -> str:
    """What the reviews the file lacks could do to the score, and what to make of it
    (export every review when ``found.warn``; a review or two is usual otherwise)."""
    low = scoring.display_score(found.lowest)
    high = scoring.display_score(found.highest)
    text = (
        f"The file holds {found.reviews_in_file:,} of the {found.published_count:,} reviews "
        f"the profile counted on {found.at:%d %b %Y} ({found.missing:,} missing, "
        f"{found.share_missing:.0%}). The missing ones could move the score anywhere from "
        f"{low:.1f} (all 1-star) to {high:.1f} (all 5-star), against {found.score:.2f} on the "
        "file."
    )
    if found.warn:
        return text + (" The file is incomplete: export every review (all dates, all "
                       "stars) before trusting the comparison or the fit.")
    return text + " A review or two is usual (removed or very new reviews)."


def days_text(days: float) -> str:
    """A half-life for a sentence: "191 days", "47.3 days", "3,650 days"."""
    return f"{days:,.0f} days" if days >= 100 else f"{days:.1f} days"


def rounded_half_life(days: float) -> float:
    """The fitted half-life as applied to the sidebar (one decimal, two below 10 days)."""
    return round(days, 1) if days >= 10 else round(days, 2)


PLURALS = {"half-life": "half-lives", "prior count": "prior counts", "fit": "fits"}


def _span(found: calibration.Interval, unit: str, low_bound: float, high_bound: float,
          fmt: Callable[[float], str]) -> str:
    if found.open_below and found.open_above:
        return f"any {unit} from {fmt(low_bound)} to {fmt(high_bound)}"
    if found.open_above:
        return (f"any {unit} above {fmt(found.low)} (up to {fmt(high_bound)}, the end of "
                "the search range)")
    if found.open_below:
        return f"any {unit} up to {fmt(found.high)} (from {fmt(low_bound)}, the search's start)"
    if found.high - found.low < 1e-6 * max(1.0, found.high):
        return f"{PLURALS[unit]} within a hair of {fmt(found.low)}"
    return f"{PLURALS[unit]} from {fmt(found.low)} to {fmt(found.high)}"


def range_sentence(result: calibration.Fit) -> str:
    """Which half-lives (and prior counts) reproduce every reading, in words."""
    if not result.half_life_ranges:
        return "No half-life reproduces every reading to the decimal."
    low, high = result.half_life_bounds
    spans = [_span(found, "half-life", low, high, days_text)
             for found in result.half_life_ranges]
    sentence = " or ".join(spans)
    sentence = sentence[0].upper() + sentence[1:] + " reproduce"
    sentence += "s" if len(spans) == 1 and spans[0].startswith("any") else ""
    sentence += " every reading (each shows the published score to the decimal)"
    if result.fitted_prior and result.prior_count_ranges:
        m_low, m_high = result.prior_count_bounds
        priors = " or ".join(_span(found, "prior count", m_low, m_high,
                                   lambda x: f"{x:.1f} reviews")
                             for found in result.prior_count_ranges)
        sentence += f", with {priors} (each with a suitable half-life)"
    return sentence + "."


def issue_sentences(result: calibration.Fit) -> list[str]:
    """The fit's issues in words, one sentence each."""
    names = {"half_life_days": "half-life", "prior_count": "prior count", None: "fit"}
    sentences = []
    for issue in result.issues:
        values, name = issue.values, names.get(issue.parameter, "fit")
        if issue.code == "too_few_readings":
            readings = int(values["readings"])
            parameters = int(values["parameters"])
            sentences.append(
                f"{readings} reading{'s' if readings != 1 else ''} with different reviews "
                f"behind {'them' if readings != 1 else 'it'} cannot pin {parameters} "
                "parameters: many pairs of half-life and prior count fit equally well. Add an "
                "earlier reading (a date when the profile had fewer reviews), or fit the "
                "half-life alone.")
        elif issue.code == "no_reviews_before_readings":
            sentences.append(
                f"Every reading is dated before the file's first review, so the model shows "
                f"the prior ({result.prior_mean:g}) whatever the parameters: check the dates.")
        elif issue.code == "reviews_same_age":
            sentences.append(
                "The reviews behind the readings were all written at the same moment, so "
                "their weighted average is the same for every half-life: the readings "
                "cannot tell half-lives apart.")
        elif issue.code == "reviews_same_stars":
            sentences.append(
                "The reviews behind the readings all have the same stars, so their weighted "
                "average is those stars for every half-life: the readings cannot tell "
                "half-lives apart.")
        elif issue.code == "flat_objective":
            unit = days_text if issue.parameter == "half_life_days" else (
                lambda x: f"{x:g} reviews")
            kept = (days_text(result.half_life_days) if issue.parameter == "half_life_days"
                    else f"{result.prior_count:g} reviews")
            sentences.append(
                f"The model's score at the readings changes by less than "
                f"{max(values['spread'], 0.0005):.3f} across {PLURALS[name]} from "
                f"{unit(values['low'])} to {unit(values['high'])}: the readings cannot tell "
                f"them apart, so the fit keeps the sidebar's {kept}.")
        elif issue.code == "best_at_bound":
            lower = values["bound"] == min(
                result.half_life_bounds if issue.parameter == "half_life_days"
                else result.prior_count_bounds)
            shown = (days_text(values["bound"]) if issue.parameter == "half_life_days"
                     else f"{values['bound']:g} reviews")
            sentences.append(
                f"The best {name} is the end of the search range ({shown}): the readings may "
                f"want {'an even smaller' if lower else 'an even larger'} one.")
        elif issue.code == "range_unbounded":
            if values["open_below"] and values["open_above"]:
                sentences.append(f"Every {name} in the search range reproduces the readings.")
            elif values["open_above"]:
                low = (days_text(values["low"]) if issue.parameter == "half_life_days"
                       else f"{values['low']:.1f} reviews")
                sentences.append(
                    f"Any {name} above {low} reproduces every reading: the readings set only "
                    "a lower limit.")
            else:
                high = (days_text(values["high"]) if issue.parameter == "half_life_days"
                        else f"{values['high']:.1f} reviews")
                sentences.append(
                    f"Any {name} up to {high} reproduces every reading: the readings set only "
                    "an upper limit.")
        elif issue.code == "several_ranges":
            sentences.append(
                f"{int(values['count'])} separate ranges of the {name} reproduce every "
                "reading; the fit picks the least-squares value among them.")
        elif issue.code == "no_exact_fit":
            sentences.append(
                f"No value reproduces every reading to the decimal (the best misses by "
                f"{values['max_abs_error']:.2f}): the file may lack reviews, a date may be off, "
                "or the profile counts reviews the file does not mark.")
    return sentences


def apply_label(half_life_days: float, prior_count: float | None) -> str:
    """The Apply button's label for the (rounded) fitted values."""
    return (f"Apply {half_life_days:g} days"
            + (f" and a prior of {prior_count:g}" if prior_count is not None else "")
            + " to the sidebar")


def applied_sentence(half_life_days: float, prior_count: float | None, model: str) -> str:
    """What Apply did, under the ``model`` form (a key of :data:`ui.settings.MODEL_NAMES`)."""
    return (f"The sidebar now uses a half-life of {half_life_days:g} days"
            + (f" and a prior of {prior_count:g} reviews" if prior_count is not None else "")
            + f" ({MODEL_NAMES[model]} model); every page follows it.")
