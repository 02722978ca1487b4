"""Google Takeout ZIPs (recognised by their ``reviews*.json`` members).

A Google Business Profile Takeout holds
``Google Business Profile/account-*/location-*/reviews*.json``: pages of about 20
reviews, each page ``{"reviews": [...]}``, plus the location's name in a sibling
``additionalData.json``. A review: ``name`` (``accounts/../locations/../reviews/<id>``),
``reviewer{displayName}``, ``starRating`` ``ONE``..``FIVE``, ``comment`` (absent
for star-only reviews), ``createTime``, ``updateTime``,
``reviewReply{comment, updateTime}``. The same review can appear under two account
folders: the importer deduplicates by the review id (the last part of ``name``).

A personal Takeout's ``Maps (your places)/Reviews.json`` is a GeoJSON of reviews
the user *wrote*: it is recognised and refused with an explanation.

The archive reaches this module opened and checked against bombs (:mod:`.archive`);
each ``reviews*.json`` member is read whole (a page of about 20 reviews) and must be
UTF-8 JSON. The records go through :func:`~.json_records.frame_from_records` (nested
objects flattened, its column and cell limits).
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import PurePosixPath
from typing import Any

from scoring.errors import ReviewDataError
from scoring.ingest.readers.base import RawTable
from scoring.ingest.readers.json_records import frame_from_records, records_from_json

_REVIEWS_FILE = re.compile(r"^reviews.*\.json$", re.IGNORECASE)


def is_takeout(names: list[str]) -> bool:
    """Whether a ZIP's member names look like a Google Takeout with reviews."""
    return any(_REVIEWS_FILE.match(PurePosixPath(n).name) for n in names)


def read_takeout(archive: zipfile.ZipFile, max_bytes: int) -> RawTable:
    """Read every ``reviews*.json`` of a Business Profile Takeout into one table.

    Adds ``reviewId`` (the id part of ``name``), ``location`` (from
    ``additionalData.json`` when present) and ``takeoutFile`` (the member read).
    """
    members = sorted(n for n in archive.namelist() if _REVIEWS_FILE.match(PurePosixPath(n).name))
    records: list[Any] = []
    personal = False
    for member in members:
        obj = _load_member(archive, member)
        if isinstance(obj, dict) and (obj.get("type") == "FeatureCollection" or "features" in obj):
            personal = True
            continue
        try:
            reviews = records_from_json(obj)
        except ReviewDataError:
            continue
        location = _location_name(archive, member)
        for review in reviews:
            if isinstance(review, dict):
                review = dict(review)
                if location and "location" not in review:
                    review["location"] = location
                review["takeoutFile"] = member
            records.append(review)
    if not records:
        if personal:
            raise ReviewDataError(
                "this Google Takeout holds the Google Maps 'Reviews.json' (a GeoJSON map of "
                "places): reviews the account holder WROTE about other places, not reviews OF "
                "a business. Export 'Google Business Profile' in Google Takeout and upload "
                "that ZIP."
            )
        raise ReviewDataError(
            "the Google Takeout ZIP holds reviews*.json files but no reviews in them."
        )
    table = frame_from_records(records, "google-takeout")
    frame = table.frame
    if "name" in frame.columns:
        names = frame["name"].astype("str")
        frame["reviewId"] = names.str.rsplit("/", n=1).str[-1]
        frame = frame.rename(columns={"name": "reviewName"})
        table.frame = frame
    table.warnings.append(
        f"read {len(members)} reviews*.json file(s) from the Google Takeout; comments "
        "translated by Google keep both the translation and the original."
    )
    return table


def _load_member(archive: zipfile.ZipFile, member: str) -> Any:
    try:
        data = archive.read(member)
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReviewDataError(
            f"the Takeout file {member!r} is not valid JSON ({exc}). Download the Takeout again."
        ) from None


def _location_name(archive: zipfile.ZipFile, member: str) -> str | None:
    folder = str(PurePosixPath(member).parent)
    candidate = f"{folder}/additionalData.json" if folder != "." else "additionalData.json"
    try:
        info = json.loads(archive.read(candidate).decode("utf-8-sig"))
    except (KeyError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(info, dict):
        return None
    for key in ("locationName", "title", "businessName", "name"):
        value = info.get(key)
        if isinstance(value, str) and value.strip() and "/" not in value:
            return value.strip()
    return None
