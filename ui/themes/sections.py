"""The Themes page's sections and their cached engine calls.

The term matrix and the themes come from :mod:`ui.themes.data` (cached on the view's
reviews key); the comparisons here are cached on the same key and their own
arguments. Every statistic is the engine's (:mod:`scoring.text`): this module picks the
reviews (the sidebar's window, a period, a group), draws and words them.

Every input is bound to the URL under the key it has here (:data:`KEYS`), so a pasted
link reproduces the page: the words left out, the number of themes, the period, the
comparison and the term whose reviews are open.

User text (titles, texts, locations) reaches the page only in data frames; terms and
names (letters only) are escaped wherever they enter a sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from scoring import text as engine
from scoring.text import contrast
from scoring.text.terms import TermMatrix
from scoring.text.themes import Themes
from ui import cache, charts, downloads, views
from ui.controls import View
from ui.format import escape_markdown
from ui.themes import charts as theme_charts
from ui.themes import data
from ui.themes import text as words

EXCLUDE = "themes_exclude"
KEEP_COMPANY = "themes_company"
N_THEMES = "themes_n"
THEME = "themes_theme"
DAYS = "themes_days"
STARS = "themes_stars"
AGAINST = "themes_against"
TERM = "themes_term"
GROUP = "themes_group_{column}"
KEYS = (EXCLUDE, KEEP_COMPANY, N_THEMES, THEME, DAYS, STARS, AGAINST, TERM)
"""The page's inputs, also their names in the URL (never rename one: links depend on it)."""

TOP_TERMS = 15
RISING_TERMS = 15
REVIEWS_SHOWN = 500
EXAMPLES = 10
CACHE_ENTRIES = 32
PANEL_POINTS = 60
"""At most this many periods per theme panel (finer periods are coarsened)."""
PLOTLY = {"displaylogo": False}
PRESETS = {30: "Last 30 days", 90: "Last 90 days", 182: "Last 6 months", 365: "Last year"}
STAR_GROUPS: dict[str, tuple[str, tuple[int, ...] | None, str]] = {
    "all": ("All stars", None, "reviews"),
    "low": ("1-2 stars", contrast.LOW_STARS, "1-2 star reviews"),
    "high": ("4-5 stars", contrast.HIGH_STARS, "4-5 star reviews"),
}
GROUP_COLUMNS = {"location": "locations", "source": "sources"}
MAX_GROUPS = 200
REVIEW_COLUMNS = {"created_at": "Date", "rating": "Stars", "title": "Title", "text": "Text",
                  "location": "Location", "source": "Source"}
REVIEW_CONFIG = {
    "Date": st.column_config.DatetimeColumn(format="YYYY-MM-DD"),
    "Stars": st.column_config.NumberColumn(format="%d ★"),
    "Text": st.column_config.TextColumn(width="large"),
}


@dataclass(frozen=True)
class Exclusions:
    """The words left out of every list and theme: what the user typed and, unless
    they include it again, the company's own name."""

    typed: tuple[str, ...]
    company: tuple[str, ...]
    company_left_out: bool

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.typed + (self.company if self.company_left_out else ())))


@dataclass
class Shown:
    """What the sections have shown: the terms in their tables (the term picker's
    options, in page order) and the figures (for the HTML snapshots)."""

    terms: list[str] = field(default_factory=list)
    figures: list[go.Figure] = field(default_factory=list)

    def add_terms(self, found: Iterable[str]) -> None:
        self.terms.extend(t for t in found if t not in self.terms)


# ------------------------------------------------------------------ cached engine calls


def _window(reviews: pd.DataFrame, start: pd.Timestamp | None) -> pd.DataFrame:
    """The reviews from the sidebar's start (``view.reviews`` already ends at its end)."""
    return reviews if start is None else reviews[reviews["created_at"] >= start]


@cache.by_key(max_entries=CACHE_ENTRIES, spinner="Comparing the words of low and high reviews...")
def _low_vs_high(found: tuple[pd.DataFrame, TermMatrix], start: pd.Timestamp | None,
                 exclude: tuple[str, ...]) -> contrast.Comparison:
    reviews, terms = found
    return engine.low_vs_high(terms, _window(reviews, start), exclude=exclude)


