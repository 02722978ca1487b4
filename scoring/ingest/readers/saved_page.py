"""Saved Trustpilot pages: a company's review page saved from the browser as HTML.

Trustpilot builds its pages with Next.js, which embeds the page's data as JSON in
``<script id="__NEXT_DATA__" type="application/json">``. Under ``props.pageProps``:

``reviews``
    the reviews the page lists (about 20), in the page-data shape the JSON reader
    already knows (``id, filtered, pending, text, rating, title, likes,
    dates{publishedDate, experiencedDate, updatedDate},
    labels.verification.reviewSourceName, reply{message, publishedDate},
    consumer{id, displayName, ...}, language, location``);
``businessUnit``
    the company: ``displayName``, ``identifyingName``, ``numberOfReviews`` (a number,
    or ``{"total": ...}``), ``trustScore`` (e.g. 4.3; or ``score.trustScore``),
    ``stars``.

:func:`read_saved_page` hands the reviews to the same records path as a JSON export
(:func:`~.json_records.frame_from_records`), each given the company's name,
and keeps what the page displayed in :class:`~.base.PageFacts` (defined with the
:class:`~.base.RawTable` that carries it). Once the reviews' dates are known,
:func:`published_reading` makes the :class:`~scoring.readings.PublishedReading`: it
lives here, beside the reader, because it dates the reading by the save stamps this
module finds and words the report from them.

When was the page saved? The page data holds no timestamp, and the newest review's
date is not the save time. In this order: a save stamp written into the file (the
SingleFile extension's ``saved date:`` comment, or a ``<meta name="date">``), the
file's modification time (a path on disk: the browser wrote it when saving), else
the time of the import. A time earlier than the newest review on the page, or in the
future, is not trusted. The report says which one was used.

Limits: every pattern here is bounded (``{0,500}``), so a hostile file costs linear
time; at most :data:`MAX_MARKERS` script markers and :data:`MAX_SEARCH_NODES` nodes of
the page data are examined, save stamps are looked for in the first
:data:`STAMP_WINDOW` characters, and page data nested too deeply is refused. A page
saved as one MHTML file is recognised and refused (:func:`mhtml_error`); an HTML page
without Trustpilot's page data, or without reviews, is refused saying what it is.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import json
import math
import re
from collections import deque
from collections.abc import Callable
from typing import Any

import pandas as pd

from scoring.errors import ReviewDataError
from scoring.ingest.readers.base import PageFacts, RawTable
from scoring.ingest.readers.json_records import frame_from_records
from scoring.readings import MAX_SCORE, MIN_SCORE, PublishedReading

FILE_FORMAT = "trustpilot-page"
#: Occurrences of "__NEXT_DATA__" examined for the script tag (a page has one or two).
MAX_MARKERS = 50
#: Nodes of the page data searched for the reviews / the company when they are not
#: where Trustpilot puts them.
MAX_SEARCH_NODES = 50_000
#: Part of the file searched for a save stamp (they sit in the head).
STAMP_WINDOW = 512 * 1024
#: How much earlier than the newest review a save time may be (clock skew).
CLOCK_SKEW = pd.Timedelta(hours=1)

_HTML_START = re.compile(
    r"\s*(?:<\?xml[^>]{0,500}>\s*)?(?:<!--.{0,4000}?-->\s*){0,20}"
    r"<(?:!doctype\s+html|html|head)\b",
    re.IGNORECASE | re.DOTALL,
)
_MHTML_START = re.compile(r"\s*(?:From: <Saved by |MIME-Version:\s*1\.0)", re.IGNORECASE)
_NEXT_DATA_TAG = re.compile(
    r"<script\b[^>]{0,500}?\bid\s*=\s*[\"']?__NEXT_DATA__[\"']?(?:\s[^>]{0,500})?>",
    re.IGNORECASE,
)
_SCRIPT_END = re.compile(r"</script\s*>", re.IGNORECASE)
_SINGLEFILE_STAMP = re.compile(r"saved date:[ \t]*([^\r\n]{1,200})", re.IGNORECASE)
_META_DATE = re.compile(
    r"<meta\b[^>]{0,500}?\b(?:name|http-equiv)\s*=\s*[\"']?(?:date|dc\.date|dcterms\.date)"
    r"[\"'\s>][^>]{0,500}",
    re.IGNORECASE,
)
_META_CONTENT = re.compile(r"\bcontent\s*=\s*(?:\"([^\"]{0,200})\"|'([^']{0,200})')", re.I)
_TITLE = re.compile(r"<title\b[^>]{0,500}>(.{0,300}?)</title", re.IGNORECASE | re.DOTALL)

_HOW_TO_SAVE = (
    "Open the company's review page on Trustpilot (trustpilot.com/review/<its web "
    "address>), wait until the reviews show, and save it with your browser's 'Save page "
    "as…' choosing 'Webpage, HTML only' (or 'complete'); or export the reviews as CSV."
)


def looks_like_html(sample: str) -> bool:
    """Whether text starts as an HTML document (doctype, ``<html>`` or ``<head>``,
    after optional comments): a saved web page, not a table."""
    return _HTML_START.match(sample) is not None


def looks_like_mhtml(sample: str) -> bool:
    """Whether text is a page saved as one MHTML file ('Webpage, Single File')."""
    return _MHTML_START.match(sample) is not None


def mhtml_error() -> ReviewDataError:
    """The message for a page saved as MHTML, which TrustLens does not unpack."""
    return ReviewDataError(
        "the file is a web page saved as a single MHTML file ('Webpage, Single File'), "
        "which TrustLens does not read. " + _HOW_TO_SAVE
    )


def read_saved_page(text: str) -> RawTable:
    """The reviews of a saved Trustpilot page (HTML text) as a raw table, with the
    page's :class:`PageFacts` in ``table.page``.

    Raises :class:`ReviewDataError` saying what the page lacks and how to save it
    properly when it holds no Trustpilot page data or no reviews.
    """
    data = _page_data(text)
    props = _page_props(data)
    reviews = _reviews(props if props is not None else data)
    if reviews is None:
        raise ReviewDataError(
            "the saved page holds Trustpilot page data but no reviews: it is not a "
            f"company's review page{_what_page(data, text)}. " + _HOW_TO_SAVE
        )
    company, score, count = _business_unit(props if props is not None else data)
    if not reviews:
        shown = f" shows TrustScore {score:g}" if score is not None else ""
        raise ReviewDataError(
            f"the saved page{shown} but lists no reviews (a filter that matched none, or "
            "a page past the last one). Save a page that lists reviews. " + _HOW_TO_SAVE
        )
    saved_at, saved_at_source = _save_stamp(text[:STAMP_WINDOW])
    records = [_with_company(review, company) for review in reviews]
    table = frame_from_records(records, FILE_FORMAT)
    table.page = PageFacts(company, score, count, saved_at, saved_at_source, len(reviews))
    table.warnings.append(_listing_note(company, len(reviews), count, props))
    return table


def published_reading(
    facts: PageFacts,
    file_name: str,
    *,
    newest_review: pd.Timestamp,
    file_time: pd.Timestamp | None,
    now: pd.Timestamp,
) -> tuple[PublishedReading | None, list[str]]:
    """The TrustScore the page showed as a reading dated when the page was saved, and
    sentences for the report saying which time that is (see the module docstring)."""
    if facts.score is None:
        return None, ["the saved page shows no TrustScore, so it gives no published reading."]
    notes: list[str] = []
    candidates = (
        (facts.saved_at, f"when the page was saved ({facts.saved_at_source})"),
        (file_time, "the file's modification time (when the browser saved it)"),
    )
    at, how = now, (
        "the time of this import, since the page does not say when it was saved; if it "
        "was saved earlier, the reading is dated that much too late"
    )
    for stamp, description in candidates:
        if stamp is None:
            continue
        if stamp < newest_review - CLOCK_SKEW or stamp > now + pd.Timedelta(days=1):
            notes.append(
                f"{description[0].upper()}{description[1:]}: {stamp:%Y-%m-%d %H:%M} UTC is "
                f"before the newest review on the page ({newest_review:%Y-%m-%d %H:%M} UTC) "
                "or in the future, so it was not used to date the reading."
            )
            continue
        at, how = stamp, description
        break
    reading = PublishedReading(
        at=at, score=facts.score, review_count=facts.review_count,
        source=f"saved Trustpilot page {file_name}",
    )
    count = "" if facts.review_count is None else f" with {facts.review_count:,} reviews"
    notes.append(
        f"the page showed TrustScore {facts.score:g}{count}; that published reading is dated "
        f"{at:%Y-%m-%d %H:%M} UTC, {how}."
    )
    return reading, notes


# ---------------------------------------------------------------------------
# The page data
# ---------------------------------------------------------------------------


def _page_data(text: str) -> Any:
    """The parsed JSON of the page's ``__NEXT_DATA__`` script."""
    raw = _next_data_text(text)
    if raw is None:
        title = _title(text)
        titled = f" (its title: {title!r})" if title else ""
        table = (
            " If it is a table saved as a web page (some tools' 'Excel' export), open it in "
            "a spreadsheet and save it as CSV."
            if "<table" in text[:STAMP_WINDOW].lower()
            else ""
        )
        raise ReviewDataError(
            f"the file is a web page (HTML){titled} but not a saved Trustpilot review page: "
            "it has no Trustpilot page data (the <script id=\"__NEXT_DATA__\"> element that "
            "holds the reviews); pages saved as text or from a reader view lose it. "
            + _HOW_TO_SAVE + table
        )
    error = ""
    for candidate in (raw, html.unescape(raw)):
        try:
            return json.loads(candidate)
        except json.JSONDecodeError as exc:
            error = f"{exc.msg}, character {exc.pos:,}"
        except RecursionError:
            error = "nested too deeply"
    raise ReviewDataError(
        f"the saved page's Trustpilot data is damaged or cut off ({error}), e.g. the "
        "download stopped or the file was edited. " + _HOW_TO_SAVE
    )


