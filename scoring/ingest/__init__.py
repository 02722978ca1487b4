"""The importer: review exports (CSV, XLSX, JSON, JSON Lines, Parquet, Google
Takeout, saved Trustpilot pages) -> the canonical review table, with a report of what
was kept, dropped as a duplicate or rejected and why.

Pure Python + pandas/pyarrow; no Streamlit. Public: :func:`load_reviews` and
:func:`load_many` (import), :func:`raw_columns` (a file's columns before mapping, for
a mapping editor), :class:`ImportReport`, :class:`ImportResult`,
:class:`ReplyReport` (what a file says about the company's replies) and
:data:`DEFAULT_MAX_BYTES`.

Modules, one concept each:

``readers``
    bytes -> raw table, a package with one module per format (``base``, ``dispatch``,
    ``delimited``, ``json_records``, ``parquet``, ``excel``, ``archive``, ``takeout``
    for Google Takeout ZIPs, ``saved_page`` for a Trustpilot page saved as HTML and
    the TrustScore it showed; see its docstring);
``columns``
    which column is which;
``ratings``, ``dates``, ``flags``, ``review_ids``
    parsing star ratings; dates; the counts / invited flags; dates from Trustpilot
    review ids;
``replies``
    the company's replies: ``replied`` and ``reply_at`` from a reply date, text or
    yes/no column, and their summary (suspicious and unreadable reply dates);
``report``
    :class:`ImportReport`, :class:`ImportResult` and :class:`ReplyReport`;
``load``
    the orchestration: a file (or several) -> canonical table + report.
"""

from scoring.ingest.load import load_many, load_reviews, raw_columns
from scoring.ingest.readers import DEFAULT_MAX_BYTES
from scoring.ingest.report import ImportReport, ImportResult, ReplyReport

__all__ = [
    "DEFAULT_MAX_BYTES",
    "ImportReport",
    "ImportResult",
    "ReplyReport",
    "load_many",
    "load_reviews",
    "raw_columns",
]
