"""Which reader reads a file: :func:`read_table`, the one entry point.

The format is recognised from the content; the file name's extension only breaks
ties (``.jsonl``, ``.json``) and words messages. In this order:

* first bytes: a ZIP (an Excel workbook, a Google Takeout, else the one data file
  inside, read like an upload; :mod:`.archive`, :mod:`.excel`, :mod:`.takeout`),
  Parquet (:mod:`.parquet`), an Office binary file (old ``.xls`` or an encrypted
  workbook: refused, :mod:`.excel`), and other known binary formats (PDF, images,
  other archives, SQLite: refused, naming them);
* anything else is text, decoded as :mod:`.base` detects (or as the caller says),
  refused if it holds binary data: a saved web page (:mod:`.saved_page`; a page saved
  as MHTML is refused), JSON or JSON Lines (:mod:`.json_records`) when it starts with
  ``[`` or ``{`` (JSON Lines: two lines that each start with ``{``), else delimited
  text (:mod:`.delimited`). Text in a file named ``.xlsx``, ``.xlsm`` or ``.xls``
  is read, with a warning.

Dependencies go one way: this module imports the format modules, which import
:mod:`.base` (and :mod:`.json_records`, for records), never this module.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from scoring.errors import ReviewDataError
from scoring.ingest.readers.archive import check_archive, data_member, open_archive
from scoring.ingest.readers.base import (
    DEFAULT_MAX_BYTES,
    SAMPLE_BYTES,
    SUPPORTED_FORMATS,
    NotUtf8,
    RawTable,
    check_not_binary,
    decode_all,
    decodes,
    detect_encoding,
)
from scoring.ingest.readers.delimited import read_csv
from scoring.ingest.readers.excel import OLE_MAGIC, is_workbook, ole_error, read_xlsx
from scoring.ingest.readers.json_records import read_json, read_json_lines
from scoring.ingest.readers.parquet import read_parquet
from scoring.ingest.readers.saved_page import (
    looks_like_html,
    looks_like_mhtml,
    mhtml_error,
    read_saved_page,
)
from scoring.ingest.readers.takeout import is_takeout, read_takeout

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_PARQUET_MAGIC = b"PAR1"
#: Binary formats that are not review exports, refused by name.
_OTHER_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
)


def read_table(
    data: bytes, name: str, *, encoding: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> RawTable:
    """Read ``data`` (the bytes of the file called ``name``) into a :class:`RawTable`.

    Raises :class:`ReviewDataError` (without the file name; the caller adds it)
    for empty, binary, unsupported, corrupt, encrypted or oversized input, and for
    whatever else a parser throws on odd input (e.g. a ZIP member failing its CRC
    check), so callers other than ``load_reviews`` need catch only that.
    ``MemoryError`` passes through.
    """
    try:
        return _read_table(data, name, encoding=encoding, max_bytes=max_bytes)
    except (ReviewDataError, MemoryError, AssertionError):
        raise
    except Exception as exc:
        raise ReviewDataError(
            f"the file could not be read ({type(exc).__name__}: {exc}). Check that it is a "
            "review export in CSV, XLSX, JSON, JSON Lines or Parquet, or save it again as "
            "CSV (UTF-8)."
        ) from exc


def _read_table(data: bytes, name: str, *, encoding: str | None, max_bytes: int) -> RawTable:
    """Binary formats by their first bytes, then text (:func:`_read_text`)."""
    if len(data) == 0 or (not data[:SAMPLE_BYTES].strip() and not data.strip()):
        raise ReviewDataError(
            "the file is empty. Export the reviews again and upload the new file."
        )
    ext = PurePosixPath(name.lower()).suffix
    head = bytes(data[:16])
    if head.startswith(_ZIP_MAGIC):
        return _read_zip(data, name, max_bytes, encoding)
    if head.startswith(OLE_MAGIC):
        raise ole_error(data)
    if head.startswith(_PARQUET_MAGIC):
        return read_parquet(data, max_bytes)
    for magic, what in _OTHER_MAGIC:
        if head.startswith(magic):
            raise ReviewDataError(
                f"the file is {what}, not a review export. Upload {SUPPORTED_FORMATS}."
            )
    if ext == ".parquet":
        raise ReviewDataError(
            "the file is named .parquet but is not a Parquet file (damaged or renamed)."
        )
    table = _read_text(data, ext, encoding)
    if ext in (".xlsx", ".xlsm", ".xls"):
        # Some tools "export to Excel" as text; read it, but say so.
        table.warnings.insert(
            0, f"the file is named {ext} but holds text; it was read as {table.file_format}."
        )
    return table


def _read_zip(data: bytes, name: str, max_bytes: int, encoding: str | None) -> RawTable:
    """A ZIP archive: an Excel workbook, a Google Takeout, else the one data file
    inside, read as if it had been uploaded on its own."""
    archive = open_archive(data, name)
    with archive:
        check_archive(archive, max_bytes)
        names = archive.namelist()
        if is_workbook(names):
            return read_xlsx(data)
        if is_takeout(names):
            return read_takeout(archive, max_bytes)
        member = data_member(names)
        table = read_table(archive.read(member), member, encoding=encoding, max_bytes=max_bytes)
        table.warnings.insert(0, f"read {member!r} from inside the ZIP archive.")
        return table


def _read_text(data: bytes, ext: str, encoding: str | None) -> RawTable:
    """Text: a saved web page, JSON, JSON Lines or delimited text, by its content (the
    extension breaks ties)."""
    # For speed UTF-8 is first judged on a sample; the readers check the rest (Arrow
    # validates UTF-8 as it parses) and a failure sends us back for a full check.
    label, codec, bom = detect_encoding(data, encoding, sample_only=True)
    guessed = encoding is None and codec == "utf-8" and len(data) > SAMPLE_BYTES
    try:
        return _read_text_as(data, ext, encoding, label, codec, bom, verified=not guessed)
    except NotUtf8:
        label, codec, bom = detect_encoding(data, encoding)
        return _read_text_as(data, ext, encoding, label, codec, bom, verified=True)


def _read_text_as(
    data: bytes,
    ext: str,
    encoding: str | None,
    label: str,
    codec: str,
    bom: int,
    *,
    verified: bool,
) -> RawTable:
    if len(data) - bom <= SAMPLE_BYTES:
        sample = decode_all(data, codec, bom, label)
    else:
        if encoding is not None and codec == "utf-8" and not decodes(data[bom:], "utf-8"):
            decode_all(data, codec, bom, label)  # raises, naming the offending byte
        sample = bytes(data[bom : bom + SAMPLE_BYTES]).decode(codec, errors="ignore")
    check_not_binary(sample)
    if looks_like_mhtml(sample):
        raise mhtml_error()
    if looks_like_html(sample):
        if not verified and not decodes(data[bom:], codec):
            raise NotUtf8
        table = read_saved_page(decode_all(data, codec, bom, label))
        table.encoding = label
        return table
    first = sample.lstrip()[:1]
    is_json_lines = ext in (".jsonl", ".ndjson") or (
        first == "{" and ext != ".json" and _looks_like_jsonl(sample)
    )
    if is_json_lines or first in ("[", "{") or ext == ".json":
        if not verified and not decodes(data[bom:], codec):
            raise NotUtf8
        text = decode_all(data, codec, bom, label)
        table = read_json_lines(text) if is_json_lines else read_json(text)
    else:
        table = read_csv(data, codec, bom, label, sample, verified=verified)
    table.encoding = label
    return table


def _looks_like_jsonl(sample: str) -> bool:
    lines = [ln.strip() for ln in sample.split("\n")[:5] if ln.strip()]
    return len(lines) >= 2 and all(ln.startswith("{") for ln in lines[:2])