def _next_data_text(text: str) -> str | None:
    """The text of the ``<script id="__NEXT_DATA__">`` element (to the end of the file
    when it is cut off), or None."""
    start = 0
    for _ in range(MAX_MARKERS):
        hit = text.find("__NEXT_DATA__", start)
        if hit == -1:
            return None
        tag_start = text.rfind("<", max(0, hit - 600), hit)
        tag_end = text.find(">", hit, hit + 600)
        if (
            tag_start != -1
            and tag_end != -1
            and _NEXT_DATA_TAG.fullmatch(text, tag_start, tag_end + 1)
        ):
            end = _SCRIPT_END.search(text, tag_end + 1)
            return text[tag_end + 1 : end.start() if end else len(text)]
        start = hit + 1
    return None


def _page_props(data: Any) -> dict | None:
    """``props.pageProps`` (a page) or ``pageProps`` (the same data fetched alone)."""
    if not isinstance(data, dict):
        return None
    props = data.get("props")
    if isinstance(props, dict) and isinstance(props.get("pageProps"), dict):
        return props["pageProps"]
    return data["pageProps"] if isinstance(data.get("pageProps"), dict) else None


def _reviews(props: Any) -> list | None:
    """``reviews`` where Trustpilot puts it, else the first ``reviews`` list of review
    records found in the data (a list of objects with a rating); None when there is none."""
    if isinstance(props, dict) and isinstance(props.get("reviews"), list):
        return props["reviews"]
    found = _search(props, lambda node: _review_list(node.get("reviews")))
    return None if found is None else found["reviews"]


