"""Company replies: the canonical ``replied`` and ``reply_at``, and the report's
:class:`~.report.ReplyReport`.

A file can say three things about a review's reply (the aliases are in
:mod:`.columns`): when it was written (a reply date: ``Company Reply Date (UTC)``,
``companyReply.createdAt``, ``reply.publishedDate``, ``reviewReply.updateTime``), what
it says (a reply text: ``Company Response``, ``companyReply.text``, ``reply.message``,
``reviewReply.comment``, a scrape's owner-response column) and whether there is one (a
yes/no column: ``replied``, ``has_reply``, ``responded``). From whichever are mapped:

- ``reply_at``: the reply date in UTC; NaT where it is empty or cannot be read. A reply
  date never fails an import: unreadable ones are counted for the report.
- ``replied``: True where a reply date was read, a reply text is there or the flag says
  yes; False where the file says there is none (the flag says no, or the reply date is
  empty and there is no reply text); NA where the row cannot tell (an unreadable reply
  date and nothing else, an empty flag).

A reply dated before its review is kept as it is and counted as suspicious, with its
row number. A reply date at midnight UTC is taken as a date without a time: it is
before its review only when its day is before the review's day (a same-day reply to a
review written at 10:00 is not suspicious).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scoring.ingest.dates import (
    AMBIGUOUS,
    MISSING,
    NEEDS_REFERENCE,
    OK,
    parse_dates,
    today_example,
)
from scoring.ingest.flags import parse_bools
from scoring.ingest.report import SHOWN_ROWS, ReplyReport

_DAY_US = 86_400_000_000


@dataclass(frozen=True)
class Replies:
    """The reply columns of the kept reviews (aligned with them) and their summary.

    ``reply_at`` is ``None`` when no reply date column was mapped; ``notes`` are
    sentences for the report's warnings (how to read reply dates left empty)."""

    replied: pd.Series
    reply_at: pd.Series | None
    summary: ReplyReport
    notes: list[str] = field(default_factory=list)


def read_replies(
    *,
    created_micros: np.ndarray,
    rows: np.ndarray,
    dates: pd.Series | None = None,
    date_column: str = "reply date",
    text: pd.Series | None = None,
    flags: pd.Series | None = None,
    dayfirst: bool | None = None,
    reference_date: pd.Timestamp | None = None,
) -> Replies | None:
    """The replies of the kept reviews, or ``None`` when nothing about replies is mapped.

    Args:
        created_micros: each review's ``created_at`` in microseconds (UTC).
        rows: each review's row number in the file (for the suspicious dates).
        dates: the reply date column (raw values), if mapped; ``date_column`` its name.
        text: the reply text, cleaned (NA where there is none), if mapped.
        flags: the yes/no column, if mapped.
        dayfirst, reference_date: as for the review dates (numeric and relative dates).
    """
    if dates is None and text is None and flags is None:
        return None
    n = len(created_micros)
    yes = np.zeros(n, dtype=bool)
    # The date and text columns say "no reply" only where every one mapped is empty.
    says_no = np.full(n, dates is not None or text is not None)
    notes: list[str] = []
    reply_at = None
    dated = np.zeros(n, dtype=bool)
    unreadable = 0
    before = np.zeros(n, dtype=bool)
    if dates is not None:
        parsed = parse_dates(
            dates.reset_index(drop=True),
            dayfirst=dayfirst,
            reference_date=reference_date,
            column=date_column,
            strict=False,
        )
        reply_at = parsed.as_series()
        dated = parsed.status == OK
        yes |= dated
        says_no &= parsed.status == MISSING
        unreadable = int((~np.isin(parsed.status, (OK, MISSING))).sum())
        notes += parsed.notes
        for code, fix in (
            (
                AMBIGUOUS,
                "can be read day-first or month-first and were left empty. Pass "
                "dayfirst=True (DD/MM/YYYY) or dayfirst=False (MM/DD/YYYY) to read them",
            ),
            (
                NEEDS_REFERENCE,
                "are relative ('a year ago') and were left empty. Pass reference_date= that "
                f"day (e.g. reference_date='{today_example()}' if the file was made today) "
                "to read them",
            ),
        ):
            count = int((parsed.status == code).sum())
            if count:
                notes.append(f"{count:,} reply dates in {date_column!r} {fix}.")
        before = _before_review(parsed.micros, dated, created_micros)
    if text is not None:
        present = (text.notna() & (text.astype("str").str.strip() != "")).fillna(False)
        written = present.to_numpy(dtype=bool)
        yes |= written
        says_no &= ~written
    if flags is not None:
        flag = parse_bools(flags.reset_index(drop=True))
        yes |= flag.fillna(False).to_numpy(dtype=bool)
        says_no |= (~flag).fillna(False).to_numpy(dtype=bool)
    no = ~yes & says_no
    values = pd.array(yes, dtype="boolean")
    values[~yes & ~no] = pd.NA
    replied_count = int(yes.sum())
    with_date = int(dated.sum())
    summary = ReplyReport(
        reviews=n,
        replied=replied_count,
        with_date=with_date,
        without_date=replied_count - with_date,
        not_replied=int(no.sum()),
        unknown=n - replied_count - int(no.sum()),
        before_review=int(before.sum()),
        before_review_rows=tuple(int(row) for row in rows[before][:SHOWN_ROWS]),
        unreadable_dates=unreadable,
        dated=dates is not None,
    )
    return Replies(pd.Series(values), reply_at, summary, notes)


def _before_review(reply: np.ndarray, dated: np.ndarray, created: np.ndarray) -> np.ndarray:
    """Replies dated before their review (a reply at midnight: before its day)."""
    midnight = dated & (reply % _DAY_US == 0)
    review_day = created - created % _DAY_US
    return dated & np.where(midnight, reply < review_day, reply < created)


def combine_summaries(
    files: Sequence[tuple[str, ReplyReport | None]],
    replied: pd.Series | None,
    reply_at: pd.Series | None,
) -> ReplyReport | None:
    """The reply summary of several files imported together.

    ``replied`` and ``reply_at`` are the combined table's columns: the reply counts come
    from them (reviews in more than one file count once; files that say nothing about
    replies count as "cannot tell"). Suspicious and unreadable reply dates are those of
    each file, the rows shown named by their file."""
    if replied is None:
        return None
    summaries = [(name, summary) for name, summary in files if summary is not None]
    yes = replied.fillna(False).to_numpy(dtype=bool)
    no = (~replied).fillna(False).to_numpy(dtype=bool)
    dated = yes & (reply_at.notna().to_numpy() if reply_at is not None else False)
    shown = [
        (name, row) for name, summary in summaries for row in summary.before_review_rows
    ][:SHOWN_ROWS]
    return ReplyReport(
        reviews=len(replied),
        replied=int(yes.sum()),
        with_date=int(dated.sum()),
        without_date=int((yes & ~dated).sum()),
        not_replied=int(no.sum()),
        unknown=int((~yes & ~no).sum()),
        before_review=sum(summary.before_review for _, summary in summaries),
        before_review_rows=tuple(row for _, row in shown),
        before_review_files=tuple(name for name, _ in shown),
        unreadable_dates=sum(summary.unreadable_dates for _, summary in summaries),
        dated=any(summary.dated for _, summary in summaries),
    )
