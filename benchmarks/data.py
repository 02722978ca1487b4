"""Seeded synthetic review data for the benchmarks: canonical tables and Trustpilot exports.

Everything is drawn from ``numpy.random.default_rng(seed)``, so a size and a seed
always give the same data. Review times are spread over ``years`` years (ten by
default) ending at :data:`END`, with a volume that grows over the span (three
times as many reviews a day at the end as at the start), and come out sorted, as
the importer returns them. Stars follow a J-shaped mix (:data:`STAR_MIX`).

- :func:`canonical_reviews`: the canonical review table (``created_at`` as
  ``datetime64[us, UTC]``, ``rating``), optionally with the columns the importer
  makes of a Trustpilot business export (``columns="export"``).
- :func:`write_trustpilot_csv`: a Trustpilot business-export CSV (the 15 columns of
  the real export, UTF-8 with a BOM, dates like ``2025-10-02 07:48:02.236313``),
  written in chunks so memory stays at one chunk whatever the size. About 390
  bytes a row: 1,000,000 rows make about 390 MB.

Big files belong in ``benchmarks/data/`` (ignored by git) or a temporary folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

END = pd.Timestamp("2026-10-31 23:59:59", tz="UTC")
YEARS = 10
STAR_MIX = (0.12, 0.05, 0.07, 0.2, 0.56)
DATA_DIR = Path(__file__).resolve().parent / "data"

EXPORT_HEADER: tuple[str, ...] = (
    "Review ID",
    "Review Created (UTC)",
    "Review Consumer User ID",
    "Review Title",
    "Review Content",
    "Review Stars",
    "Source Of Review",
    "Review Language",
    "Domain URL",
    "Webshop Name",
    "Business Unit ID",
    "Tags",
    "Company Reply Date (UTC)",
    "Location Name",
    "Location ID",
)

COMPANY = "Larkspur Mutual (synthetic)"
DOMAIN = "larkspur-mutual.example"
BUSINESS_UNIT = "5f1c0ffee0ddba11c0ffee00"
SOURCES = ("InvitationApi", "Organic", "BusinessGeneratedLink", "BasicLink", "InvitationLinkApi")
SOURCE_SHARES = (0.5, 0.25, 0.12, 0.08, 0.05)
INVITED_SOURCES = frozenset(SOURCES) - {"Organic"}
LANGUAGES = ("en", "de", "fr", "nl", "es")
LANGUAGE_SHARES = (0.7, 0.12, 0.08, 0.06, 0.04)
LOCATIONS = ("London", "Leeds", "Bristol", "Manchester", "Glasgow", "Cardiff", "Belfast",
             "Norwich", "York", "Bath")
TAGS = ("", "", "", "", "claims", "renewal", "claims;priority")
REPLY_SHARE = 0.45

_TITLES = {
    1: ("Never again", "Awful service", "Avoid", "Very disappointed", "Terrible claim"),
    2: ("Poor", "Not great", "Slow and confusing", "Let down", "Could be much better"),
    3: ("Average", "OK I suppose", "Mixed feelings", "Fine", "Nothing special"),
    4: ("Good", "Pretty good", "Helpful staff", "Smooth renewal", "Would recommend"),
    5: ("Five stars", "Excellent", "Brilliant service", "Fast and friendly", "Superb"),
}
_SENTENCES = {
    1: ("Cancelled and overcharged.", "Nobody answered the phone for three weeks.",
        "The claim was refused on a technicality, \"policy terms\" they said.",
        "I had to chase them every single day.", "Worst insurer I have ever used."),
    2: ("The website kept logging me out.", "It took a month to get a reply.",
        "Price went up again at renewal, by a lot.", "Staff were polite but unhelpful."),
    3: ("Renewal was fine, the price was not.", "Does what it says, no more.",
        "Took a while, but it got sorted in the end.", "Average cover at an average price."),
    4: ("Quick to answer, and the claim was paid.", "Good value for the cover.",
        "The app is easy to use.", "Friendly people on the phone, a bit of a wait though."),
    5: ("Really helpful staff. Renewal took two minutes.",
        "The claim was paid within a week, no fuss at all.",
        "Clear, honest and quick: exactly what you want from an insurer.",
        "Sorted everything in one call.\nThank you, Priya!",
        "Cheaper than my old insurer and far better service."),
}
_CONTENTS_PER_STAR = 64


def _content_pool(rng: np.random.Generator) -> dict[int, np.ndarray]:
    """Per star, review texts of one to four sentences (about 180 characters on average)."""
    pool = {}
    for star, sentences in _SENTENCES.items():
        texts = []
        for _ in range(_CONTENTS_PER_STAR):
            picked = rng.choice(len(sentences), rng.integers(2, 5), replace=True)
            texts.append(" ".join(sentences[i] for i in picked))
        pool[star] = np.array(texts, dtype=object)
    return pool


def review_times_us(
    rng: np.random.Generator, n: int, *, years: float = YEARS, end: pd.Timestamp = END
) -> np.ndarray:
    """``n`` sorted review times (int64 microseconds since the epoch, UTC) over ``years``.

    The daily volume rises linearly over the span, from half the average to one and
    a half times it. Sorted uniforms come from normalised cumulative exponential
    gaps (O(n), no sort), mapped through the inverse of the volume's distribution.
    """
    if n <= 0:
        return np.empty(0, dtype="int64")
    gaps = rng.standard_exponential(n + 1)
    cumulative = np.cumsum(gaps)
    uniform = cumulative[:-1] / cumulative[-1]
    # density 0.5 + x on [0, 1]: F(x) = (x + x**2) / 2  ->  x = (sqrt(1 + 8u) - 1) / 2
    position = (np.sqrt(1.0 + 8.0 * uniform) - 1.0) / 2.0
    span_us = int(years * 365.25 * 86_400 * 10**6)
    start_us = end.value // 1_000 - span_us
    times = start_us + (position * span_us).astype("int64")
    return np.maximum.accumulate(times)  # float rounding must not unsort equal neighbours


def ratings(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` star ratings (int64, 1..5) drawn from :data:`STAR_MIX`."""
    return (rng.choice(5, n, p=STAR_MIX) + 1).astype("int64")