@cache.by_key(max_entries=CACHE_ENTRIES, spinner="Comparing the period with the one before...")
def _period(found: tuple[pd.DataFrame, TermMatrix], start: pd.Timestamp, end: pd.Timestamp,
            stars: tuple[int, ...] | None, exclude: tuple[str, ...]) -> contrast.Comparison:
    reviews, terms = found
    return engine.period_vs_before(terms, reviews, start, end, stars=stars, exclude=exclude)


@cache.by_key(max_entries=CACHE_ENTRIES, spinner="Comparing the group with the rest...")
def _group(found: tuple[pd.DataFrame, TermMatrix], column: str, value: str, start: pd.Timestamp,
           end: pd.Timestamp, stars: tuple[int, ...] | None, exclude: tuple[str, ...]
           ) -> contrast.Comparison:
    """Reviews of one ``column`` value in [start, end) against the other values' reviews
    of the same period (and stars)."""
    reviews, terms = found
    when = reviews["created_at"]
    chosen = (when >= start) & (when < end)
    if stars is not None:
        chosen &= reviews["rating"].isin(stars)
    mine = reviews[column].astype("string") == value
    in_a = terms.mask((chosen & mine).fillna(False))
    in_b = terms.mask((chosen & ~mine).fillna(False))
    return engine.compare(terms, in_a, in_b, label_a=value,
                          label_b=f"other {GROUP_COLUMNS[column]}", exclude=exclude)


def _key(view: View) -> str:
    return views.reviews_key(view)


def within(found: Themes, labels: pd.Index) -> Themes:
    """``found`` restricted to the reviews ``labels`` (the sidebar's window), so its
    summary, shares and examples are of those reviews only."""
    keep = found.index.isin(labels)
    return replace(found, theme=found.theme[keep], strength=found.strength[keep],
                   index=found.index[keep])


# ------------------------------------------------------------------ sections


def has_text(view: View) -> bool:
    """Whether the data has titles or texts to read."""
    return any(column in view.reviews.columns for column in ("title", "text"))


def exclusions(view: View) -> Exclusions:
    """'Leave out words' (comma separated, in the URL) and the company's own name."""
    company = data.company_words(view)
    typed = st.text_input(
        "Leave out words", key=EXCLUDE, max_chars=500, placeholder="e.g. insurance, policy",
        help="Comma separated. A term goes from every list and theme when it contains one of "
        "these words (as written or in its dictionary form: 'claim' takes out 'claims' and "
        "'claim form'). Kept in the page's link.", bind="query-params", persist_state="session",
    )
    keep_out = True
    if company:
        keep_out = st.checkbox(
            f"Leave out the company's own name ({words.words_text(company)})", value=True,
            key=KEEP_COMPANY, bind="query-params", persist_state="session",
            help="The company's name says nothing about what customers liked or not, and it "
            "is in many reviews; untick to list it again.",
        )
    return Exclusions(words.parse_exclusions(typed), company, bool(keep_out))


def term_matrix(view: View, excluded: Exclusions) -> TermMatrix | None:
    """The view's term matrix with the method expander, or None (an info shown) when
    there are no terms to list."""
    terms = data.term_matrix(view)
    if terms.terms.empty:
        st.info(words.NO_TERMS.format(min_reviews=engine.terms.MIN_REVIEWS, excluded=""))
        return None
    with st.expander("How terms are found", icon=":material/help:"):
        st.markdown(words.method(terms, excluded.company, excluded.company_left_out,
                                 excluded.typed))
    if terms.excluded(excluded.words).all():
        st.info(words.NO_TERMS.format(min_reviews=engine.terms.MIN_REVIEWS,
                                      excluded=" and the words you leave out"))
        return None
    return terms


def _pick_term(table_key: str, options: tuple[str, ...]) -> Callable[[], None]:
    """A table's selection callback: the selected row's term opens its reviews."""

    def pick() -> None:
        selection = st.session_state.get(table_key)
        rows = selection.selection.rows if selection is not None else []
        if rows and rows[0] < len(options):
            st.session_state[TERM] = options[rows[0]]

    return pick


