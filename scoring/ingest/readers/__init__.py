"""Bytes -> raw table: the importer's file readers, one module per format.

:func:`read_table` recognises the format from the content (the file name's
extension is only a hint), decodes text, and returns a :class:`RawTable`: a
DataFrame whose columns are the file's columns. CSV, XLSX and JSON values are
strings (missing values are NA); Parquet keeps its typed columns. Nothing here
knows what a review is: mapping and parsing happen in the other ``scoring.ingest``
modules.

Modules, one concept each (each docstring says what it reads and its limits):

``base``
    what every reader shares: :class:`RawTable`, :class:`PageFacts`, the size, column
    and cell limits, encoding detection and decoding, header and cell clean-up;
``dispatch``
    :func:`read_table`: which reader reads a file (magic bytes, then text sniffing);
``delimited``
    CSV, TSV and other delimited text (separator sniffing, an Excel ``sep=`` line);
``json_records``
    JSON, JSON Lines, and records -> table for the readers below;
``parquet``
    Parquet files;
``excel``
    XLSX workbooks (and the refusal of ``.xls`` and encrypted workbooks);
``archive``
    ZIP archives: opened against bombs and encryption, the data file inside found;
``takeout``
    Google Takeout ZIPs of a Business Profile;
``saved_page``
    a Trustpilot review page saved as HTML, and the TrustScore it showed.

Imports go one way: ``dispatch`` -> the format modules -> ``base``.
"""

from scoring.ingest.readers.base import (
    DEFAULT_MAX_BYTES,
    MAX_CELLS,
    MAX_COLUMNS,
    SUPPORTED_FORMATS,
    PageFacts,
    RawTable,
    cell_text,
    detect_encoding,
)
from scoring.ingest.readers.delimited import sniff_delimiter
from scoring.ingest.readers.dispatch import read_table
from scoring.ingest.readers.json_records import frame_from_records, records_from_json
from scoring.ingest.readers.saved_page import published_reading

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_CELLS",
    "MAX_COLUMNS",
    "SUPPORTED_FORMATS",
    "PageFacts",
    "RawTable",
    "cell_text",
    "detect_encoding",
    "frame_from_records",
    "published_reading",
    "read_table",
    "records_from_json",
    "sniff_delimiter",
]