def canonical_reviews(
    n: int,
    *,
    seed: int = 0,
    years: float = YEARS,
    end: pd.Timestamp = END,
    columns: Literal["minimal", "export"] = "minimal",
) -> pd.DataFrame:
    """A canonical review table of ``n`` reviews, sorted by ``created_at``.

    ``columns="minimal"``: ``created_at`` and ``rating`` only. ``"export"``: also what
    the importer makes of a Trustpilot business export (``review_id``, ``title``,
    ``text``, ``source``, ``invited``, ``location``, ``company``, ``language``,
    ``reply_at``), the realistic shape of an uploaded dataset in the app.
    """
    if columns not in ("minimal", "export"):
        raise ValueError(f"columns must be 'minimal' or 'export', got {columns!r}.")
    rng = np.random.default_rng(seed)
    times = review_times_us(rng, n, years=years, end=end)
    stars = ratings(rng, n)
    table = pd.DataFrame(
        {
            "created_at": pd.to_datetime(times, unit="us", utc=True),
            "rating": stars,
        }
    )
    if columns == "minimal":
        return table
    extra = _export_columns(rng, times, stars)

    def text(name: str) -> pd.api.extensions.ExtensionArray:
        return pd.array(extra[name], dtype="str")

    source = extra["Source Of Review"]
    invited = pc.is_in(source, value_set=pa.array(sorted(INVITED_SOURCES)))
    reply = pc.fill_null(extra["Company Reply Date (UTC)"].cast(pa.int64()), _MISSING).to_numpy()
    return table.assign(
        review_id=text("Review ID"),
        title=text("Review Title"),
        text=text("Review Content"),
        source=text("Source Of Review"),
        invited=pd.array(invited.to_numpy(zero_copy_only=False), dtype="boolean"),
        location=text("Location Name"),
        company=pd.array(_constant(COMPANY, n), dtype="str"),
        language=text("Review Language"),
        reply_at=pd.to_datetime(reply, unit="us", utc=True),  # int64 min: NaT
    )


_MISSING = np.iinfo("int64").min
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def _hex_ids(seconds: np.ndarray, salt: np.ndarray) -> pa.Array:
    """24-hex-digit ids like Trustpilot's: 8 digits of ``seconds``, 16 of ``salt``."""
    n = len(seconds)
    raw = np.empty((n, 12), dtype=np.uint8)
    raw[:, :4] = (seconds & 0xFFFFFFFF).astype(">u4").view(np.uint8).reshape(n, 4)
    raw[:, 4:] = salt.astype(">u8").view(np.uint8).reshape(n, 8)
    chars = np.empty((n, 24), dtype=np.uint8)
    chars[:, 0::2] = _HEX[raw >> 4]
    chars[:, 1::2] = _HEX[raw & 15]
    data = pa.py_buffer(chars.tobytes())
    return pa.Array.from_buffers(pa.binary(24), n, [None, data]).cast(pa.string())


def _pick(values: tuple[str, ...] | np.ndarray, index: np.ndarray) -> pa.Array:
    """``values[index]`` as an Arrow string array (a dictionary cast, no Python loop)."""
    dictionary = pa.array(list(values), type=pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(index.astype("int32")), dictionary).cast(
        pa.string()
    )


