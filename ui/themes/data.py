"""The text analysis of a view, cached: the term matrix, themes and the Why story.

Everything is keyed on :func:`ui.views.reviews_key` (the dataset's content hash, the
window's end and the filters), so a user's upload never answers another's call. The
term matrix and the themes are large results nobody changes (frozen dataclasses): one
object is shared by every caller, not copied on every rerun; at most :data:`ENTRIES`
term matrices are kept.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pandas as pd

from scoring import text
from scoring.text.story import LowStarStory, low_star_story
from ui import cache
from ui.views import reviews_key

if TYPE_CHECKING:
    from ui.controls import View

ENTRIES = 4
DEFAULT_THEMES = 6
# Words of file and dataset names that are not the company's name.
GENERIC_NAME_WORDS = frozenset({
    "reviews", "review", "trustpilot", "google", "maps", "export", "exports", "data",
    "csv", "xlsx", "json", "demo", "the", "and", "ltd", "inc", "gmbh", "com",
})


@cache.by_key(max_entries=ENTRIES, shared=True,
              spinner="Reading the reviews' words (once per dataset and filters)...")
def _term_matrix(reviews: pd.DataFrame) -> text.TermMatrix:
    return text.term_matrix(reviews)


def term_matrix(view: View) -> text.TermMatrix:
    """The view's review x term matrix (cached)."""
    return _term_matrix(reviews_key(view), view.reviews)


@cache.by_key(max_entries=ENTRIES * 4, shared=True, spinner="Finding themes...")
def _themes(data: tuple[pd.DataFrame, text.TermMatrix], n_themes: int,
            exclude: tuple[str, ...]) -> text.Themes:
    reviews, terms = data
    return text.find_themes(terms, reviews, n_themes=n_themes, exclude=exclude)


def themes(view: View, *, n_themes: int = DEFAULT_THEMES,
           exclude: tuple[str, ...] = ()) -> text.Themes:
    """The view's themes (cached on the view, the number of themes and the exclusions)."""
    terms = term_matrix(view)
    return _themes(reviews_key(view), (view.reviews, terms), n_themes,
                   tuple(sorted(set(exclude))))


def company_words(view: View) -> tuple[str, ...]:
    """The words of the business's name (``"lemonade"``), left out of the lists by
    default: the company's own name says nothing about what customers liked."""
    words = re.split(r"[^\w]+|_", view.dataset.business_name.lower())
    return tuple(dict.fromkeys(
        w for w in words if len(w) > 2 and w.isalpha() and w not in GENERIC_NAME_WORDS
    ))


def low_star_story_for(view: View, start: pd.Timestamp, end: pd.Timestamp, *,
                       exclude: tuple[str, ...] = ()) -> LowStarStory:
    """What the period's new 1-2 star reviews were about (the Why page's sentence)."""
    terms = term_matrix(view)
    found = themes(view, exclude=exclude)
    return low_star_story(terms, found, view.reviews, start, end, exclude=exclude)
