"""Builders of hostile and broken review files, shared by the corpus script, the
hypothesis strategies, the big cases and the hostile-text browser test.

Everything is deterministic (fixed ZIP timestamps, seeded randomness) so
``make_corpus.py`` writes the same bytes on every run.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import pyarrow as pa
import pyarrow.parquet as pq

ZIP_TIME = (2024, 1, 1, 0, 0, 0)

#: Text meant to break the page it is shown on: HTML, script, markdown, Streamlit
#: directives, formulas, very long words, right-to-left and zero-width characters.
HOSTILE_STRINGS: tuple[str, ...] = (
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=2">',
    "<b>bold tag</b> & <i>italic</i> &amp; &lt;escaped&gt;",
    "**bold** _italic_ `code` ~~strike~~",
    "[link](javascript:alert(1))",
    ":red[x] :material/warning: $x^2$",
    "# heading\n- list item",
    '<a href="javascript:window.__pwned=3">click</a>',
    '<svg onload="window.__pwned=4"></svg>',
    "<iframe src=\"javascript:window.__pwned=5\"></iframe>",
    "=HYPERLINK(\"http://evil.example\",\"x\")",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "Supercalifragilistic" * 25,
    "\u202egnp.exe\u202c right-to-left override",
    "שלום עולם مرحبا بالعالم",
    "zero\u200bwidth\u200c\u200djoiner\ufeff",
    "{{7*7}} ${7*7} %s %n",
    "'; DROP TABLE reviews; --",
    "..\\..\\etc\\passwd ../../etc/passwd",
)


# ------------------------------- spreadsheets -------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Reviews" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA, 16384 -> XFD."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xlsx_cell(ref: str, value: object) -> str:
    """One ``<c>`` element: numbers as numbers, anything else as an inline string."""
    if value is None:
        return f'<c r="{ref}"/>'
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = "".join(ch for ch in str(value) if ch in "\t\n\r" or ord(ch) >= 32)  # XML 1.0
    text = "".join(
        ch for ch in text if not 0xD800 <= ord(ch) <= 0xDFFF and ch not in "\ufffe\uffff"
    )
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def xlsx_rows(rows: Sequence[Sequence[object]], first_row: int = 1) -> str:
    """``<row>`` elements for a list of rows of values."""
    out = []
    for offset, row in enumerate(rows):
        number = first_row + offset
        cells = "".join(
            xlsx_cell(f"{column_letter(i + 1)}{number}", v) for i, v in enumerate(row)
        )
        out.append(f'<row r="{number}">{cells}</row>')
    return "".join(out)


def xlsx_from_sheet_xml(sheet_data: str, dimension: str | None = None) -> bytes:
    """A minimal but valid workbook whose one sheet holds ``sheet_data`` (``<row>``s)."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{sheet_data}</sheetData></worksheet>"
    )
    return zip_bytes([*xlsx_parts(), ("xl/worksheets/sheet1.xml", sheet)])


def xlsx(rows: Sequence[Sequence[object]], dimension: str | None = None) -> bytes:
    return xlsx_from_sheet_xml(xlsx_rows(rows), dimension)


# ---------------------------------- archives --------------------------------


def zip_bytes(members: Iterable[tuple[str, str | bytes]], *, stored: bool = False) -> bytes:
    """A ZIP archive of ``(name, content)`` members with a fixed timestamp."""
    buffer = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = method
            archive.writestr(info, content)
    return buffer.getvalue()


