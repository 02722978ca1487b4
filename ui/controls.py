"""The shared sidebar controls every page calls.

Each widget has a key, keeps its value across page switches
(``persist_state="session"``) and is mirrored in the URL (``bind="query-params"``),
so a pasted link reproduces the view. Streamlit validates bound URL values against
the widget's options and drops invalid ones: nothing from the URL is evaluated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

import scoring
from scoring import validation
from scoring.access import LOCAL_SCOPE, Scope
from scoring.errors import ParameterError, WorkspaceError
from ui import auth, cache
from ui.data import (
    DEMO_KEY,
    Dataset,
    available_datasets,
    dataset_by_key,
    workspace,
)
from ui.format import escape_markdown
from ui.settings import MODEL_NAMES, ModelSettings

HALF_LIFE_OPTIONS: tuple[float, ...] = (
    7, 14, 30, 61, 91, 122, 152, 182.5, 243, 304, 365, 547, 730, math.inf,
)
PERIODS = {"D": "Day", "W": "Week", "M": "Month", "Q": "Quarter"}
CLOCKS = {"live": "Live", "displayed": "As displayed"}
FILTER_COLUMNS = {
    "company": "Company",
    "location": "Location",
    "source": "Source",
    "language": "Language",
}
MAX_FILTER_OPTIONS = 500


MIN_HALF_LIFE_DAYS = 1.0
MAX_HALF_LIFE_DAYS = 3650.0
"""The range of half-lives a fit may set (the slider's stops run 7-730 days)."""


def half_life_text(days: float) -> str:
    """How a half-life option reads: "182.5 days", "no decay"."""
    return "no decay" if math.isinf(days) else f"{days:g} days"


def parse_half_life(value: object) -> float | None:
    """A half-life from session state or the URL ("167 days", "167", 167.0), if it is a
    number of days in range or "no decay"; None otherwise. Nothing is evaluated."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text == "no decay":
            return math.inf
        try:
            value = float(text.removesuffix("days").strip())
        except ValueError:
            return None
    try:
        days = validation.half_life(value)  # a positive number of days, or inf
    except ParameterError:
        return None
    if math.isinf(days) or MIN_HALF_LIFE_DAYS <= days <= MAX_HALF_LIFE_DAYS:
        return days
    return None


def half_life_options() -> tuple[float, ...]:
    """The slider's stops plus a half-life set by a fit (in this session or the URL),
    so that a fitted value survives page switches and shared links."""
    extra = {
        days
        for days in (parse_half_life(st.session_state.get("half_life")),
                     parse_half_life(st.query_params.get("half_life")))
        if days is not None
    }
    return tuple(sorted(set(HALF_LIFE_OPTIONS) | extra))


def apply_fit(half_life_days: float, prior_count: float | None = None) -> None:
    """Set the sidebar's half-life (and prior count) to fitted values; call it from a
    widget callback, so the sidebar shows them on the next run. The model form stays
    as it is: the fit was made under it."""
    days = parse_half_life(half_life_days)
    if days is None:
        raise ValueError(
            f"A half-life must be {MIN_HALF_LIFE_DAYS:g} to {MAX_HALF_LIFE_DAYS:g} days or "
            f"no decay; got {half_life_days!r}."
        )
    st.session_state["half_life"] = days
    if prior_count is not None:
        st.session_state["prior_count"] = float(prior_count)


@dataclass(frozen=True)
class View:
    """What the user has chosen: the dataset, the model settings, the period, the
    date window and the filters, with the filtered review table (up to the window's end).
    ``start``/``end`` are None when the window is the whole data."""

    dataset: Dataset
    model: ModelSettings
    freq: str | None
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    reviews: pd.DataFrame = field(default_factory=pd.DataFrame)

    def caption(self) -> str:
        """The business and every assumption, escaped for a markdown caption."""
        return escape_markdown(f"{self.dataset.business_name} · {self.describe()}")

    def describe(self) -> str:
        """Every assumption of the view in one line (printed on pages and exports)."""
        parts = [self.model.describe()]
        if self.freq is not None:
            parts.append(f"period: {PERIODS[self.freq].lower()}")
        if self.start is not None and self.end is not None:
            parts.append(f"dates {self.start:%Y-%m-%d} to {self.end:%Y-%m-%d}")
        for column, values in self.filters.items():
            parts.append(f"{FILTER_COLUMNS[column].lower()}: {', '.join(values)}")
        return "; ".join(parts)


def _model_controls() -> ModelSettings:
    form = st.segmented_control(
        "Score model", options=list(MODEL_NAMES), format_func=MODEL_NAMES.get,
        default=scoring.DEFAULT_MODEL, required=True, key="model", bind="query-params",
        persist_state="session",
        help="Trustpilot: the prior of 7 reviews weighs against the number of "
        "reviews; it matches the scores Trustpilot publishes (mean error 0.03 on 14 real "
        "companies). Decayed prior: the prior weighs against the decayed weights, so an "
        "old profile drifts back to 3.5 (off by 0.42 on average); kept for comparison.",
    ) or scoring.DEFAULT_MODEL
    half_life = st.select_slider(
        "Half-life", options=half_life_options(), value=scoring.DEFAULT_HALF_LIFE_DAYS,
        format_func=half_life_text, key="half_life", bind="query-params",
        persist_state="session",
        help="A review's weight halves after this many days. Trustpilot: about 6 months.",
    )
    left, right = st.columns(2)
    prior_count = left.number_input(
        "Prior reviews", min_value=0.0, max_value=1000.0, value=scoring.DEFAULT_PRIOR_COUNT,
        step=1.0, format="%g", key="prior_count", bind="query-params", persist_state="session",
        help="Pseudo-reviews every score starts from (Trustpilot: 7).",
    )
    prior_mean = right.number_input(
        "Prior stars", min_value=1.0, max_value=5.0, value=scoring.DEFAULT_PRIOR_MEAN,
        step=0.1, format="%.1f", key="prior_mean", bind="query-params", persist_state="session",
        help="What the pseudo-reviews are worth (Trustpilot: 3.5).",
    )
    fitted = form == "trustpilot"
    clock = st.segmented_control(
        "Clock", options=list(CLOCKS), format_func=CLOCKS.get, default="live",
        required=True, key="clock", bind="query-params", persist_state="session",
        disabled=fitted,
        help="Decayed-prior model only. Live: the score at every instant (it drifts towards "
        "the prior between reviews). As displayed: what visitors saw, recalculated when a "
        "review arrives.",
    )
    if fitted:
        st.caption("One clock under the Trustpilot model: the score changes only when a "
                   "review arrives, so the live and displayed scores are the same.")
    return ModelSettings(
        half_life_days=float(half_life), prior_count=float(prior_count),
        prior_mean=float(prior_mean), clock=clock or "live", model=form,
    )


def _forget_window_of_other_datasets(dataset_key: str) -> None:
    """A date window and filter values belong to one dataset: drop them on a switch."""
    previous = st.session_state.get("window_dataset")
    if previous is not None and previous != dataset_key:
        for key in ("dates", *(f"filter_{column}" for column in FILTER_COLUMNS)):
            st.session_state.pop(key, None)
    st.session_state["window_dataset"] = dataset_key


def _date_range(reviews: pd.DataFrame) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    if reviews.empty:
        return None, None
    first = reviews["created_at"].min().date()
    last = reviews["created_at"].max().date()
    chosen = st.date_input(
        "Dates", value=(first, last), min_value=first, max_value=last, key="dates",
        bind="query-params", persist_state="session", format="YYYY-MM-DD",
        help="The window the charts show; the score at its end is the headline. "
        "Earlier reviews still count towards the score.",
    )
    if not isinstance(chosen, tuple | list) or len(chosen) != 2:
        return None, None  # the user is half-way through picking a range
    if tuple(chosen) == (first, last):
        return None, None
    start, end = (pd.Timestamp(day, tz="UTC") for day in chosen)
    return start, end + pd.Timedelta(days=1) - pd.Timedelta(1, "ns")


@cache.by_key(max_entries=16)
def _filter_options(reviews: pd.DataFrame) -> dict[str, list[str]]:
    """Per filter column, its most frequent values (at most ``MAX_FILTER_OPTIONS``; the
    sidebar adds any other value a link or a Portfolio row asks for).

    Counted once per dataset (keyed on its content hash), not on every rerun.
    """
    options: dict[str, list[str]] = {}
    for column in FILTER_COLUMNS:
        if column in reviews.columns:
            values = reviews[column].dropna().astype(str)
            options[column] = values.value_counts().index[:MAX_FILTER_OPTIONS].tolist()
    return options


@cache.by_key(max_entries=16)
def _filter_values(reviews: pd.DataFrame) -> dict[str, frozenset[str]]:
    """Per filter column, every value it holds (as text), once per dataset."""
    return {column: frozenset(reviews[column].dropna().astype(str).unique())
            for column in FILTER_COLUMNS if column in reviews.columns}


def filter_values(dataset: Dataset, column: str) -> frozenset[str]:
    """Every value of ``column`` the sidebar's filter can select (empty: no such column)."""
    return _filter_values(dataset.content_hash, dataset.reviews).get(column, frozenset())


def _asked(key: str) -> list[str]:
    """The values a filter widget is asked to hold: set in session state (a Portfolio row's
    button) or named in the URL (a shared link)."""
    held = st.session_state.get(key)
    if held:
        return [str(value) for value in held]
    return [str(value) for value in st.query_params.get_all(key)]


def _filters(dataset: Dataset) -> dict[str, tuple[str, ...]]:
    chosen: dict[str, tuple[str, ...]] = {}
    available = _filter_options(dataset.content_hash, dataset.reviews)
    for column, title in FILTER_COLUMNS.items():
        options = available.get(column, [])
        if len(options) < 2:
            continue
        key = f"filter_{column}"
        # The most frequent values, plus any other value of the dataset asked for by
        # name (a Portfolio row, a link): a group outside the list still opens.
        extra = [value for value in _asked(key)
                 if value not in options and value in filter_values(dataset, column)]
        picked = st.multiselect(
            title, options=sorted([*options, *dict.fromkeys(extra)]), key=key,
            bind="query-params",
            persist_state="session", placeholder=f"All {title.lower()}s",
        )
        if picked:
            chosen[column] = tuple(picked)
    return chosen


def apply_filters(
    reviews: pd.DataFrame, end: pd.Timestamp | None, filters: dict[str, tuple[str, ...]]
) -> pd.DataFrame:
    """The reviews up to ``end`` whose columns hold one of the chosen values.

    Reviews before the window's start stay in: the score at the start rests on them.
    """
    if end is None and not filters:
        return reviews  # nothing to filter: no copy of the table
    mask = pd.Series(True, index=reviews.index)
    if end is not None:
        mask &= reviews["created_at"] <= end
    for column, values in filters.items():
        mask &= reviews[column].astype(str).isin(values)
    return reviews.loc[mask]


def _rename(dataset_id: int) -> None:
    found = workspace()
    if found is None:
        return
    try:
        found.rename_dataset(dataset_id, st.session_state.get("rename_to", ""))
    except WorkspaceError as error:
        st.session_state["manage_message"] = str(error)


def _delete(dataset_id: int) -> None:
    found = workspace()
    if found is None:
        return
    try:
        found.delete_dataset(dataset_id)
    except WorkspaceError as error:
        st.session_state["manage_message"] = str(error)
    else:
        st.session_state["dataset"] = DEMO_KEY


def _manage_saved(dataset: Dataset) -> None:
    """Rename or delete the saved dataset in view (for those who may write: analysts in
    their team, admins); a viewer is told in one sentence why they cannot."""
    scope = auth.current_scope()
    if not scope.can_write():
        st.caption(escape_markdown(auth.read_only_reason(scope, "renaming or deleting")))
        return
    dataset_id = int(dataset.key[2:])
    with st.popover("Rename or delete", icon=":material/edit:", width="stretch"):
        st.text_input("New name", value=dataset.name, max_chars=80, key="rename_to")
        st.button("Rename", on_click=_rename, args=(dataset_id,), key="rename_button")
        sure = st.checkbox(f"Yes, delete it for {_whom(scope)}", key="delete_confirm")
        st.button("Delete", on_click=_delete, args=(dataset_id,), disabled=not sure,
                  key="delete_button", type="primary")
    message = st.session_state.pop("manage_message", None)
    if message:
        st.error(escape_markdown(message))


def _whom(scope: Scope) -> str:
    """Who else loses a deleted dataset: everyone (local mode) or the team."""
    return "everyone" if scope == LOCAL_SCOPE else f"everyone in team {scope.team}"


UNKNOWN_LINK = (
    "The link names a dataset that is not available to you (another team's, a deleted "
    "one, or an upload in another session), so it is not shown. Showing the demo instead."
)


def _unknown_link(names: dict[str, str]) -> bool:
    """Whether the link's ``?dataset=`` names a dataset this user cannot choose (another
    team's, a deleted one, another session's upload). The value is only compared with
    this user's own choices; nothing is looked up by it (Streamlit then drops it from
    the URL, so this is said once)."""
    asked = st.query_params.get("dataset")
    return bool(asked) and asked not in names.values()


def sidebar(*, period: bool = True, dates: bool = True) -> View:
    """Draw the shared controls in the sidebar and return the user's :class:`View`."""
    auth.sidebar_user()
    with st.sidebar:
        names = available_datasets()
        refused = _unknown_link(names)
        chosen = st.selectbox(
            "Dataset", options=list(names), format_func=names.get, key="dataset",
            bind="query-params", persist_state="session",
        )
        dataset = dataset_by_key(chosen)
        if dataset.origin == "workspace":
            _manage_saved(dataset)
        with st.expander("Score model", expanded=True):
            model = _model_controls()
        freq = None
        if period:
            freq = st.segmented_control(
                "Period", options=list(PERIODS), format_func=PERIODS.get, default="W",
                required=True, key="period", bind="query-params", persist_state="session",
            ) or "W"
        _forget_window_of_other_datasets(dataset.key)
        with st.expander("Filters", expanded=False):
            start, end = _date_range(dataset.reviews) if dates else (None, None)
            filters = _filters(dataset)
    if refused:  # on the page itself, above its title, where it is seen
        st.warning(UNKNOWN_LINK, icon=":material/block:")
    reviews = apply_filters(dataset.reviews, end, filters)
    return View(dataset, model, freq, start, end, filters, reviews)
