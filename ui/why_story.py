"""The Why page's words on the period's low-star reviews, beside the waterfall.

The story comes from the cached text analysis (:mod:`ui.themes.data`) and its wording
from :mod:`ui.why_text`; nothing from a review reaches the page unescaped.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from ui import why_text
from ui.themes import data as text_data

if TYPE_CHECKING:
    from ui.controls import View

ROOT = Path(__file__).resolve().parents[1]
THEMES_PAGE = "app_pages/themes.py"
TEXT_COLUMNS = ("title", "text")
# The story counts reviews written in [start, end); the waterfall's new reviews are
# those in (start, end]: a microsecond (the data's resolution) lines them up.
EDGE = pd.Timedelta(microseconds=1)


def has_review_text(reviews: pd.DataFrame) -> bool:
    """Whether any review has a title or a text that is not blank."""
    for column in TEXT_COLUMNS:
        if column in reviews.columns:
            values = reviews[column].dropna()
            if not values.empty and values.astype(str).str.strip().ne("").any():
                return True
    return False


def themes_link() -> None:
    """A link to the Themes page, when the app has one (it is registered in app.py)."""
    if not (ROOT / THEMES_PAGE).exists():
        return
    try:
        st.page_link(THEMES_PAGE, label=why_text.THEMES_LINK, icon=":material/topic:")
    except StreamlitPageNotFoundError:  # the file exists but app.py does not list it yet
        return


def low_star_section(view: View, start: pd.Timestamp, end: pd.Timestamp) -> None:
    """What the 1-2 star reviews written from ``start`` to ``end`` (the waterfall's
    period) were about, against the time before, in a few plain sentences."""
    st.markdown("**What this period's low-star reviews say**")
    if not has_review_text(view.reviews):
        st.markdown(why_text.NO_TEXT)
        return
    if not end > start:  # an empty period: no reviews to tell about
        return
    terms = text_data.term_matrix(view)
    if terms.terms.empty:
        st.markdown(why_text.story_paragraph(None, has_terms=False))
        return
    story = text_data.low_star_story_for(view, start + EDGE, end + EDGE,
                                         exclude=text_data.company_words(view))
    st.markdown(why_text.story_paragraph(story, sampled=terms.sampled))
    themes_link()
