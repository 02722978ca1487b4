"""How "Why did it move?" tells what the period's low-star reviews were about (no streamlit).

The sentences are markdown in which every word taken from the reviews (terms, theme
names) is escaped with :func:`ui.format.escape_markdown`, so a review can never add
markup, links or Streamlit directives; only the emphasis around them is ours.
"""

from __future__ import annotations

import pandas as pd

from scoring.text.story import LowStarStory
from ui.format import escape_markdown, signed
from ui.themes.text import share_text

STAR_WORDS = {1: "one-star", 2: "two-star"}
MOST = 0.5  # the top term's share of the period's low-star reviews to say "most are about"
CLEAR_Z = 3.29  # a rising term is named as a topic from this z-score ("very clear")
NAMED_TERMS = 3
NAMED_THEMES = 2
THEME_WORD_Z = 1.96  # a rising theme is named only when one of its words rose this clearly
THEME_SEPARATOR = "·"  # between the terms of a theme's name

NO_TEXT = ("This data has no review text, so what the period's low-star reviews were about "
           "cannot be told.")
NO_TERMS = ("The reviews' texts are too few or too short to tell what the low-star reviews "
            "were about.")
THEMES_LINK = "Themes over time, with example reviews: Themes"


def _reviews(count: int, kind: str) -> str:
    return f"{count:,} {kind} review{'s' if count != 1 else ''}"


def count_sentence(story: LowStarStory) -> str:
    """'38 one- and two-star reviews in this period (31 one-star), more than in the 90
    days before (12).'"""
    ones, twos = story.by_stars.get(1, 0), story.by_stars.get(2, 0)
    total = story.low_reviews
    if total == 0:
        what = "No one- or two-star reviews in this period"
    elif twos == 0:
        what = f"**{_reviews(total, STAR_WORDS[1])}** in this period"
    elif ones == 0:
        what = f"**{_reviews(total, STAR_WORDS[2])}** in this period"
    else:
        what = (f"**{_reviews(total, 'one- and two-star')}** in this period "
                f"({ones:,} one-star)")
    before = story.baseline_reviews
    if story.baseline.startswith("the "):  # a window as long as the period, just before it
        if total > before:
            return f"{what}, more than in {story.baseline} ({before:,})."
        if total < before:
            return f"{what}, fewer than in {story.baseline} ({before:,})."
        return f"{what}, as many as in {story.baseline}."
    if before == 0:
        return f"{what}, and none before it to compare with."
    return f"{what}; they are compared with all {before:,} earlier low-star reviews."


def _named_terms(terms: pd.DataFrame) -> pd.DataFrame:
    """The first rising terms, skipping a phrase whose words are all named already
    ('portal migration' after 'portal' and 'migration')."""
    named: list[int] = []
    words: set[str] = set()
    column = "lemmas" if "lemmas" in terms.columns else "term"
    for i, lemmas in enumerate(terms[column].astype(str)):
        parts = set(lemmas.lower().split())
        if parts <= words:
            continue
        named.append(i)
        words |= parts
        if len(named) == NAMED_TERMS:
            break
    return terms.iloc[named]


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def clear_terms(story: LowStarStory) -> pd.DataFrame:
    """The rising terms clear enough to name as what the reviews are about.

    The story lists terms whose z-score alone would be unlikely by chance (1.96); but
    hundreds of words are compared at once, so a few always pass that bar. Only terms
    at :data:`CLEAR_Z` (a difference chance gives one word once in 1,000) are named.
    """
    return story.terms[story.terms["z"] >= CLEAR_Z]


def terms_sentence(story: LowStarStory) -> str | None:
    """'Most are about *portal*, *migration* and *log*: "portal" is used by 84% of them
    against 0% before (very clear).' None when no term clearly rose."""
    clear = clear_terms(story)
    if clear.empty:
        return None
    named = _named_terms(clear)
    first = named.iloc[0]
    lead = ("Most are about" if float(first["share_a"]) >= MOST
            else "More of them than before are about")
    listed = _and([f"*{escape_markdown(t)}*" for t in named["term"]])
    return (f"{lead} {listed}: “{escape_markdown(first['term'])}” is used by "
            f"{share_text(float(first['share_a']))} of them against "
            f"{share_text(float(first['share_b']))} before ({first['verdict']}).")


def nothing_sentence(story: LowStarStory) -> str:
    """What to say when no term clearly rose and no theme did: plainly nothing, naming
    the biggest rises when some words rose by as much as chance gives."""
    said = f"Nothing in what they say clearly rose against {_against(story)}"
    if story.terms.empty:
        return f"{said}: no word or theme is clearly more common than before."
    listed = _and([f"*{escape_markdown(t)}*" for t in _named_terms(story.terms)["term"]])
    return (f"{said}: the biggest rises ({listed}) are the size chance alone gives when "
            "this many words are compared.")


def rising_themes(story: LowStarStory) -> pd.DataFrame:
    """The themes whose share clearly rose and whose own words rose too.

    A review goes to the theme it leans to most, however slightly; when a new kind of
    complaint has no theme of its own, its reviews lean to the nearest one, whose share
    then rises although none of its words did (an "easy · online" theme among reviews
    about a broken portal). A theme is kept only when one of the terms naming it is
    used clearly more (z >= 1.96) in this period's low-star reviews.
    """
    if story.themes.empty:
        return story.themes
    table = story.comparison.table
    if table.empty or "z" not in table.columns:
        return story.themes.iloc[:0]
    rose = set(table.loc[table["z"] >= THEME_WORD_Z, "term"].astype(str).str.lower())
    keep = [any(part.strip().lower() in rose for part in str(name).split(THEME_SEPARATOR))
            for name in story.themes["theme"]]
    return story.themes[keep]


def themes_sentence(story: LowStarStory) -> str | None:
    """'On the rise: the theme *portal · migration · log*, 94% of them against 10%
    before.' None when no theme clearly rose (with its own words)."""
    themes = rising_themes(story)
    if themes.empty:
        return None
    rows = themes.head(NAMED_THEMES)
    parts = [f"*{escape_markdown(row.theme)}* ({share_text(float(row.share))} of them "
             f"against {share_text(float(row.share_before))} before)"
             for row in rows.itertuples()]
    noun = "theme" if len(parts) == 1 else "themes"
    return f"On the rise, the {noun} {_and(parts)}."


def story_paragraph(story: LowStarStory | None, *, has_text: bool = True,
                    has_terms: bool = True, sampled: bool = False) -> str:
    """What the period's 1-2 star reviews were about, in one markdown paragraph.

    Says plainly when the data has no text (``has_text``), when its texts give no terms
    (``has_terms``), when there were no low-star reviews and when nothing clearly rose;
    ``sampled`` adds that the counts come from a sample of the reviews.
    """
    if not has_text:
        return NO_TEXT
    if not has_terms or story is None:
        return NO_TERMS
    sentences = [count_sentence(story)]
    if story.low_reviews and story.baseline_reviews:
        found = [s for s in (terms_sentence(story), themes_sentence(story)) if s]
        sentences += found or [nothing_sentence(story)]
    if sampled:
        sentences.append("(Counts from a random sample of the reviews.)")
    return " ".join(sentences)


def _against(story: LowStarStory) -> str:
    return story.baseline if story.baseline.startswith("the ") else "the earlier ones"


def overview_link_label(change_90d: float) -> str:
    """The Overview's link to "Why did it move?", with the change it explains."""
    if pd.isna(change_90d) or round(change_90d, 2) == 0:
        return "What moves the score: Why did it move?"
    return f"What moved it {signed(change_90d)} in 90 days: Why did it move?"
