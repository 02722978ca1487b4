"""Builders and checks the tests share (one copy of each)."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pandas as pd

from scoring.ingest import ImportResult
from scoring.reviews import CANONICAL_COLUMNS, validate_reviews

TEAMS_TOML = """
[users]
"alice@acme.example" = { team = "acme", role = "analyst" }
"bob@acme.example" = { team = "acme", role = "viewer" }
"carol@globex.example" = { team = "globex", role = "analyst" }
"erin@acme.example" = { team = "acme", role = "analyst" }
"frank@globex.example" = { team = "globex", role = "analyst" }
"ops@agency.example" = { team = "agency", role = "admin" }

[groups]
"globex-readers" = { team = "globex", role = "viewer" }
"""
"""The sign-in tests' teams file (AppTest and browser): two analysts and a viewer of
acme, two analysts of globex, an admin, and a group of globex readers."""


def named(data: str | bytes, name: str) -> io.BytesIO:
    """An in-memory file with a name, as an upload or a path would give the importer."""
    buffer = io.BytesIO(data.encode() if isinstance(data, str) else data)
    buffer.name = name
    return buffer


def plain(text: str) -> str:
    """Markdown-escaped text as the user reads it."""
    return text.replace("\\", "")


def reviews_at(anchor: pd.Timestamp, rows: Sequence[tuple[float, int]], *, later: bool = False
               ) -> pd.DataFrame:
    """A canonical review table from (days, stars) pairs: ``days`` before ``anchor``
    (after it with ``later=True``)."""
    sign = 1 if later else -1
    return pd.DataFrame(
        {
            "created_at": pd.to_datetime(
                [anchor + sign * pd.Timedelta(days=days) for days, _ in rows], utc=True
            ),
            "rating": pd.array([stars for _, stars in rows], dtype="int64"),
        }
    )


def assert_accounting(result: ImportResult) -> None:
    """Every input row is kept, a duplicate or rejected with a reason; the table is
    canonical (validated, canonical column order, time order, a fresh index)."""
    report = result.report
    assert report.kept + report.duplicates + report.rejected == report.rows_read
    assert report.kept == len(result.reviews)
    assert report.rejected == len(result.rejected)
    assert report.duplicates == result.duplicates
    assert sum(report.rejected_by_reason.values()) == report.rejected
    if len(result.rejected):
        assert (result.rejected["reason"] != "").all()
    validate_reviews(result.reviews)
    assert list(result.reviews.columns) == [
        c for c in CANONICAL_COLUMNS if c in result.reviews.columns
    ]
    assert result.reviews["created_at"].is_monotonic_increasing
    assert isinstance(result.reviews.index, pd.RangeIndex)