def _constant(value: str, n: int) -> pa.Array:
    return _pick((value,), np.zeros(n, dtype="int32"))


def _timestamps(values_us: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """int64 microseconds as a naive timestamp column (``missing`` rows empty)."""
    return pa.array(values_us, type=pa.int64(), mask=missing).cast(pa.timestamp("us"))


def _export_columns(
    rng: np.random.Generator, times: np.ndarray, stars: np.ndarray
) -> dict[str, pa.Array]:
    """The export's columns other than time and stars, for reviews at ``times`` (us)."""
    n = len(times)
    pool = _content_pool(np.random.default_rng(12345))
    # Star s's titles are 5 * (s - 1) + 0..4; its texts _CONTENTS_PER_STAR * (s - 1) + ...
    all_titles = [title for star in range(1, 6) for title in _TITLES[star]]
    all_texts = [text for star in range(1, 6) for text in pool[star]]
    title_index = 5 * (stars - 1) + rng.integers(0, 5, n)
    text_index = _CONTENTS_PER_STAR * (stars - 1) + rng.integers(0, _CONTENTS_PER_STAR, n)
    salt = rng.integers(0, 2**63 - 1, n, dtype="int64")
    seconds = times // 10**6
    replied = rng.random(n) < REPLY_SHARE
    delay_us = (rng.exponential(30.0, n) * 3_600 * 10**6).astype("int64") + 60 * 10**6
    location = rng.integers(0, len(LOCATIONS), n)
    return {
        "Review ID": _hex_ids(seconds, salt),
        "Review Consumer User ID": _hex_ids(seconds - 10**6, salt[::-1] ^ 0x5A5A5A5A),
        "Review Title": _pick(all_titles, title_index),
        "Review Content": _pick(all_texts, text_index),
        "Source Of Review": _pick(SOURCES, rng.choice(len(SOURCES), n, p=SOURCE_SHARES)),
        "Review Language": _pick(LANGUAGES, rng.choice(len(LANGUAGES), n, p=LANGUAGE_SHARES)),
        "Tags": _pick(TAGS, rng.integers(0, len(TAGS), n)),
        "Company Reply Date (UTC)": _timestamps(times + delay_us, ~replied),
        "Location Name": _pick(LOCATIONS, location),
        "Location ID": _pick(tuple(f"loc{i:021d}" for i in range(len(LOCATIONS))), location),
    }


def export_chunks(
    n: int, *, seed: int = 0, chunk_rows: int = 250_000, years: float = YEARS,
    end: pd.Timestamp = END,
) -> Iterator[pa.Table]:
    """The rows of a Trustpilot business export, newest first, as Arrow tables of
    ``chunk_rows`` rows (the real export lists the newest reviews first)."""
    rng = np.random.default_rng(seed)
    times = np.ascontiguousarray(review_times_us(rng, n, years=years, end=end)[::-1])
    stars = ratings(rng, n)
    for first in range(0, n, chunk_rows):
        t = times[first:first + chunk_rows]
        s = stars[first:first + chunk_rows]
        extra = _export_columns(rng, t, s)
        size = len(t)
        columns = {
            "Review ID": extra["Review ID"],
            "Review Created (UTC)": _timestamps(t),
            "Review Consumer User ID": extra["Review Consumer User ID"],
            "Review Title": extra["Review Title"],
            "Review Content": extra["Review Content"],
            "Review Stars": pa.array(s, pa.int64()),
            "Source Of Review": extra["Source Of Review"],
            "Review Language": extra["Review Language"],
            "Domain URL": _constant(DOMAIN, size),
            "Webshop Name": _constant(COMPANY, size),
            "Business Unit ID": _constant(BUSINESS_UNIT, size),
            "Tags": extra["Tags"],
            "Company Reply Date (UTC)": extra["Company Reply Date (UTC)"],
            "Location Name": extra["Location Name"],
            "Location ID": extra["Location ID"],
        }
        assert tuple(columns) == EXPORT_HEADER
        yield pa.table(columns)


def write_trustpilot_csv(
    path: str | Path, n: int, *, seed: int = 0, chunk_rows: int = 250_000
) -> Path:
    """Write a Trustpilot business-export CSV of ``n`` reviews to ``path``; return it.

    UTF-8 with a BOM and the export's 15-column header; text fields are quoted
    (some hold commas, quotes and line breaks); an empty field is a missing value.
    Memory stays at one chunk of ``chunk_rows`` rows.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
    with path.open("wb") as sink:
        sink.write(b"\xef\xbb\xbf" + ",".join(EXPORT_HEADER).encode("utf-8") + b"\n")
        for chunk in export_chunks(n, seed=seed, chunk_rows=chunk_rows):
            pacsv.write_csv(chunk, sink, options)
    return path
