"""ZIP archives: opening them safely, and finding the review file inside.

An archive is opened (:func:`open_archive`) and checked (:func:`check_archive`) before
any member is read: password-protected archives are refused, and so are decompression
bombs, from the sizes the archive declares: a total above
:data:`~.base.UNPACKED_FACTOR` x ``max_bytes``, or a member above
:data:`RATIO_CHECK_BYTES` that compresses better than :data:`MAX_RATIO`:1. A member
that inflates to more than it declares is cut off at its declared size by
``zipfile`` and fails its CRC check; :func:`~.dispatch.read_table` reports that as
an unreadable file.

What the archive holds is decided by the dispatcher (an Excel workbook, a Google
Takeout, else the one data file :func:`data_member` names, read like an upload);
this module reads no format.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from scoring.errors import ReviewDataError
from scoring.ingest.readers.base import SUPPORTED_FORMATS, UNPACKED_FACTOR

#: Members above this size must not compress better than MAX_RATIO (zip bomb).
RATIO_CHECK_BYTES = 10 * 1024 * 1024
MAX_RATIO = 200
#: Extensions of the members that can hold reviews.
DATA_EXTENSIONS = (".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson", ".xlsx", ".parquet",
                   ".html", ".htm")


def open_archive(data: bytes, name: str) -> zipfile.ZipFile:
    """The ZIP archive (or Excel workbook) ``data``, opened but no member read yet;
    a damaged one raises :class:`ReviewDataError` (``name`` says which it was meant to be)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        what = "Excel workbook" if name.lower().endswith((".xlsx", ".xlsm")) else "ZIP archive"
        raise ReviewDataError(
            f"the {what} is damaged and cannot be opened ({exc}). Open it again in the "
            "program that made it and save a new copy, or export CSV."
        ) from None
    return archive


def check_archive(archive: zipfile.ZipFile, max_bytes: int) -> None:
    """Refuse decompression bombs and encrypted archives before reading any member."""
    limit = UNPACKED_FACTOR * max_bytes
    total = 0
    for info in archive.infolist():
        if info.flag_bits & 0x1:
            raise ReviewDataError(
                "the ZIP archive is password-protected. Extract it and upload the files, "
                "or export it again without a password."
            )
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_CHECK_BYTES and ratio > MAX_RATIO:
            raise ReviewDataError(
                f"the archive member {info.filename!r} would unpack to "
                f"{info.file_size / 1e6:,.0f} MB from {info.compress_size / 1e3:,.0f} kB "
                f"(ratio {ratio:,.0f}:1): this looks like a decompression bomb and was not "
                "opened."
            )
    if total > limit:
        raise ReviewDataError(
            f"the archive would unpack to {total / 1e6:,.0f} MB, more than {UNPACKED_FACTOR} x "
            f"the {max_bytes / 1e6:,.0f} MB limit (possibly a decompression bomb). Split the "
            "export, or raise max_bytes if you trust the file."
        )


def data_member(names: list[str]) -> str:
    """The one member of an archive (its member ``names``) that can hold reviews:
    a data file by its extension, not a folder, nor macOS or Office litter (``._x``,
    ``~$x``). None or several raise :class:`ReviewDataError`."""
    inner = [
        n
        for n in names
        if not n.endswith("/")
        and PurePosixPath(n.lower()).suffix in DATA_EXTENSIONS
        and not PurePosixPath(n).name.startswith(("._", "~$"))
    ]
    if len(inner) == 1:
        return inner[0]
    shown = ", ".join(repr(n) for n in names[:8]) + (" ..." if len(names) > 8 else "")
    if not inner:
        raise ReviewDataError(
            f"the ZIP archive holds no review file ({shown or 'it is empty'}). Upload "
            f"{SUPPORTED_FORMATS}."
        )
    raise ReviewDataError(
        f"the ZIP archive holds {len(inner)} data files ({shown}); upload them "
        "unpacked (several files can be loaded together)."
    )
