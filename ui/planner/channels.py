"""Request channels as the user sets them: a row of the channels editor, its checks in
plain words, and the compact text that carries them in a shared link (no streamlit).

A channel is a name, requests a month, a response rate (%) and a star mix (whole
percentages, 1★ first); the engine takes :class:`scoring.Channel` (per day, shares).

The link's text, :func:`encode_channels`, is one query parameter: channels separated
by ``;``, each ``name,requests,response,p1,p2,p3,p4,p5`` with the name percent-encoded
(so it never holds ``,`` or ``;``) and plain non-negative numbers. :func:`decode_channels`
parses it strictly (a regular expression per number, a name only as :func:`encode_channels`
spells it, nothing evaluated) and raises ValueError on anything else.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote, unquote

import pandas as pd

from scoring.periods import DAYS_PER_MONTH
from scoring.projection import Channel
from scoring.projection.channels import MAX_NAME_LENGTH
from ui.planner.mix import normalise_mix

NAME, REQUESTS, RESPONSE = "Channel", "Requests / month", "Response rate %"
STAR_COLUMNS = tuple(f"{k}★ %" for k in range(1, 6))
EDITOR_COLUMNS = (NAME, REQUESTS, RESPONSE, *STAR_COLUMNS)
MAX_CHANNELS = 20
"""The most channels a plan (or a link) holds."""
MAX_REQUESTS_PER_MONTH = 300_000
"""The largest volume a channel accepts (about the goal seek's 10,000 requests a day)."""
DEFAULT_CHANNEL = "Invited"
"""The one channel of a plan whose data does not tell channels apart."""
_NUMBER = re.compile(r"\d{1,9}(\.\d{1,6})?")
_MAX_LINK_CHARS = 8000


@dataclass(frozen=True)
class ChannelPlan:
    """One request channel as the user set it (per month, percentages)."""

    name: str
    requests_per_month: float
    response_pct: float
    mix_pct: tuple[float, ...]

    @property
    def reviews_per_month(self) -> float:
        """Reviews a month it brings: requests times the response rate."""
        return self.requests_per_month * self.response_pct / 100.0

    @property
    def mix(self) -> tuple[float, ...]:
        """Its star mix as shares that sum to 1 (rescaled when the percentages do not
        add up to 100; see :attr:`mix_message`)."""
        return normalise_mix(self.mix_pct, f"star mix of {self.name}")[0]

    @property
    def mix_message(self) -> str:
        """What had to be done to its star mix ("" when it adds up to 100)."""
        return normalise_mix(self.mix_pct, f"star mix of {self.name}")[1]

    def channel(self) -> Channel:
        """The engine's channel: requests a day, the response rate as a share."""
        return Channel(self.name, self.requests_per_month / DAYS_PER_MONTH,
                       self.response_pct / 100.0, self.mix)  # type: ignore[arg-type]

    def with_requests(self, requests_per_month: float) -> ChannelPlan:
        """The same channel at another volume."""
        return replace(self, requests_per_month=float(requests_per_month))

    def params(self) -> dict[str, Any]:
        """As plain JSON values (in a saved scenario)."""
        return {"name": self.name, "requests_per_month": self.requests_per_month,
                "response_rate_pct": self.response_pct, "mix_pct": list(self.mix_pct)}


# --------------------------------------------------------------------------- editor


def editor_table(channels: Sequence[ChannelPlan]) -> pd.DataFrame:
    """The channels as the editor shows them, one row each."""
    rows = [{NAME: c.name, REQUESTS: c.requests_per_month, RESPONSE: c.response_pct,
             **dict(zip(STAR_COLUMNS, c.mix_pct, strict=True))} for c in channels]
    table = pd.DataFrame(rows, columns=list(EDITOR_COLUMNS))
    return table.astype({NAME: "string", **{c: "float64" for c in EDITOR_COLUMNS[1:]}})


def _cell(value: object) -> float | None:
    """A cell as a finite number (None: empty or not a number)."""
    if value is None or isinstance(value, bool) or value is pd.NA:
        return None
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def read_table(table: pd.DataFrame) -> tuple[tuple[ChannelPlan, ...], list[str]]:
    """The editor's rows as channels, and what had to be done to them, in plain words.

    A row without a name is left out (said only when it has requests: a row just added
    holds the column defaults and no requests),
    and so is a second row with a name already used (case aside); an empty number counts
    as 0; a negative one is set to 0, a response rate above 100% to 100%, requests above
    :data:`MAX_REQUESTS_PER_MONTH` to that. Rows beyond :data:`MAX_CHANNELS` are left out.
    """
    channels: list[ChannelPlan] = []
    notes: list[str] = []
    seen: set[str] = set()
    for position, row in enumerate(table.to_dict("records"), start=1):
        raw_name = row.get(NAME)
        name = "" if raw_name is None or raw_name is pd.NA else str(raw_name).strip()
        numbers = [_cell(row.get(column)) for column in EDITOR_COLUMNS[1:]]
        if not name:
            if numbers[0]:
                notes.append(f"Row {position} has no name, so it is left out: give it one.")
            continue
        name = name[:MAX_NAME_LENGTH]
        if name.casefold() in seen:
            notes.append(f"Two channels are called {name!r}: the second is left out. "
                         "Rename it to keep it.")
            continue
        if len(channels) == MAX_CHANNELS:
            notes.append(f"At most {MAX_CHANNELS} channels: {name!r} and those after it are "
                         "left out.")
            break
        seen.add(name.casefold())
        values = [x or 0.0 for x in numbers]
        if any(x < 0 for x in values):
            notes.append(f"{name}: negative numbers are not possible, 0 is used instead.")
            values = [max(x, 0.0) for x in values]
        if values[0] > MAX_REQUESTS_PER_MONTH:
            notes.append(f"{name}: at most {MAX_REQUESTS_PER_MONTH:,} requests a month; "
                         "that is used instead.")
            values[0] = MAX_REQUESTS_PER_MONTH
        if values[1] > 100:
            notes.append(f"{name}: a response rate above 100% is not possible; 100% is used.")
            values[1] = 100.0
        channels.append(ChannelPlan(name, values[0], values[1], tuple(values[2:])))
    return tuple(channels), notes


# --------------------------------------------------------------------------- links


def _number_text(x: float) -> str:
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def encode_channels(channels: Sequence[ChannelPlan]) -> str:
    """The channels as one compact query-parameter value (see the module docstring)."""
    return ";".join(
        ",".join([quote(c.name, safe=""), _number_text(c.requests_per_month),
                  _number_text(c.response_pct), *(_number_text(p) for p in c.mix_pct)])
        for c in channels
    )


def decode_channels(text: str) -> tuple[ChannelPlan, ...]:
    """The channels a link's text holds; ValueError when it is not exactly what
    :func:`encode_channels` writes (or names a channel twice, or holds too many)."""
    if not isinstance(text, str) or len(text) > _MAX_LINK_CHARS:
        raise ValueError("not a channels text")
    if text == "":
        return ()
    channels: list[ChannelPlan] = []
    for part in text.split(";"):
        fields = part.split(",")
        if len(fields) != 8 or not all(_NUMBER.fullmatch(f) for f in fields[1:]):
            raise ValueError(f"malformed channel {part[:40]!r}")
        name = unquote(fields[0], errors="strict")
        if quote(name, safe="") != fields[0] or name != name.strip():
            raise ValueError(f"malformed channel name {fields[0][:40]!r}")
        requests, response, *mix = (float(f) for f in fields[1:])
        if (not name or len(name) > MAX_NAME_LENGTH or requests > MAX_REQUESTS_PER_MONTH
                or response > 100 or any(p > 100 for p in mix)):
            raise ValueError(f"channel out of range {part[:40]!r}")
        channels.append(ChannelPlan(name, requests, response, tuple(mix)))
    names = [c.name.casefold() for c in channels]
    if len(set(names)) != len(names) or len(channels) > MAX_CHANNELS:
        raise ValueError("repeated channel names or too many channels")
    return tuple(channels)


def legacy_channel(query: Mapping[str, str], fallback: ChannelPlan, requests_key: str,
                   response_key: str, mix_keys: Sequence[str]) -> ChannelPlan:
    """One channel from an older link's separate parameters (requests, response rate,
    five mix percentages); a missing or malformed value keeps ``fallback``'s."""

    def value(key: str, current: float, high: float) -> float:
        text = query.get(key)
        if isinstance(text, str) and _NUMBER.fullmatch(text) and float(text) <= high:
            return float(text)
        return current

    mix = tuple(value(k, p, 100) for k, p in zip(mix_keys, fallback.mix_pct, strict=True))
    return ChannelPlan(DEFAULT_CHANNEL,
                       value(requests_key, fallback.requests_per_month, MAX_REQUESTS_PER_MONTH),
                       value(response_key, fallback.response_pct, 100), mix)