def _selectable(table: pd.DataFrame, key: str, config: dict) -> None:
    """A term table whose rows can be selected: a selected row opens its term's reviews
    below. Shares are shown in % with one decimal."""
    shares = [c for c, kind in config.items() if kind == "share"]
    widths = {"count": 70, "share": 68} if "z" not in table else {"count": 110, "share": 100}
    column_config = {
        "Term": st.column_config.TextColumn(width=140),
        "How clear": st.column_config.TextColumn(width=88 if "z" not in table else 120,
                                                 help=words.verdict_help()),
        "z": st.column_config.NumberColumn(
            format="%.1f", width=48, help="The difference in log-odds over its standard error."),
    }
    for column, kind in config.items():
        if kind in widths:
            column_config[column] = st.column_config.NumberColumn(
                format="%d" if kind == "count" else "%.1f%%", width=widths[kind])
    st.dataframe(
        table.assign(**{c: table[c] * 100 for c in shares}), width="stretch", hide_index=True,
        key=key, selection_mode="single-row", on_select=_pick_term(key, tuple(table["Term"])),
        column_config=column_config,
    )


def _side_table(rows: pd.DataFrame, key: str, label_a: str, label_b: str, side: str) -> None:
    table = words.side_table(rows, label_a, label_b, side=side)
    _selectable(table, key, {"Reviews": "count", "Share": "share", table.columns[3]: "share"})


def _full_table(rows: pd.DataFrame, key: str, label_a: str, label_b: str) -> None:
    count_a, share_a, count_b, share_b = words.columns(label_a, label_b)
    _selectable(words.term_table(rows, label_a, label_b), key,
                {count_a: "count", share_a: "share", count_b: "count", share_b: "share"})


def low_vs_high(view: View, terms: TermMatrix, excluded: Exclusions, shown: Shown) -> None:
    """The terms most typical of 1-2 star and of 4-5 star reviews, side by side."""
    st.subheader("What low and high reviews say", anchor=False)
    comparison = _low_vs_high(_key(view), (view.reviews, terms), view.start, excluded.words)
    a, b = comparison.label_a, comparison.label_b
    for label, size in ((a, comparison.size_a), (b, comparison.size_b)):
        if size < words.MIN_GROUP_REVIEWS:
            st.info(words.too_few(label, size))
            return
    low, high = comparison.typical_of_a(TOP_TERMS), comparison.typical_of_b(TOP_TERMS)
    st.caption(words.low_high_caption(comparison.size_a, comparison.size_b,
                                      words.window_text(view.start, view.end)))
    figure = theme_charts.low_high_figure(low, high, a, b)
    st.plotly_chart(figure, width="stretch", theme=None, config=PLOTLY)
    left, right = st.columns(2, gap="medium")
    for column, rows, key, title in ((left, low, "themes_low_table", a),
                                     (right, high, "themes_high_table", b)):
        with column:
            st.markdown(f"**Typical of {words.group_name(title)}**")
            if rows.empty:
                st.caption("No term is used more by these reviews.")
                continue
            _side_table(rows, key, a, b, "a" if title == a else "b")
            st.caption(words.term_sentence(rows.iloc[0], a, b))
    st.caption("Select a row to read the reviews that use its term (below).")
    shown.add_terms(low["term"])
    shown.add_terms(high["term"])
    shown.figures.append(figure)
    table = words.export_table([(f"typical of {a}", low), (f"typical of {b}", high)], a, b)
    downloads.csv_button("Download the term table (CSV)", table, "trustlens-terms-low-high.csv",
                         view.dataset)


