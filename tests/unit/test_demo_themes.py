"""The demo's texts tell its story: the text engine finds the portal incident.

The incident's 1-3 star reviews are about the customer portal's migration (locked out,
policy missing, charged twice), so with default settings the portal is among the words
typical of low-star reviews, one of the demo's themes, and what rose among the low-star
reviews of a period inside the incident; in a quiet period before it nothing of the
sort rises.
"""

from __future__ import annotations

import pandas as pd
import pytest

import scoring
from scoring import text
from scoring.text.story import LowStarStory, low_star_story
from ui.data import DEMO_PATH

INCIDENT_WORDS = ("portal", "migration", "log")
COMPANY_WORDS = ("bramblegate", "home", "insurance")  # what the app leaves out by default


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return scoring.load_reviews(DEMO_PATH).reviews


@pytest.fixture(scope="module")
def terms(demo: pd.DataFrame) -> text.TermMatrix:
    return text.term_matrix(demo)


@pytest.fixture(scope="module", params=[(), COMPANY_WORDS], ids=["all words", "app default"])
def exclude(request: pytest.FixtureRequest) -> tuple[str, ...]:
    return request.param


@pytest.fixture(scope="module")
def themes(terms: text.TermMatrix, demo: pd.DataFrame, exclude: tuple[str, ...]) -> text.Themes:
    return text.find_themes(terms, demo, exclude=exclude)


def incident_theme(themes: text.Themes) -> str:
    found = [name for name in themes.names if any(w in name for w in INCIDENT_WORDS)]
    assert len(found) == 1, themes.names
    return found[0]


def story(terms: text.TermMatrix, themes: text.Themes, demo: pd.DataFrame, end: str,
          exclude: tuple[str, ...]) -> LowStarStory:
    end_at = pd.Timestamp(end, tz="UTC")
    return low_star_story(terms, themes, demo, end_at - pd.Timedelta(days=90), end_at,
                          exclude=exclude)


def test_texts_are_varied(terms: text.TermMatrix) -> None:
    assert len(terms.terms) >= 500  # words and phrases, not a dozen templates


def test_low_star_reviews_are_typically_about_the_portal(terms: text.TermMatrix,
                                                         demo: pd.DataFrame) -> None:
    top = text.low_vs_high(terms, demo).typical_of_a(10)
    assert {"portal", "migration"} <= set(top["term"])
    assert top["term"].iloc[0] == "portal"


def test_the_incident_is_one_of_the_default_themes(themes: text.Themes,
                                                   demo: pd.DataFrame) -> None:
    name = incident_theme(themes)
    assert len(themes.names) == 6
    row = themes.summary(demo).set_index("theme").loc[name]
    assert row["mean_stars"] < 3 and row["low_share"] > 0.5
    when = demo["created_at"].reindex(themes.index)[themes.assignment() == name]
    inside = (when >= pd.Timestamp("2025-07-14", tz="UTC")) & (
        when < pd.Timestamp("2025-11-01", tz="UTC"))
    assert inside.mean() > 0.4  # most of the rest is the campaign's praise of the fixed portal


def test_the_incident_rises_among_low_star_reviews_inside_it(
        terms: text.TermMatrix, themes: text.Themes, demo: pd.DataFrame,
        exclude: tuple[str, ...]) -> None:
    found = story(terms, themes, demo, "2025-10-01", exclude)
    assert found.baseline == "the 90 days before"
    assert found.low_reviews > 3 * found.baseline_reviews
    assert found.themes["theme"].iloc[0] == incident_theme(themes)
    assert found.themes["share"].iloc[0] > 0.8
    rising = found.terms.set_index("term")
    assert {"portal", "migration"} <= set(rising.index)
    assert (rising.loc[["portal", "migration"], "verdict"] == "very clear").all()


def test_nothing_of_it_rises_in_a_quiet_period_before(
        terms: text.TermMatrix, themes: text.Themes, demo: pd.DataFrame,
        exclude: tuple[str, ...]) -> None:
    quiet = story(terms, themes, demo, "2025-06-01", exclude)
    assert quiet.low_reviews > 100
    assert incident_theme(themes) not in set(quiet.themes["theme"])
    assert not set(quiet.terms["term"]) & set(INCIDENT_WORDS)
    assert quiet.terms.empty or (quiet.terms["z"] < 3.29).all()


def test_found_too_when_the_data_ends_inside_the_incident(demo: pd.DataFrame) -> None:
    """A window ending inside the incident (the sidebar's dates) gives the app fewer
    reviews to find themes in; from two months in, the portal is still one of them."""
    end = pd.Timestamp("2025-10-01", tz="UTC")
    window = demo[demo["created_at"] < end]
    terms = text.term_matrix(window)
    themes = text.find_themes(terms, window, exclude=COMPANY_WORDS)
    found = story(terms, themes, window, "2025-10-01", COMPANY_WORDS)
    assert found.themes["theme"].iloc[0] == incident_theme(themes)