def _review_list(value: Any) -> bool:
    return isinstance(value, list) and any(
        isinstance(item, dict) and ("rating" in item or "stars" in item) for item in value[:50]
    )


def _business_unit(props: Any) -> tuple[str | None, float | None, int | None]:
    """The company's name, the TrustScore and the review count the page displayed."""
    unit = props.get("businessUnit") if isinstance(props, dict) else None
    if not isinstance(unit, dict):
        # Only an object with a TrustScore: a review's consumer has numberOfReviews too.
        unit = _search(props, _has_trust_score)
    if not isinstance(unit, dict):
        return None, None, None
    name = next(
        (unit[k].strip() for k in ("displayName", "name", "identifyingName")
         if isinstance(unit.get(k), str) and unit[k].strip()),
        None,
    )
    holder = unit.get("score")
    score_holder = holder if isinstance(holder, dict) else {}
    score = _trust_score(unit.get("trustScore", score_holder.get("trustScore")))
    count = unit.get("numberOfReviews")
    if isinstance(count, dict):
        count = count.get("total", count.get("totalCount"))
    return name, score, _whole_number(count)


def _has_trust_score(node: dict) -> bool:
    score = node.get("score")
    return "trustScore" in node or (isinstance(score, dict) and "trustScore" in score)


def _trust_score(value: Any) -> float | None:
    """A TrustScore as a number in 1..5 (a 0 means the page showed none)."""
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", "."))
        except ValueError:
            return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    score = float(value)
    return score if math.isfinite(score) and MIN_SCORE <= score <= MAX_SCORE else None


