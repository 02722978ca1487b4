"""Display formatting (ui/format.py) and the import summary sentence."""

from __future__ import annotations

import pandas as pd
import pytest

from scoring.ingest import load_reviews
from tests.helpers import named
from ui import format as fmt


@pytest.mark.parametrize(
    ("days", "shown"),
    [(0, "0 days"), (1, "1 day"), (60, "60 days"), (61, "2 months"), (400, "13 months"),
     (730, "2.0 years"), (1096, "3.0 years")],
)
def test_time_span(days: int, shown: str) -> None:
    assert fmt.time_span(pd.Timedelta(days=days)) == shown


def test_escape_markdown_keeps_the_text() -> None:
    text = "**Evil** [x](javascript:alert(1)) :red[y] <b>"
    escaped = fmt.escape_markdown(text)
    assert escaped.replace("\\", "") == text
    assert all(escaped[i - 1] == "\\" for i, ch in enumerate(escaped) if ch in "*[]():<>")



def test_summary_counts_in_words() -> None:
    one = load_reviews(named(b"Date,Stars\n2024-01-01,5\n2024-01-01,5\n", "a.csv"))
    assert one.report.summary().startswith("a.csv: 2 rows read, 1 kept, 1 duplicate, 0 rejected")
    single = load_reviews(named(b"Date,Stars\n2024-01-01,5\n", "b.csv"))
    assert single.report.summary().startswith("b.csv: 1 row read, 1 kept, 0 duplicates")


def test_reading_text() -> None:
    from scoring.readings import PublishedReading

    reading = PublishedReading(pd.Timestamp("2026-12-02T10:15:09Z"), 4.3, 1234,
                               "saved Trustpilot page acme **x**.html")
    assert fmt.reading_text(reading) == (
        "The saved Trustpilot page acme **x**.html showed TrustScore 4.3 with 1,234 reviews "
        "on 2 Dec 2026, 10:15 UTC.")
    unknown = PublishedReading(pd.Timestamp("2026-01-05T00:00:00Z"), 4.0, None, "typed")
    assert fmt.reading_text(unknown) == "Typed: TrustScore 4.0 on 5 Jan 2026, 00:00 UTC."
