"""Benchmark of the reply figures (:mod:`scoring.replies`) on a realistic export.

Each figure the Replies page shows is timed alone on ``rows`` reviews with every column
of a Trustpilot export (``benchmarks.data.canonical_reviews(columns="export")``): the
profile summary, the monthly table of all and of 1-2 star reviews, the table by stars,
the answered-within curve and the backlog. Target: each at most 1 s at 1,000,000
reviews, measured after the data is loaded (the page caches them, so a rerun that
changes nothing about replies costs nothing). Run alone with
``python -m benchmarks.bench_replies`` (prints JSON).
"""

from __future__ import annotations

import json
import time

import pandas as pd

from benchmarks.data import canonical_reviews
from benchmarks.timing import measure
from scoring import replies

TARGET_S = 1.0
TARGET_ROWS = 1_000_000


def bench_replies(rows: int = TARGET_ROWS, repeats: int = 5) -> dict[str, object]:
    """Medians of each reply figure on ``rows`` reviews; a dict of timings and counts."""
    began = time.perf_counter()
    reviews = canonical_reviews(rows, columns="export")
    generate_s = time.perf_counter() - began
    as_of = reviews["created_at"].max()
    negative = reviews[reviews["rating"].isin(replies.NEGATIVE_STARS)]
    calls = {
        "summary": lambda: replies.reply_summary(reviews, as_of=as_of),
        "monthly": lambda: replies.reply_table(reviews, by="period", freq="M", as_of=as_of),
        "monthly_negative": lambda: replies.reply_table(negative, by="period", freq="M",
                                                        as_of=as_of),
        "by_stars": lambda: replies.reply_table(reviews, by="stars", as_of=as_of),
        "curve": lambda: replies.answered_within(
            reviews, as_of=as_of, since=as_of - pd.Timedelta(days=365)),
        "backlog": lambda: replies.backlog(reviews, as_of=as_of),
    }
    result: dict[str, object] = {"rows": rows, "generate_s": generate_s}
    for name, call in calls.items():
        result[name] = measure(call, repeats).as_dict()
    summary = replies.reply_summary(reviews, as_of=as_of)
    result["replied_share"] = summary.reply_rate
    result["waiting"] = len(replies.backlog(reviews, as_of=as_of))
    return result


if __name__ == "__main__":
    print(json.dumps(bench_replies(), indent=2, default=str))