def _whole_number(value: Any) -> int | None:
    if isinstance(value, str):
        digits = value.strip().replace(",", "").replace(".", "").replace(" ", "")
        value = int(digits) if digits.isdigit() else None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def _search(root: Any, wanted: Callable[[dict], bool]) -> dict | None:
    """The first object (breadth first, at most MAX_SEARCH_NODES visited) that is
    ``wanted``; iterative, so deep data cannot overflow the stack."""
    queue: deque[Any] = deque([root])
    visited = 0
    while queue and visited < MAX_SEARCH_NODES:
        node = queue.popleft()
        visited += 1
        if isinstance(node, dict):
            if wanted(node):
                return node
            queue.extend(v for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            queue.extend(v for v in node if isinstance(v, dict | list))
    return None


def _with_company(review: Any, company: str | None) -> Any:
    """A copy of a review record naming the company (records that are not objects are
    left as they are: the records reader rejects them with a reason)."""
    if not isinstance(review, dict) or company is None or "company" in review:
        return review
    return {**review, "company": company}


def _listing_note(company: str | None, listed: int, count: int | None, props: Any) -> str:
    """How many reviews the page listed, of how many, and how to get the rest."""
    of = f" of {company}" if company else ""
    text = f"read {listed:,} reviews from the saved Trustpilot page{of}"
    filters = props.get("filters") if isinstance(props, dict) else None
    pagination = filters.get("pagination") if isinstance(filters, dict) else None
    if isinstance(pagination, dict):
        page, pages = (_whole_number(pagination.get(k)) for k in ("currentPage", "totalPages"))
        if page and pages:
            text += f" (page {page:,} of {pages:,})"
    if count is not None and count > listed:
        text += (
            f"; the profile has {count:,}. A saved page holds one page of reviews: save the "
            "other pages too (several saved pages load together, each review counted once), "
            "or use a full export for the whole history"
        )
    return text + "."


# ---------------------------------------------------------------------------
# When the page was saved, and what it was
# ---------------------------------------------------------------------------


def _save_stamp(head: str) -> tuple[pd.Timestamp | None, str | None]:
    """A save time the file records: SingleFile's ``saved date:`` comment, else a
    ``<meta name="date">``; (None, None) when there is none that reads as a time."""
    match = _SINGLEFILE_STAMP.search(head)
    if match:
        stamp = _parse_stamp(match.group(1))
        if stamp is not None:
            return stamp, "the save date the SingleFile extension wrote into it"
    for meta in _META_DATE.finditer(head):
        content = _META_CONTENT.search(meta.group(0))
        value = None if content is None else next(g for g in content.groups() if g is not None)
        stamp = _parse_stamp(value) if value else None
        if stamp is not None:
            return stamp, "the page's date meta tag"
    return None, None


def _parse_stamp(text: str) -> pd.Timestamp | None:
    """A save stamp as a UTC time: JavaScript's ``Wed Dec 02 2026 10:15:00 GMT+0100
    (...)``, RFC 2822 or ISO 8601; None unless it states its time zone."""
    text = re.sub(r"\s*\([^)]{0,100}\)\s*$", "", text.strip().rstrip("->").strip())
    parsed: dt.datetime | None = None
    try:
        parsed = dt.datetime.strptime(text, "%a %b %d %Y %H:%M:%S GMT%z")
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            try:
                parsed = pd.Timestamp(text).to_pydatetime()
            except (TypeError, ValueError, OverflowError):
                return None
    if parsed is None or parsed.tzinfo is None:
        return None
    stamp = pd.Timestamp(parsed).tz_convert("UTC")
    return stamp if pd.Timestamp("2000-01-01", tz="UTC") <= stamp else None


def _what_page(data: Any, text: str) -> str:
    """" (it is Trustpilot's page '/login', titled 'Log in')" naming what was saved."""
    page = data.get("page") if isinstance(data, dict) else None
    parts = []
    if isinstance(page, str) and page.strip():
        parts.append(f"it is Trustpilot's page {page.strip()[:80]!r}")
    title = _title(text)
    if title:
        parts.append(f"titled {title!r}")
    return f" ({', '.join(parts)})" if parts else ""


def _title(text: str) -> str | None:
    """The page's ``<title>``, on one line and at most 80 characters."""
    match = _TITLE.search(text[:STAMP_WINDOW])
    title = " ".join(html.unescape(match.group(1)).split())[:80] if match else ""
    return title or None
