"""How the Themes page words its numbers (no streamlit, unit tested).

Every figure the sentences quote comes from the engine (:mod:`scoring.text`); here
it is only put into words: shares as percentages, z-scores with the engine's verdict,
the method, and what the lists leave out. Terms, names and exclusions are the data's
or the user's words: whatever goes into markdown is escaped here
(:func:`ui.format.escape_markdown`), so a word can never become markup.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

import pandas as pd

from scoring.text import contrast, terms, themes
from scoring.text.terms import TermMatrix
from ui.format import escape_markdown

MAX_EXCLUSIONS = 100
"""At most this many words are left out (a longer list is cut)."""
MAX_WORD_CHARS = 60
MIN_GROUP_REVIEWS = 10
"""Fewer reviews than this in a group: too few to say which terms are typical of it."""
NAMES_SHOWN = 30

VERDICT_MEANING = {
    "very clear": "chance alone gives a difference this large less than 0.1% of the time",
    "clear": "chance alone gives a difference this large less than 1% of the time",
    "likely": "chance alone gives a difference this large less than 5% of the time",
    contrast.NOT_CLEAR: "a difference this small is common by chance alone",
}

NO_TEXT = (
    "This dataset has no review titles or texts, so there are no words to read. A "
    "Trustpilot export has `Review Title` and `Review Content`, a Google Takeout the "
    "review's comment: import one on the Import page, or map a text column there."
)
NO_REVIEWS = "No reviews match these filters: widen the filters or the dates."
NO_TERMS = (
    "The reviews' titles and texts have no word or phrase used by at least {min_reviews} "
    "reviews once stop words, numbers and names are left out{excluded}, so there is nothing "
    "to list. Widen the dates or filters, or leave out fewer words."
)


def parse_exclusions(value: str | None) -> tuple[str, ...]:
    """The words a user typed to leave out: comma (or semicolon) separated, lower case,
    spaces collapsed, blanks and repeats dropped, at most :data:`MAX_EXCLUSIONS`."""
    if not value:
        return ()
    found: dict[str, None] = {}
    for part in re.split(r"[,;\n]+", value):
        word = " ".join(part.split()).lower()[:MAX_WORD_CHARS]
        if word:
            found[word] = None
    return tuple(found)[:MAX_EXCLUSIONS]


def share_text(share: float) -> str:
    """A share as people read it: '12%', '0.4%', '0%'."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "n/a"
    percent = share * 100
    if 0 < percent < 1:
        return f"{percent:.1f}%"
    return f"{percent:.0f}%"


def z_text(z: float) -> str:
    """A z-score as the tables and sentences show it: 'z = 8.1', 'z = -2.0'."""
    return f"z = {z:.1f}"


def verdict_text(z: float) -> str:
    """The engine's verdict with its z-score: 'very clear (z = 8.1)'."""
    return f"{contrast.verdict(z)} ({z_text(z)})"


def group_name(label: str) -> str:
    """A group's label as it reads after 'of': '1-2 star reviews', 'the reviews of this
    period', 'the reviews of Leeds'."""
    if label.endswith(" stars"):
        return f"{label.removesuffix('s')} reviews"
    return f"the reviews of {label}"


def contrast_sentence(row: pd.Series | dict, label_a: str, label_b: str) -> str:
    """One term's difference in plain words, from a row of a comparison's table:
    'used by 12% of 1-2 star reviews vs 2% of 4-5 star reviews; very clear (z = 8.1)'."""
    return (f"used by {share_text(float(row['share_a']))} of {group_name(label_a)} vs "
            f"{share_text(float(row['share_b']))} of {group_name(label_b)}; "
            f"{verdict_text(float(row['z']))}")


def term_sentence(row: pd.Series | dict, label_a: str, label_b: str) -> str:
    """The sentence with its term quoted (markdown-safe): '“portal” is used by ...'."""
    return (f"“{escape_markdown(row['term'])}” is "
            f"{contrast_sentence(row, escape_markdown(label_a), escape_markdown(label_b))}.")


