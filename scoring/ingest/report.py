"""What an import did: the :class:`ImportReport` and the :class:`ImportResult`.

Every input row ends up in exactly one of three places, so the accounting
``kept + duplicates + rejected == rows_read`` holds for every report; the
constructor checks it. What the data says about the company's replies is a
:class:`ReplyReport` in the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from scoring.readings import PublishedReading

#: Row numbers of suspicious reply dates the sentence names before saying "and N more".
SHOWN_ROWS = 5


@dataclass(frozen=True)
class ReplyReport:
    """What the data says about the company's replies, over the reviews kept.

    Attributes:
        reviews: reviews kept (the table the counts describe).
        replied: reviews with a company reply (``replied`` True).
        with_date: replied reviews whose reply date is known (``reply_at`` set).
        without_date: replied reviews without a reply date (a reply text or a yes
            flag, and no readable date): their reply time is unknown.
        not_replied: reviews the data says have no reply.
        unknown: reviews for which the data cannot tell (``replied`` NA).
        before_review: replies dated before their review, kept as they are (a reply
            dated at midnight, i.e. a date without a time, counts only when its day is
            before the review's day).
        before_review_rows: the row numbers of the first :data:`SHOWN_ROWS` of them
            (the rows the rejected-rows table would show).
        before_review_files: for several files, the file of each of those rows.
        unreadable_dates: reply dates that could not be read (left empty; ``replied``
            then comes from the reply text or flag).
        dated: whether the data has a reply date column at all.
    """

    reviews: int
    replied: int
    with_date: int
    without_date: int
    not_replied: int
    unknown: int
    before_review: int = 0
    before_review_rows: tuple[int, ...] = ()
    before_review_files: tuple[str, ...] = ()
    unreadable_dates: int = 0
    dated: bool = True

    def sentence(self) -> str:
        """The replies in one sentence, e.g. "Replies: 3,481 of 14,891 reviews have a
        company reply (3,470 with a date, 11 without); 2 reply dates are before their
        review (rows 17, 204); 5 reply dates could not be read and were left empty." """
        if self.replied == 0:
            known = "has" if self.unknown == 0 else "is known to have"
            head = (
                f"none of the {self.reviews:,} reviews {known} a company reply"
                if self.reviews != 1
                else "the review has no company reply" if self.unknown == 0
                else "the review is not known to have a company reply"
            )
        else:
            verb = "has" if self.replied == 1 else "have"
            noun = "review" if self.reviews == 1 else "reviews"
            head = f"{self.replied:,} of {self.reviews:,} {noun} {verb} a company reply"
            if not self.dated:
                head += " (the file gives no reply dates)"
            elif self.without_date == 0:
                head += " (all with a date)" if self.replied > 1 else " (with a date)"
            elif self.with_date == 0:
                head += " (none with a date)" if self.replied > 1 else " (without a date)"
            else:
                head += f" ({self.with_date:,} with a date, {self.without_date:,} without)"
        parts = [head]
        if self.unknown:
            parts.append(
                f"{_count(self.unknown, 'review')} {'does' if self.unknown == 1 else 'do'} "
                "not say whether there is a reply"
            )
        if self.before_review:
            one = self.before_review == 1
            parts.append(
                f"{_count(self.before_review, 'reply date')} {'is' if one else 'are'} before "
                f"{'its' if one else 'their'} review ({self._rows()})"
            )
        if self.unreadable_dates:
            one = self.unreadable_dates == 1
            parts.append(
                f"{_count(self.unreadable_dates, 'reply date')} could not be read and "
                f"{'was' if one else 'were'} left empty"
            )
        return "Replies: " + "; ".join(parts) + "."

    def _rows(self) -> str:
        if self.before_review_files:
            shown = [
                f"{file} row {row}"
                for file, row in zip(self.before_review_files, self.before_review_rows,
                                     strict=True)
            ]
            text = ", ".join(shown)
        else:
            word = "row" if self.before_review == 1 else "rows"
            text = f"{word} " + ", ".join(f"{row:,}" for row in self.before_review_rows)
        more = self.before_review - len(self.before_review_rows)
        return text + (f" and {more:,} more" if more > 0 else "")

    @property
    def problems(self) -> bool:
        """Whether some reply dates are suspicious or unreadable (worth a warning)."""
        return bool(self.before_review or self.unreadable_dates)

    def to_dict(self) -> dict[str, Any]:
        """The counts as plain data, with the :meth:`sentence`."""
        return {
            "reviews": self.reviews,
            "replied": self.replied,
            "with_date": self.with_date,
            "without_date": self.without_date,
            "not_replied": self.not_replied,
            "unknown": self.unknown,
            "before_review": self.before_review,
            "before_review_rows": list(self.before_review_rows),
            "before_review_files": list(self.before_review_files),
            "unreadable_dates": self.unreadable_dates,
            "dated": self.dated,
            "sentence": self.sentence(),
        }


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


@dataclass(frozen=True)
class ImportReport:
    """A description of one import (one file, or several combined).

    Attributes:
        file_name: the file's name (for several files: the names joined by ", ").
        file_format: ``csv``, ``xlsx``, ``json``, ``jsonl``, ``parquet``,
            ``google-takeout``, ``trustpilot-page`` (a saved Trustpilot page) or, for
            several files of different formats, ``mixed``.
        encoding: the text encoding used (``None`` for binary formats).
        delimiter: the CSV field separator (``None`` for other formats).
        rows_read: records found in the file (header not counted).
        kept: rows in the canonical table.
        duplicates: rows dropped as repeats of an earlier kept row.
        rejected: rows that could not be used, each with a reason.
        rejected_by_reason: rejected rows counted by kind of problem.
        date_min, date_max: the earliest and latest ``created_at`` kept (UTC).
        mapping: canonical column -> source column actually used.
        candidates: canonical column -> source columns that could fill it, best first
            (what a user interface offers as alternatives).
        flag_columns: Trustpilot flag columns read into ``counts``
            (``filtered``, ``pending``, ``counts_towards``).
        dayfirst: the day/month order used for numeric dates (``None``: not needed).
        rating_scale: 5, or 10 when a 0-10 scale was converted to stars.
        columns: every column seen in the input, in file order.
        warnings: human sentences about anything the user should know.
        files: for a multi-file import, the report of each file.
        replies: what the data says about the company's replies (:class:`ReplyReport`;
            its ``sentence()`` for people), ``None`` when it says nothing about them
            (no reply date, reply text or replied column).
    """

    file_name: str
    file_format: str
    encoding: str | None
    delimiter: str | None
    rows_read: int
    kept: int
    duplicates: int
    rejected: int
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    date_min: pd.Timestamp | None = None
    date_max: pd.Timestamp | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    candidates: dict[str, list[str]] = field(default_factory=dict)
    flag_columns: dict[str, str] = field(default_factory=dict)
    dayfirst: bool | None = None
    rating_scale: int = 5
    columns: tuple[str, ...] = ()
    warnings: list[str] = field(default_factory=list)
    files: list[ImportReport] = field(default_factory=list)
    replies: ReplyReport | None = None

    def __post_init__(self) -> None:
        # The accounting invariant. A breach is a bug in the importer, not bad input,
        # so it is an AssertionError (never swallowed into ReviewDataError).
        if self.kept + self.duplicates + self.rejected != self.rows_read:
            raise AssertionError(
                f"import accounting broken for {self.file_name!r}: kept {self.kept} + "
                f"duplicates {self.duplicates} + rejected {self.rejected} "
                f"!= rows read {self.rows_read}"
            )
        if sum(self.rejected_by_reason.values()) != self.rejected:
            raise AssertionError(
                f"rejected_by_reason does not add up to {self.rejected} for {self.file_name!r}"
            )

    def summary(self) -> str:
        """One sentence: what was read and what became of it."""
        rows = "row" if self.rows_read == 1 else "rows"
        duplicates = "duplicate" if self.duplicates == 1 else "duplicates"
        text = (
            f"{self.file_name}: {self.rows_read:,} {rows} read, {self.kept:,} kept, "
            f"{self.duplicates:,} {duplicates}, {self.rejected:,} rejected"
        )
        if self.date_min is not None and self.date_max is not None:
            text += f"; reviews from {self.date_min:%Y-%m-%d} to {self.date_max:%Y-%m-%d}"
        return text + "."

    def to_dict(self) -> dict[str, Any]:
        """A plain-data copy (timestamps as ISO strings), e.g. for JSON or a UI table."""
        return {
            "file_name": self.file_name,
            "file_format": self.file_format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "rows_read": self.rows_read,
            "kept": self.kept,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "rejected_by_reason": dict(self.rejected_by_reason),
            "date_min": None if self.date_min is None else self.date_min.isoformat(),
            "date_max": None if self.date_max is None else self.date_max.isoformat(),
            "mapping": dict(self.mapping),
            "candidates": {k: list(v) for k, v in self.candidates.items()},
            "flag_columns": dict(self.flag_columns),
            "dayfirst": self.dayfirst,
            "rating_scale": self.rating_scale,
            "columns": list(self.columns),
            "warnings": list(self.warnings),
            "files": [f.to_dict() for f in self.files],
            "replies": None if self.replies is None else self.replies.to_dict(),
        }


@dataclass(frozen=True)
class ImportResult:
    """The outcome of :func:`scoring.ingest.load_reviews` / :func:`load_many`.

    Attributes:
        reviews: the canonical review table (see :mod:`scoring.reviews`), sorted by
            ``created_at`` with a fresh RangeIndex.
        rejected: the input rows that could not be used: the original columns as
            strings, plus ``row`` (the row number a spreadsheet shows, header = 1, for
            CSV/XLSX; the record number for JSON/Parquet; the line number for JSON
            Lines) and ``reason`` (a sentence). Multi-file imports add ``file``.
        duplicates: how many rows were dropped as duplicates.
        report: the :class:`ImportReport`.
        published_readings: the TrustScores saved Trustpilot pages displayed, oldest
            first (readings with the same score and count less than a minute apart
            count once; the report's warnings say how each was dated); empty for other
            files.
    """

    reviews: pd.DataFrame
    rejected: pd.DataFrame
    duplicates: int
    report: ImportReport
    published_readings: tuple[PublishedReading, ...] = ()
