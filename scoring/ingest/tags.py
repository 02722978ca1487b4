"""Review tags: the labels a business puts on its reviews (Trustpilot's ``Tags``).

Exports give them in two shapes: the business CSV/XLSX export as text (one tag, or
several separated by commas or semicolons), the API JSON as a list (``"tags":
["claims", "renewal"]``, or objects with a name: ``[{"name": "claims"}]``), which the
JSON readers turn into JSON text. :func:`tags_text` reads both into the canonical
``tags`` column: the tags in the order given, each stripped, without repeats, joined
with ``", "`` (:data:`TAG_SEPARATOR`); NA when a review has none.

Rules for one tag: whitespace runs become one space; a comma inside a tag (possible
only in a JSON list) becomes a space, so that the joined text splits back into the
same tags; a tag longer than :data:`MAX_TAG_LENGTH` characters is cut to that length
(ending in ``…``). A list item that is neither text nor an object with a name
(``name``, ``label``, ``tag``, ``value`` or ``title``) is kept as its text.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd

from scoring.ingest.readers.base import cell_text
from scoring.reviews import TAG_SEPARATOR

MAX_TAG_LENGTH = 80
"""Longest tag kept whole (a tag can then always name a request channel)."""

_NAME_KEYS = ("name", "label", "tag", "value", "title")
_SPLIT = re.compile(r"[,;]")
_SPACES = re.compile(r"\s+")


def tags_text(values: pd.Series) -> pd.Series:
    """Each value's tags as ``"a, b"`` text (pandas strings, NA: no tag), same index."""
    text = values.astype("string")
    uniques = text.dropna().unique()
    read = {value: split_tags(str(value)) for value in uniques}
    joined = {value: TAG_SEPARATOR.join(tags) if tags else None for value, tags in read.items()}
    return pd.Series(
        [joined.get(v) if v is not pd.NA else None for v in text.tolist()],
        index=values.index,
        dtype="string",
    )


def split_tags(value: str) -> list[str]:
    """One cell's tags, in order, without repeats: a JSON list (of texts or of objects
    with a name) or text separated by commas or semicolons."""
    stripped = value.strip()
    items: list[Any]
    if stripped.startswith("["):
        try:
            parsed = json.loads(stripped)
        except (json.JSONDecodeError, RecursionError):
            parsed = None
        if isinstance(parsed, list):
            items = [_item_name(item) for item in parsed]
        else:
            items = _SPLIT.split(stripped)
    else:
        items = _SPLIT.split(stripped)
    tags: list[str] = []
    for item in items:
        tag = _clean(item)
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def _item_name(item: Any) -> str | None:
    if isinstance(item, dict):
        for key in _NAME_KEYS:
            if isinstance(item.get(key), str) and item[key].strip():
                return str(item[key])
    return cell_text(item)


def _clean(item: str | None) -> str:
    if item is None:
        return ""
    tag = _SPACES.sub(" ", item.replace(",", " ")).strip()
    if len(tag) > MAX_TAG_LENGTH:
        tag = tag[: MAX_TAG_LENGTH - 1].rstrip() + "…"
    return tag