def zip_bomb(
    path: str | Path,
    member: str,
    size: int,
    *,
    chunk: bytes = bytes(1 << 20),
    others: Sequence[tuple[str, str | bytes]] = (),
) -> None:
    """Write a ZIP whose member ``member`` is ``chunk`` repeated up to ``size`` bytes
    (zeros by default: deflate packs them ~1000:1), after the small ``others``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, content in others:
            archive.writestr(zipfile.ZipInfo(name, date_time=ZIP_TIME), content)
        info = zipfile.ZipInfo(member, date_time=ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=size > 0xFFFFFFFF) as handle:
            left = size
            while left > 0:
                handle.write(chunk[: min(len(chunk), left)])
                left -= len(chunk)


def xlsx_parts() -> list[tuple[str, str]]:
    """The parts of a workbook other than its sheet."""
    return [
        ("[Content_Types].xml", _CONTENT_TYPES),
        ("_rels/.rels", _RELS),
        ("xl/workbook.xml", _WORKBOOK),
        ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
    ]


def lying_zip(member: str, real_size: int, claimed_size: int) -> bytes:
    """A ZIP whose member inflates to about ``real_size`` bytes of CSV rows while its
    local header and central directory both claim ``claimed_size``."""
    block = b"2024-01-01,5,ok\n" * 4096
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts = [compressor.compress(b"date,rating,text\n")]
    crc = zlib.crc32(b"date,rating,text\n")
    for _ in range(max(1, real_size // len(block))):
        parts.append(compressor.compress(block))
        crc = zlib.crc32(block, crc)
    parts.append(compressor.flush())
    stream = b"".join(parts)
    name = member.encode()
    local = struct.pack(
        "<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0x5821, crc, len(stream), claimed_size,
        len(name), 0,
    )
    central = struct.pack(
        "<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x5821, crc, len(stream),
        claimed_size, len(name), 0, 0, 0, 0, 0, 0,
    )
    offset = len(local) + len(name) + len(stream)
    end = struct.pack(
        "<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(central) + len(name), offset, 0
    )
    return local + name + stream + central + name + end


def encrypted_flag_zip() -> bytes:
    """A ZIP whose member has the 'encrypted' flag bit set."""
    data = bytearray(zip_bytes([("reviews.csv", "date,rating\n2024-01-01,5\n")], stored=True))
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        data[at + flag_offset] |= 0x1
    return bytes(data)


# ---------------------------------- parquet ---------------------------------


def parquet_bytes(table: pa.Table, **options: object) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink, **options)
    return sink.getvalue()


# ----------------------------------- json -----------------------------------


def nested_json(depth: int, kind: str = "array") -> bytes:
    """``[[[...]]]`` or ``{"a":{"a":...}}`` nested ``depth`` deep."""
    if kind == "array":
        return b"[" * depth + b"]" * depth
    return b'{"a":' * depth + b"1" + b"}" * depth


def records_json(records: list[dict]) -> bytes:
    return json.dumps(records, ensure_ascii=False).encode("utf-8")


# ---------------------------- saved Trustpilot pages -------------------------


def next_data_json(data: object) -> str:
    """JSON as Next.js writes it into a page: ``<``, ``>`` and ``&`` escaped."""
    text = json.dumps(data, ensure_ascii=False)
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escaped)
    return text


def saved_page(script: str, head: str = "") -> bytes:
    """A saved web page whose ``__NEXT_DATA__`` script holds ``script`` verbatim."""
    return (
        "<!DOCTYPE html><html><head><title>Reviews | Trustpilot</title>" + head + "</head>"
        "<body><div id=\"__next\"></div><script id=\"__NEXT_DATA__\" "
        "type=\"application/json\">" + script + "</script></body></html>"
    ).encode("utf-8")


def page_data(reviews: object, unit: object = None) -> dict:
    """Trustpilot's page data (``props.pageProps``) around ``reviews`` and a
    ``businessUnit``."""
    props: dict[str, object] = {"reviews": reviews}
    if unit is not None:
        props["businessUnit"] = unit
    return {"props": {"pageProps": props}, "page": "/review/[businessUnit]"}


def page_review(date: object, rating: object, *, updated: object = None,
                **fields: object) -> dict:
    """A review in Trustpilot's page-data shape (``updated``: ``dates.updatedDate``; a
    ``reply`` field as :func:`page_reply` makes it)."""
    dates = {"publishedDate": date} if updated is None else {"publishedDate": date,
                                                             "updatedDate": updated}
    return {"id": fields.pop("id", None), "rating": rating, "filtered": False,
            "pending": False, "dates": dates, **fields}


def page_reply(message: object, published: object = None, updated: object = None) -> dict:
    """The company's reply in Trustpilot's page-data shape."""
    return {"message": message, "publishedDate": published, "updatedDate": updated}


# ------------------------------ hostile tables ------------------------------


def hostile_text_rows(company_prefix: str = "") -> list[dict[str, object]]:
    """Reviews whose titles, texts, companies and locations are all hostile strings:
    two companies and two locations, each hostile string appears at least once."""
    companies = (f"{company_prefix}<b>Acme</b> **Corp**", f"{company_prefix}[Evil](javascript:x)")
    locations = ('<img src=x onerror="window.__pwned=6">', ":red[Zürich] \u202eRTL")
    rows = []
    for i, text in enumerate(HOSTILE_STRINGS):
        rows.append(
            {
                "date": f"2024-{1 + i % 12:02d}-{1 + i:02d}",
                "rating": 1 + i % 5,
                "title": HOSTILE_STRINGS[(i + 3) % len(HOSTILE_STRINGS)],
                "text": text,
                "company": companies[i % 2],
                "location": locations[(i // 2) % 2],
            }
        )
    return rows