SHORT_LABELS = {"1-2 stars": "1-2★", "4-5 stars": "4-5★", "this period": "now",
                "the period before": "before"}
SHORT_CHARS = 18


def short_label(label: str) -> str:
    """A group's label short enough for a column header: '1-2★', 'now', 'before',
    'rest' (for 'other locations'), or the group's own name cut to 18 characters."""
    if label in SHORT_LABELS:
        return SHORT_LABELS[label]
    if label.startswith("other "):
        return "rest"
    return label if len(label) <= SHORT_CHARS else label[:SHORT_CHARS - 1] + "…"


def columns(label_a: str, label_b: str) -> tuple[str, str, str, str]:
    """The count and share columns of a term table: ('Reviews 1-2★', 'Share 1-2★',
    'Reviews 4-5★', 'Share 4-5★'); never two alike (a location called 'rest')."""
    a, b = short_label(label_a), short_label(label_b)
    if a == b:
        a, b = f"{a} (a)", f"{b} (b)"
    return f"Reviews {a}", f"Share {a}", f"Reviews {b}", f"Share {b}"


def term_table(rows: pd.DataFrame, label_a: str, label_b: str) -> pd.DataFrame:
    """A comparison's rows as the page shows them: the term, the reviews of each group
    using it and their shares, the verdict in words and z (headers from :func:`columns`)."""
    count_a, share_a, count_b, share_b = columns(label_a, label_b)
    return pd.DataFrame({
        "Term": rows["term"].to_numpy(),
        count_a: rows["reviews_a"].to_numpy(),
        share_a: rows["share_a"].to_numpy(),
        count_b: rows["reviews_b"].to_numpy(),
        share_b: rows["share_b"].to_numpy(),
        "How clear": rows["verdict"].to_numpy(),
        "z": rows["z"].to_numpy(),
    })


def side_table(rows: pd.DataFrame, label_a: str, label_b: str, *, side: str) -> pd.DataFrame:
    """One side of a comparison in a narrow table, under a heading that names the side:
    the term, how many of that side's reviews use it ('Reviews') and their share
    ('Share'), the other side's share ('vs 4-5★') and the verdict. ``side`` is ``"a"``
    or ``"b"``; every figure is in :func:`term_table` and the CSV."""
    other = "b" if side == "a" else "a"
    other_label = short_label(label_b if side == "a" else label_a)
    return pd.DataFrame({
        "Term": rows["term"].to_numpy(),
        "Reviews": rows[f"reviews_{side}"].to_numpy(),
        "Share": rows[f"share_{side}"].to_numpy(),
        f"vs {other_label}": rows[f"share_{other}"].to_numpy(),
        "How clear": rows["verdict"].to_numpy(),
    })


def export_table(lists: Sequence[tuple[str, pd.DataFrame]], label_a: str, label_b: str
                 ) -> pd.DataFrame:
    """The term lists of one comparison in one table for the CSV: which list a term is
    in, then every figure the engine gives (log-odds, z, p-value for the term on its own)."""
    parts = []
    for name, rows in lists:
        part = pd.DataFrame({
            "list": name,
            "term": rows["term"].to_numpy(),
            "lemmas": rows["lemmas"].to_numpy(),
            f"reviews ({label_a})": rows["reviews_a"].to_numpy(),
            f"share ({label_a})": rows["share_a"].to_numpy(),
            f"reviews ({label_b})": rows["reviews_b"].to_numpy(),
            f"share ({label_b})": rows["share_b"].to_numpy(),
            "log_odds": rows["log_odds"].to_numpy(),
            "z": rows["z"].to_numpy(),
            "p_value": rows["p_value"].to_numpy(),
            "verdict": rows["verdict"].to_numpy(),
        })
        parts.append(part)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def too_few(label: str, count: int) -> str:
    """Why a comparison is not shown: one group has too few reviews."""
    group = group_name(label).removeprefix("the ")
    return (f"Too few {group} here to tell which words are typical of them: {count:,} (at "
            f"least {MIN_GROUP_REVIEWS} are needed). Widen the dates or the filters.")


