"""What an import did: the :class:`ImportReport` and the :class:`ImportResult`.

Every input row ends up in exactly one of three places, so the accounting
``kept + duplicates + rejected == rows_read`` holds for every report; the
constructor checks it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from scoring.readings import PublishedReading


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
