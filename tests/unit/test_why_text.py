"""How "Why did it move?" words the period's low-star reviews (ui/why_text.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.text.contrast import Comparison
from scoring.text.story import LowStarStory
from ui import why_text
from ui.themes import text as theme_words

TERM_COLUMNS = ["term", "lemmas", "words", "reviews_a", "reviews_b", "share_a", "share_b", "z",
                "verdict"]
THEME_COLUMNS = ["theme", "reviews", "share", "share_before", "z"]
START, END = pd.Timestamp("2025-07-03", tz="UTC"), pd.Timestamp("2025-10-01", tz="UTC")


def story(*, ones: int = 31, twos: int = 7, before: int = 12,
          baseline: str = "the 90 days before", terms: list[tuple] | None = None,
          themes: list[tuple] | None = None, compared: list[tuple] | None = None
          ) -> LowStarStory:
    """A story with these counts; ``terms`` rows are (term, share_a, share_b, z, verdict)
    and ``themes`` rows (theme, share, share_before, z); ``compared`` (term, z) are the
    comparison's other terms (the rising terms are in it too)."""
    n = ones + twos
    term_rows = [
        {"term": t, "lemmas": t.lower(), "words": len(t.split()), "reviews_a": round(a * n),
         "reviews_b": round(b * before), "share_a": a, "share_b": b, "z": z, "verdict": v}
        for t, a, b, z, v in (terms or [])
    ]
    theme_rows = [{"theme": t, "reviews": round(a * n), "share": a, "share_before": b, "z": z}
                  for t, a, b, z in (themes or [])]
    table = pd.DataFrame(
        term_rows + [{"term": t, "z": z} for t, z in (compared or [])], columns=TERM_COLUMNS)
    comparison = Comparison(table, "a", "b", n, before)
    return LowStarStory(
        start=START, end=END, low_reviews=n, by_stars={1: ones, 2: twos}, baseline=baseline,
        baseline_reviews=before, terms=pd.DataFrame(term_rows, columns=TERM_COLUMNS),
        themes=pd.DataFrame(theme_rows, columns=THEME_COLUMNS), comparison=comparison,
    )


PORTAL = [("portal", 0.47, 0.0, 6.1, "very clear"), ("migration", 0.32, 0.0, 5.0, "very clear"),
          ("portal migration", 0.2, 0.0, 4.0, "very clear"), ("log", 0.2, 0.0, 3.9, "very clear")]


def test_counts_against_the_period_before() -> None:
    assert why_text.count_sentence(story()) == (
        "**38 one- and two-star reviews** in this period (31 one-star), more than in the 90 "
        "days before (12).")
    assert why_text.count_sentence(story(ones=5, twos=0, before=12)) == (
        "**5 one-star reviews** in this period, fewer than in the 90 days before (12).")
    assert why_text.count_sentence(story(ones=0, twos=1, before=1)) == (
        "**1 two-star review** in this period, as many as in the 90 days before.")
    assert why_text.count_sentence(story(ones=0, twos=0)).startswith(
        "No one- or two-star reviews in this period")
    assert why_text.count_sentence(
        story(before=15, baseline="all earlier low-star reviews")).endswith(
        "they are compared with all 15 earlier low-star reviews.")


def test_names_what_clearly_rose_and_the_themes() -> None:
    text = why_text.story_paragraph(story(terms=PORTAL, themes=[
        ("portal · migration · log", 0.94, 0.02, 22.0), ("claim · paid", 0.3, 0.1, 2.5)],
        compared=[("claim", 2.5)]))
    assert ("More of them than before are about *portal*, *migration* and *log*: “portal” is "
            "used by 47% of them against 0% before (very clear).") in text
    assert "portal migration" not in text  # its words are named already
    assert ("On the rise, the themes *portal · migration · log* (94% of them against 2% "
            "before) and *claim · paid* (30% of them against 10% before).") in text
    most = why_text.story_paragraph(story(terms=[("refund", 0.6, 0.1, 4.0, "very clear")]))
    assert "Most are about *refund*: “refund” is used by 60% of them against 10% before" in most


def test_a_theme_is_named_only_when_its_own_words_rose() -> None:
    """Reviews about something new lean to the nearest theme: its share rises though
    none of its words did, and it is not said to be on the rise."""
    themes = [("easy · online · quick", 0.3, 0.1, 4.0), ("claim · paid", 0.3, 0.1, 3.0)]
    found = story(terms=PORTAL, themes=themes, compared=[("paid", 2.0), ("easy", -1.0)])
    assert list(why_text.rising_themes(found)["theme"]) == ["claim · paid"]
    text = why_text.story_paragraph(found)
    assert "online" not in text and "On the rise, the theme *claim · paid* (30%" in text
    alone = story(themes=themes[:1], compared=[("easy", 0.5)])
    assert why_text.story_paragraph(alone).endswith("no word or theme is clearly more common "
                                                    "than before.")


def test_says_plainly_when_nothing_clearly_rose() -> None:
    quiet = why_text.story_paragraph(story())
    assert quiet.endswith("Nothing in what they say clearly rose against the 90 days before: "
                          "no word or theme is clearly more common than before.")
    chance = why_text.story_paragraph(story(terms=[("rude", 0.09, 0.01, 2.6, "clear"),
                                                   ("manager", 0.09, 0.01, 2.6, "clear")]))
    assert "Nothing in what they say clearly rose" in chance
    assert "the biggest rises (*rude* and *manager*) are the size chance alone gives" in chance
    assert "about *rude*" not in chance


def test_no_text_no_terms_no_baseline() -> None:
    assert why_text.story_paragraph(None, has_text=False) == why_text.NO_TEXT
    assert why_text.story_paragraph(None, has_terms=False) == why_text.NO_TERMS
    first = why_text.story_paragraph(story(before=0, baseline="all earlier low-star reviews"))
    assert first.endswith("and none before it to compare with.")
    assert "Nothing" not in first
    assert why_text.story_paragraph(story(terms=PORTAL), sampled=True).endswith(
        "(Counts from a random sample of the reviews.)")


def test_review_words_are_escaped() -> None:
    """Terms and theme names come from reviews: markdown, links and directives in them
    stay text (the emphasis around them is the only markup)."""
    hostile = "**x** [a](javascript:alert(1)) :red[b] <b>"
    text = why_text.story_paragraph(story(terms=[(hostile, 0.6, 0.0, 5.0, "very clear")],
                                          themes=[(hostile, 0.6, 0.0, 5.0)],
                                          compared=[("**x** [a](javascript:alert(1)) :red[b] "
                                                     "<b>", 5.0)]))
    assert hostile not in text
    assert r"\*\*x\*\* \[a\]\(javascript\:alert\(1\)\) \:red\[b\] \<b\>" in text


def test_shares_read_as_on_the_themes_page() -> None:
    assert why_text.share_text is theme_words.share_text  # one formatter for both pages


def test_overview_link_label() -> None:
    assert why_text.overview_link_label(0.097) == "What moved it +0.10 in 90 days: Why did it move?"
    assert why_text.overview_link_label(-0.5) == "What moved it -0.50 in 90 days: Why did it move?"
    for flat in (0.0, 0.001, float("nan"), np.nan):
        assert why_text.overview_link_label(flat) == "What moves the score: Why did it move?"