def themes(view: View, terms: TermMatrix, excluded: Exclusions, shown: Shown) -> None:
    """The themes: a table of their size and stars, their share over time, examples."""
    st.subheader("Themes over time", anchor=False)
    left, _ = st.columns([1, 2])
    n_themes = left.slider(
        "Number of themes", min_value=3, max_value=10, value=data.DEFAULT_THEMES, step=1,
        key=N_THEMES, help="More themes split the reviews finer; fewer give broader ones.",
        bind="query-params", persist_state="session",
    )
    found = data.themes(view, n_themes=int(n_themes), exclude=excluded.words)
    if not found.names:
        st.info("Too few distinct words to find themes in these reviews: widen the dates or "
                "filters, or leave out fewer words.")
        return
    windowed = within(found, _window(view.reviews, view.start).index)
    summary = windowed.summary(view.reviews)
    table = pd.DataFrame({
        "Theme": summary["theme"], "Words": summary["terms"], "Reviews": summary["reviews"],
        "Share": summary["share"], "Mean stars": summary["mean_stars"],
        "1-2 star share": summary["low_share"],
    })
    shown_table = table.assign(**{c: table[c] * 100 for c in ("Share", "1-2 star share")})
    st.dataframe(shown_table, width="stretch", hide_index=True, column_config={
        "Words": st.column_config.TextColumn(width="large",
                                             help="The theme's heaviest words, heaviest first."),
        "Reviews": st.column_config.NumberColumn(format="%d",
                                                 help="Reviews whose strongest theme it is."),
        "Share": st.column_config.NumberColumn(
            format="%.1f%%", help="Of the reviews with a theme (those using listed words)."),
        "Mean stars": st.column_config.NumberColumn(format="%.2f ★"),
        "1-2 star share": st.column_config.NumberColumn(
            format="%.1f%%", help="Share of the theme's reviews with 1 or 2 stars."),
    })
    first = view.start if view.start is not None else view.reviews["created_at"].min()
    last = view.end if view.end is not None else view.reviews["created_at"].max()
    freq = views.chart_freq(first, last, view.freq or "M", max_points=PANEL_POINTS)
    freq_name = charts.FREQ_NAMES[freq]
    shares = windowed.share_over_time(view.reviews, freq)
    order = [str(t) for t in summary["theme"]]
    figure = theme_charts.theme_panels(shares, order, freq_name)
    st.plotly_chart(figure, width="stretch", theme=None, config=PLOTLY)
    st.caption(words.theme_caption(freq_name))
    shown.add_terms(t for theme_terms in windowed.terms for t in theme_terms)
    shown.figures.append(figure)
    left, _ = st.columns([1, 2])
    picked = left.selectbox("Reviews of a theme", options=order, key=THEME,
                            bind="query-params", persist_state="session",
                            help="The reviews most strongly in the theme.")
    if picked is not None:
        labels = windowed.examples(picked, EXAMPLES)
        _reviews_frame(view.reviews.loc[labels], height=None)
    downloads.csv_button("Download the themes (CSV)", table, "trustlens-themes.csv",
                         view.dataset)


def _group_columns(view: View) -> dict[str, list[str]]:
    """The location and source values to compare against the rest (two or more each)."""
    found = {}
    for column in GROUP_COLUMNS:
        if column in view.reviews.columns:
            counts = view.reviews[column].dropna().astype(str).value_counts()
            if len(counts) >= 2:
                found[column] = counts.index[:MAX_GROUPS].tolist()
    return found