def verdict_help() -> str:
    """What the verdicts mean, for a column's help."""
    bounds = "; ".join(f"{words}: |z| ≥ {bound:g}" for bound, words in contrast.VERDICTS)
    return (f"{bounds}; below that the difference {contrast.NOT_CLEAR} (see 'How terms are "
            "found').")


def low_high_caption(size_a: int, size_b: int, window: str) -> str:
    """What the low-vs-high lists compare."""
    return (f"{size_a:,} reviews with 1-2 stars against {size_b:,} with 4-5 stars ({window}). "
            "A term is listed on the side whose reviews use it more; the share is of that "
            "group's reviews using it at least once. 3-star reviews are in neither group.")


def window_text(start: pd.Timestamp | None, end: pd.Timestamp | None) -> str:
    """The sidebar's window in words: 'all dates' or '1 Jul 2025 to 31 Oct 2025'."""
    if start is None or end is None:
        return "all dates"
    return f"{day(start)} to {day(end)}"


def day(when: pd.Timestamp) -> str:
    """'2 Aug 2026'."""
    return f"{when.day} {when:%b %Y}"


def brief(row: pd.Series | dict) -> str:
    """One term's figures in brief (markdown-safe): '“portal” 28% vs 0% (very clear,
    z = 10.1)'."""
    return (f"“{escape_markdown(row['term'])}” {share_text(float(row['share_a']))} vs "
            f"{share_text(float(row['share_b']))} ({contrast.verdict(float(row['z']))}, "
            f"{z_text(float(row['z']))})")


def _clear_part(rows: pd.DataFrame, more: str, versus: str) -> str:
    """'3 of the 15 terms listed are clearly more used (z ≥ 1.96) ...: “a” ..., “b” ...'."""
    likely = min(bound for bound, _ in contrast.VERDICTS)
    clear = rows[rows["z"] >= likely]
    named = ", ".join(brief(row) for _, row in clear.head(3).iterrows())
    if len(clear) == len(rows):
        count = f"All {len(rows)} terms listed are" if len(rows) > 1 else "The term listed is"
    else:
        count = (f"{len(clear)} of the {len(rows)} terms listed "
                 f"{'are' if len(clear) != 1 else 'is'}")
    return (f"{count} clearly more used {more} (z ≥ {likely:g}); the strongest, with the share "
            f"of reviews using them {versus}: {named}.")


def rising_sentence(comparison: contrast.Comparison, rising: pd.DataFrame, *, what: str,
                    first: pd.Timestamp, last: pd.Timestamp, before: pd.Timestamp) -> str:
    """The rising terms in words (markdown, terms escaped): how many of those listed are
    clearly more used this period than the period before, the strongest quoted with
    their shares of both periods' reviews; or plainly that none is."""
    period = (f"From {day(first)} to {day(last)} ({comparison.size_a:,} {what}) against "
              f"{day(before)} to {day(first)} ({comparison.size_b:,} {what})")
    likely = min(bound for bound, _ in contrast.VERDICTS)
    if rising.empty or not (rising["z"] >= likely).any():
        return (f"{period}: no term is clearly more used than before; the largest "
                "differences could be chance.")
    return f"{period}. {_clear_part(rising, 'than before', 'in this period vs the one before')}"


def group_sentence(comparison: contrast.Comparison, typical: pd.DataFrame) -> str:
    """One group against the rest in words (markdown, terms and group escaped)."""
    group = escape_markdown(comparison.label_a)
    head = (f"{comparison.size_a:,} reviews of {group} against {comparison.size_b:,} of "
            f"{escape_markdown(comparison.label_b)}")
    likely = min(bound for bound, _ in contrast.VERDICTS)
    if typical.empty or not (typical["z"] >= likely).any():
        return f"{head}: no term is clearly more used by {group}; the differences could be chance."
    clear = _clear_part(typical, f"by {group} than by the rest", f"in {group} vs the rest")
    return f"{head}. {clear}"


def theme_caption(freq_name: str) -> str:
    """What the small multiples show."""
    return (f"Each panel: the share of the {freq_name}'s reviews (those with a theme) whose "
            "strongest theme it is, in %, on one scale for all panels. A review has one theme, "
            "the one its words weigh most in; reviews without listed words have none.")


