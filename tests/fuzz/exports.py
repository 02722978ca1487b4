"""Well-formed review exports, in every format the importer reads, and what importing
one must give back: every row kept, none rejected, none a duplicate, each review's
date, stars and text as written.

The property tests (``tests/unit/test_ingest_properties.py``) and the fuzz campaign
(``strategies.py``) assert this besides "refused or sound accounting": without it, a
reader that refused every file, or dropped rows, would pass them.

An export: a review id, a date (one ISO 8601 layout per file), a 1-5 star rating and
a free text (letters of any script, digits, punctuation, symbols, separators, quotes
and line breaks), under headers real exports use, in any column order; in some exports
also the company's replies (a reply date in the same layout and a reply text; a review
has none, a dated reply or a reply without a date), which must come back as
``replied``, ``reply_at`` and ``reply_text``. Formats: CSV
(separator, quoting, line ending and encoding drawn; cp1252 text only uses cp1252
characters), JSON (an array, or a ``{"reviews": [...]}`` object), JSON Lines,
Parquet (dates as text or as timestamps), XLSX, a ZIP holding a CSV, and a saved
Trustpilot page.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa
from hypothesis import strategies as st

from scoring.ingest import ImportResult
from tests.fuzz import builders
from tests.helpers import assert_accounting

FORMS = ("csv", "json", "jsonl", "parquet", "xlsx", "csv-in-zip", "saved-page")
#: Headers real exports use (all recognised by name), per field.
HEADERS = {
    "id": ("id", "Review ID", "reviewId"),
    "date": ("date", "Review Created (UTC)", "created_at", "published", "Datum"),
    "rating": ("rating", "Review Stars", "stars", "Sterne"),
    "text": ("text", "Review Content", "comment", "Kommentar"),
}
#: Reply headers real exports use (all recognised by name), per field.
REPLY_HEADERS = {
    "reply_at": ("Company Reply Date (UTC)", "Business Reply Date (UTC)", "replyDate",
                 "reply_publishedDate"),
    "reply_text": ("Company Response", "replyText", "Owner Response", "reply_message"),
}
DATE_LAYOUTS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S+00:00", "%Y-%m-%d")
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1252")


@dataclass(frozen=True)
class Review:
    """One review as written to the file (``at`` in UTC, whole seconds)."""

    review_id: str
    at: pd.Timestamp
    stars: int
    text: str
    reply: str | None = None  # the reply text (None: no reply)
    reply_at: pd.Timestamp | None = None  # None: no reply, or a reply without a date


@dataclass(frozen=True)
class Export:
    """A well-formed export: its bytes, file name and format, the options to import it
    with, and the reviews it holds."""

    data: bytes
    name: str
    form: str
    reviews: tuple[Review, ...]
    options: dict[str, object] = field(default_factory=dict)
    replies: bool = False  # whether the file has reply columns


def texts(codec: str = "utf-8") -> st.SearchStrategy[str]:
    """Free text a reviewer may write, encodable in ``codec``. Not U+FFFD: the importer
    counts replacement characters as signs of binary data (a few in a small file
    refuse it), so text holding them is not well-formed here."""
    letters = st.characters(codec=codec, categories=("L", "M", "N", "P", "S", "Zs"),
                            exclude_characters="\ufffd")
    special = st.sampled_from([",", ";", "\t", "|", '"', "'", "\n", "\r\n", " ", "=1+1"])
    return st.lists(st.one_of(letters, special), max_size=40).map("".join)


@st.composite
def well_formed_exports(draw: st.DrawFn, forms: tuple[str, ...] = FORMS) -> Export:
    """An export in one of ``forms`` with 1 to 15 reviews."""
    form = draw(st.sampled_from(forms))
    encoding = draw(st.sampled_from(ENCODINGS)) if form in ("csv", "csv-in-zip") else "utf-8"
    count = draw(st.integers(1, 15))
    moments = draw(st.lists(
        st.datetimes(min_value=dt.datetime(2005, 1, 1), max_value=dt.datetime(2035, 12, 31)),
        min_size=count, max_size=count,
    ))
    layout = draw(st.sampled_from(DATE_LAYOUTS))
    stars = draw(st.lists(st.integers(1, 5), min_size=count, max_size=count))
    codec = "cp1252" if encoding == "cp1252" else "utf-8"
    words = draw(st.lists(texts(codec), min_size=count, max_size=count))
    with_replies = draw(st.booleans())
    # Per review: no reply, a dated reply, or a reply without a date. A reply text starts
    # with a word, so that a column of short texts never reads as yes/no values.
    kinds = draw(st.lists(st.sampled_from(["none", "dated", "undated"]), min_size=count,
                          max_size=count)) if with_replies else ["none"] * count
    answers = draw(st.lists(texts(codec), min_size=count, max_size=count))
    reply_moments = draw(st.lists(
        st.datetimes(min_value=dt.datetime(2005, 1, 1), max_value=dt.datetime(2035, 12, 31)),
        min_size=count, max_size=count,
    ))
    reviews = []
    written = []  # the date as the file writes it
    written_replies = []  # (reply date as written, reply text as written)
    for i, (moment, star, text) in enumerate(zip(moments, stars, words, strict=True)):
        stamp = _stamp(moment, layout)
        written.append(stamp.strftime(layout))
        kind = kinds[i]
        reply = None if kind == "none" else "Thanks " + answers[i]
        reply_stamp = _stamp(reply_moments[i], layout) if kind == "dated" else None
        written_replies.append(
            ("" if reply_stamp is None else reply_stamp.strftime(layout), reply or "")
        )
        reviews.append(Review(
            f"r{i}", pd.Timestamp(stamp, tz="UTC"), star, text, reply,
            None if reply_stamp is None else pd.Timestamp(reply_stamp, tz="UTC"),
        ))
    fields = {**HEADERS, **(REPLY_HEADERS if with_replies else {})}
    names = {key: draw(st.sampled_from(choices)) for key, choices in fields.items()}
    order = draw(st.permutations(list(fields)))
    rows = [
        {"id": r.review_id, "date": when, "rating": r.stars, "text": r.text,
         "reply_at": reply_when, "reply_text": reply_text}
        for r, when, (reply_when, reply_text) in zip(reviews, written, written_replies,
                                                     strict=True)
    ]
    options: dict[str, object] = {}
    if form in ("csv", "csv-in-zip"):
        data = _csv(draw, rows, names, order, encoding)
        if encoding == "cp1252" and _decodes_as_utf8(data):
            # cp1252 bytes that are also valid UTF-8 read as UTF-8 (the detection cannot
            # tell): a user would name the encoding, as here.
            options["encoding"] = "cp1252"
        name = "reviews.csv"
        if form == "csv-in-zip":
            data, name = builders.zip_bytes([("export/reviews.csv", data)]), "export.zip"
    elif form in ("json", "jsonl"):
        records = [{names[key]: row[key] for key in order} for row in rows]
        if form == "jsonl":
            data = "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode()
            name = "reviews.jsonl"
        else:
            document = {"reviews": records} if draw(st.booleans()) else records
            data, name = json.dumps(document, ensure_ascii=False).encode(), "reviews.json"
    elif form == "parquet":
        typed = draw(st.booleans())
        columns = {
            "id": pa.array([r.review_id for r in reviews]),
            "date": (pa.array([r.at for r in reviews], pa.timestamp("s", tz="UTC")) if typed
                     else pa.array(written)),
            "rating": pa.array([r.stars for r in reviews], pa.int64()),
            "text": pa.array([r.text for r in reviews]),
            "reply_at": (
                pa.array([r.reply_at for r in reviews], pa.timestamp("s", tz="UTC")) if typed
                else pa.array([when for when, _ in written_replies])
            ),
            "reply_text": pa.array([r.reply for r in reviews], pa.string()),
        }
        data = builders.parquet_bytes(pa.table({names[k]: columns[k] for k in order}))
        name = "reviews.parquet"
    elif form == "xlsx":
        sheet = [[names[key] for key in order]]
        sheet += [[row[key] for key in order] for row in rows]
        data, name = builders.xlsx(sheet), "reviews.xlsx"
    else:  # saved-page: Trustpilot's own page data, headers fixed
        # Trustpilot writes "reply": null for a review without one; a page without reply
        # fields says nothing about replies.
        replies = [
            {"reply": None if r.reply is None else builders.page_reply(r.reply, when or None)}
            if with_replies else {}
            for r, (when, _) in zip(reviews, written_replies, strict=True)
        ]
        page = builders.page_data(
            [builders.page_review(when, r.stars, id=r.review_id, text=r.text, **reply)
             for r, when, reply in zip(reviews, written, replies, strict=True)],
            {"displayName": "Fernhollow Bikes", "trustScore": 4.2, "numberOfReviews": count},
        )
        data = builders.saved_page(builders.next_data_json(page))
        name = "Fernhollow Bikes Reviews.html"
    if form == "xlsx":
        # XML reads every line break as "\n".
        reviews = [
            Review(r.review_id, r.at, r.stars, _xml_lines(r.text),
                   None if r.reply is None else _xml_lines(r.reply), r.reply_at)
            for r in reviews
        ]
    return Export(data, name, form, tuple(reviews), options, with_replies)


def _stamp(moment: dt.datetime, layout: str) -> dt.datetime:
    """A moment as a layout can write it (whole seconds; midnight for a date alone)."""
    stamp = moment.replace(microsecond=0)
    if layout == "%Y-%m-%d":
        stamp = stamp.replace(hour=0, minute=0, second=0)
    return stamp


def _xml_lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _csv(draw: st.DrawFn, rows: list[dict[str, object]], names: dict[str, str],
         order: list[str], encoding: str) -> bytes:
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline, quoting=quoting)
    writer.writerow([names[key] for key in order])
    writer.writerows([[row[key] for key in order] for row in rows])
    return out.getvalue().encode(encoding)


def _decodes_as_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def assert_imported(result: ImportResult | None, export: Export) -> None:
    """The export was accepted whole: every review kept (none rejected, none a
    duplicate) with its date, stars and text, and the accounting holds."""
    assert result is not None, f"a well-formed {export.form} export was refused"
    assert_accounting(result)
    report = result.report
    count = len(export.reviews)
    assert (report.rows_read, report.kept, report.rejected, report.duplicates) == (
        count, count, 0, 0
    ), report
    reviews = result.reviews
    # A text column left empty in every row is not mapped at all.
    text = reviews["text"] if "text" in reviews else pd.Series(None, index=reviews.index)
    got = {
        review_id: (at, stars, None if pd.isna(words) else words)
        for review_id, at, stars, words in zip(
            reviews["review_id"], reviews["created_at"], reviews["rating"], text, strict=True
        )
    }
    expected = {
        r.review_id: (r.at, r.stars, r.text if r.text.strip() else None)
        for r in export.reviews
    }
    assert got == expected
    _assert_replies(reviews, export)


def _assert_replies(reviews: pd.DataFrame, export: Export) -> None:
    """The replies came back: ``replied`` where there is a reply text, the reply date
    where one was written, the text as written."""
    if not export.replies:
        assert "replied" not in reviews.columns
        return
    def column(name: str) -> pd.Series:
        return reviews[name] if name in reviews else pd.Series(None, index=reviews.index)

    got = {
        review_id: (None if pd.isna(replied) else bool(replied), None if pd.isna(at) else at,
                    None if pd.isna(text) else text)
        for review_id, replied, at, text in zip(
            reviews["review_id"], reviews["replied"], column("reply_at"), column("reply_text"),
            strict=True,
        )
    }
    expected = {r.review_id: (r.reply is not None, r.reply_at, r.reply) for r in export.reviews}
    assert got == expected