def rising(view: View, terms: TermMatrix, excluded: Exclusions, shown: Shown) -> None:
    """The terms more used in a recent period than in the one before (or by one
    location or source than by the rest), with both counts and how clear it is."""
    st.subheader("Rising in this period", anchor=False)
    groups = _group_columns(view)
    against_options = {"before": "The period before",
                        **{c: f"Other {GROUP_COLUMNS[c]}" for c in groups}}
    cols = st.columns([3, 2])
    days = cols[0].segmented_control(
        "Period", options=list(PRESETS), format_func=lambda d: PRESETS[d], default=90,
        required=True, key=DAYS, bind="query-params", persist_state="session",
        help="Ends on the last review (or the end of the sidebar's dates).",
    ) or 90
    star_group = cols[1].segmented_control(
        "Reviews", options=list(STAR_GROUPS), format_func=lambda k: STAR_GROUPS[k][0],
        default="all", required=True, key=STARS, bind="query-params", persist_state="session",
    ) or "all"
    against = "before"
    pick_group = st.columns([3, 2], vertical_alignment="bottom")
    if len(against_options) > 1:
        against = pick_group[0].segmented_control(
            "Against", options=list(against_options),
            format_func=lambda k: against_options[k], default="before", required=True,
            key=AGAINST, bind="query-params", persist_state="session",
            help="The period before: the same number of days just before. Other locations "
            "or sources: one of them against the rest, in the same period.",
        ) or "before"
    _, stars, what = STAR_GROUPS[star_group]
    last = view.end if view.end is not None else view.reviews["created_at"].max()
    end = last + pd.Timedelta(1, "ns")
    start = end - pd.Timedelta(days=int(days))
    key = _key(view)
    if against in groups:
        value = pick_group[1].selectbox(
            f"Which {against}", options=groups[against], key=GROUP.format(column=against),
            bind="query-params", persist_state="session",
        )
        comparison = _group(key, (view.reviews, terms), against, str(value), start, end, stars,
                            excluded.words)
    else:
        comparison = _period(key, (view.reviews, terms), start, end, stars, excluded.words)
    a, b = comparison.label_a, comparison.label_b
    for label, size in ((a, comparison.size_a), (b, comparison.size_b)):
        if size < words.MIN_GROUP_REVIEWS:
            st.info(words.too_few(label, size))
            return
    rows = comparison.typical_of_a(RISING_TERMS)
    if against in groups:
        st.markdown(words.group_sentence(comparison, rows))
    else:
        before = start - (end - start)
        st.markdown(words.rising_sentence(comparison, rows, what=what, first=start, last=last,
                                          before=before))
    if rows.empty:
        return
    _full_table(rows, "themes_rising_table", a, b)
    left, right = st.columns([3, 2], gap="medium", vertical_alignment="center")
    figure = theme_charts.rising_figure(rows, a, b)
    left.plotly_chart(figure, width="stretch", theme=None, config=PLOTLY)
    right.caption("The terms more used here, most typical first, with the share of both "
                  "groups' reviews using them. The counts are reviews using the term at least "
                  "once; the verdict says how sure the difference is. Select a row to read its "
                  "reviews.")
    shown.add_terms(rows["term"])
    shown.figures.append(figure)
    table = words.export_table([(f"more used in {a}", rows)], a, b)
    downloads.csv_button("Download the rising terms (CSV)", table, "trustlens-terms-rising.csv",
                         view.dataset)


def snapshot(view: View, shown: Shown) -> None:
    """The page's charts in one HTML file, with every assumption of the view."""
    if shown.figures:
        downloads.snapshot_button("themes", view, shown.figures, slug="themes")


def _reviews_frame(reviews: pd.DataFrame, *, height: int | None = 400) -> pd.DataFrame:
    """Reviews as plain text in a data frame: date, stars, title, text (and where)."""
    columns = [c for c in REVIEW_COLUMNS if c in reviews.columns]
    table = reviews[columns].rename(columns=REVIEW_COLUMNS)
    st.dataframe(table, width="stretch", height=height or "auto", hide_index=True,
                 column_config=REVIEW_CONFIG)
    return table


def term_reviews(view: View, terms: TermMatrix, shown: Shown) -> None:
    """Pick a term (from the tables above) and read the reviews that use it."""
    st.subheader("Reviews using a term", anchor=False)
    if not shown.terms:
        st.caption("No term is listed above.")
        return
    left, _ = st.columns([1, 2])
    term = left.selectbox("Term", options=shown.terms, key=TERM,
                          bind="query-params", persist_state="session",
                          help="Any term of the tables and themes above; selecting a row of "
                          "a table picks its term too.")
    if term is None:
        return
    labels = terms.reviews_using(term)
    found = _window(view.reviews.loc[labels], view.start).sort_values("created_at",
                                                                      ascending=False)
    sample = " of the sample read" if terms.sampled else ""
    more = (f" The newest {REVIEWS_SHOWN:,} are shown; the CSV has all."
            if len(found) > REVIEWS_SHOWN else "")
    stars = np.bincount(found["rating"].to_numpy(dtype=np.int64), minlength=6)[1:]
    by_stars = ", ".join(f"{n:,} with {s}★" for s, n in enumerate(stars, start=1) if n)
    st.caption(f"{len(found):,} reviews{sample} use “{escape_markdown(term)}” "
               f"({words.window_text(view.start, view.end)}){': ' + by_stars if by_stars else ''}"
               f"; newest first, exactly as written.{more}")
    table = _reviews_frame(found.head(REVIEWS_SHOWN))
    if len(found) > REVIEWS_SHOWN:
        columns = [c for c in REVIEW_COLUMNS if c in found.columns]
        table = found[columns].rename(columns=REVIEW_COLUMNS)
    downloads.csv_button("Download these reviews (CSV)", table, "trustlens-term-reviews.csv",
                         view.dataset)