def names_text(names: Iterable[str]) -> str:
    """The words left out as names (markdown-safe), the most used first."""
    found = list(names)
    if not found:
        return "none found in these reviews"
    shown = ", ".join(escape_markdown(n) for n in found[:NAMES_SHOWN])
    more = len(found) - NAMES_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def words_text(words: Iterable[str]) -> str:
    """Words in a sentence (markdown-safe): 'bramblegate, home, insurance'."""
    return ", ".join(escape_markdown(w) for w in words)


def sample_text(term_matrix: TermMatrix) -> str:
    """Which reviews were read: all, or a random sample (the counts are then of it)."""
    read = len(term_matrix.index)
    if term_matrix.sampled:
        return (f"A random sample of {read:,} of the {term_matrix.total_reviews:,} reviews was "
                "read (a fixed seed, so the same sample every time): every count on this page "
                "is of the sample.")
    return f"All {read:,} reviews in view were read."


def method(term_matrix: TermMatrix, company: Sequence[str], company_left_out: bool,
           exclusions: Sequence[str]) -> str:
    """The expander 'How terms are found' (markdown; the data's words escaped)."""
    low, high = (f"{min(s)}-{max(s)}" for s in (contrast.LOW_STARS, contrast.HIGH_STARS))
    bounds = {words: bound for bound, words in contrast.VERDICTS}
    prior = f"{contrast.PRIOR_WEIGHT:.0%}"
    if company:
        company_part = (f"the company's own name ({words_text(company)})"
                        + ("" if company_left_out else ", now included again") + "; ")
    else:
        company_part = ""
    mine = (f"and the words you leave out ({words_text(exclusions)})" if exclusions
            else "and the words you leave out (none now)")
    return "\n\n".join([
        "**Terms.** Each review's title and text are cut into words in the review's "
        "language; words are reduced to their dictionary form (\"delayed\" becomes "
        "\"delay\"), and two or three words that follow each other in a sentence make a "
        f"phrase. A term is a word or a phrase used by at least {terms.MIN_REVIEWS} reviews. "
        "**Counts are reviews, not uses**: a review that says \"portal\" five times counts once.",
        f"**Typical of {low} or {high} star reviews.** Weighted log-odds with an informative "
        "prior (Monroe, Colaresi and Quinn, \"Fightin' Words\", 2008): how much more often one "
        "group's terms are this term than the other group's, on the log-odds scale. The "
        "prior adds each term's use in both groups together, weighing "
        f"{prior} of the smaller group's, so a word used by two reviews does not top a list. "
        "z is that difference over its standard error: "
        f"|z| of at least {bounds['likely']:g} reads \"likely\", {bounds['clear']:g} "
        f"\"clear\" and {bounds['very clear']:g} \"very clear\" (chance alone gives a "
        "difference that large for one term read on its own at most 5%, 1% and 0.1% of the "
        "time); below that, \"could be chance\". Hundreds of terms are tested, so a few pass "
        "by chance: read the counts beside them. \"Rising\" compares a period with the one "
        "of the same length before it the same way.",
        "**Themes.** Non-negative matrix factorisation of the reviews' words (TF-IDF "
        "weighted): each theme is a set of words used by the same reviews, named by its "
        "three heaviest; each review belongs to the theme its words weigh most in. Words "
        f"used by more than {themes.MAX_DOC_SHARE:.0%} of the reviews carry no theme; praise "
        "and complaints are read in equal numbers per star, so the many 5-star reviews do "
        "not drown the rest.",
        "**Left out**, so they do not crowd the lists: stop words of each review's language "
        "(\"the\", \"und\"); numbers, prices and dates (a word is letters only); names, "
        "that is words written with a capital nearly every time they appear inside a "
        "sentence, and the reviewers' and company names the texts use (here: "
        f"{names_text(term_matrix.names)}); {company_part}{mine}. A term goes when it "
        "contains a left-out word.",
        f"**Which reviews.** {sample_text(term_matrix)}",
    ])
