"""The importer: review exports (CSV, XLSX, JSON, JSON Lines, Parquet, Google
Takeout, saved Trustpilot pages) -> the canonical review table, with a report of what
was kept, dropped as a duplicate or rejected and why.

Pure Python + pandas/pyarrow; no Streamlit. Modules, one concept each:
``readers`` (bytes -> raw table per format), ``columns`` (which column is which),
``ratings``, ``dates``, ``flags`` (counts / invited), ``takeout`` (Google Takeout
ZIPs), ``saved_page`` (a Trustpilot page saved as HTML, and the TrustScore it showed),
``report`` (ImportReport, ImportResult) and ``load`` (the orchestration).
"""

from scoring.ingest.load import DEFAULT_MAX_BYTES, load_many, load_reviews
from scoring.ingest.report import ImportReport, ImportResult

__all__ = ["DEFAULT_MAX_BYTES", "ImportReport", "ImportResult", "load_many", "load_reviews"]
