"""Request channels: the moments reviews are asked for, each with its volume, response
rate and star mix, folded into one projection.

A channel (after a purchase, after a claim, a store...) sends ``requests_per_day``
requests; ``response_rate`` of them turn into reviews whose stars follow ``mix``.
Under the projection's model every star k of every source arrives as an independent
Poisson stream, and independent Poisson streams add up: channels i with reviews a day
``v_i = requests_i * response_i`` and mixes ``m_i`` bring k-star reviews at the rate
``lambda_k = sum_i v_i m_i[k]``, which is exactly one source of ``V = sum_i v_i``
reviews a day with the rate-weighted mix ``sum_i v_i m_i / V``. So
:func:`channel_inputs` folds any number of channels into the two sources of
:class:`~scoring.projection.inputs.ProjectionInputs` without changing a projection;
with ``vary=i`` channel i stays the invited source (its requests are what goal seek
solves for) and the others join the organic reviews.

Where the data tells channels apart, :func:`channel_history` reads what each one
brought in the last 90 days. :func:`channel_groupings` says which columns do: a
column (``source``, the collection method, ``location`` or ``tags``) qualifies when,
among the counted invited reviews up to ``as_of``, it holds from 2 to
:data:`MAX_CHANNELS` distinct values, none of them a web address (scraped exports put
the page a review was read from in ``source``: that is where the scraper looked, not
how the review was asked for), and each value brings at least
:data:`MIN_CHANNEL_SHARE` of those reviews (a column of ids or free text has many rare
values).

Tags (Trustpilot's ``Tags``: the business's labels, e.g. ``claims`` or ``renewal``)
group a review by its *first* tag, in the order the export gives them: a review
tagged ``"renewal, claims"`` is a ``renewal`` review. So every invited review counts
in exactly one channel (none twice, none dropped), and a few combinations do not
split the channels into many rare ones.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from scoring import validation
from scoring.display import DEFAULT_LABEL_BANDS, LabelBands, TargetKind
from scoring.errors import ParameterError, ReviewDataError
from scoring.model import counted_reviews, times_ns
from scoring.periods import DAYS_PER_MONTH, NS_PER_DAY, to_utc_timestamp
from scoring.projection.goal_seek import DEFAULT_MAX_REQUESTS_PER_DAY, GoalSeek, requests_needed
from scoring.projection.inputs import MAX_HORIZON_DAYS, MAX_RATE_PER_DAY, ProjectionInputs
from scoring.projection.rates import DEFAULT_WINDOW_DAYS, UNIFORM_MIX, invited_flags
from scoring.reviews import TAG_SEPARATOR
from scoring.validation import MixLike, StarMix

CHANNEL_COLUMNS: tuple[str, ...] = ("source", "location", "tags")
"""Columns that may tell request channels apart, the collection method first."""
MAX_CHANNELS = 12
"""A grouping with more distinct values than this is not a set of channels."""
MIN_CHANNEL_SHARE = 0.01
"""Each value of a grouping must bring at least this share of the invited reviews."""
MAX_NAME_LENGTH = 80
OTHER_INVITED = "Other invited"
"""The channel of invited reviews without a value in the grouping column."""
ORGANIC = "Organic"
HISTORY_COLUMNS: tuple[str, ...] = (
    "channel", "invited", "reviews", "reviews_per_day", "reviews_per_month", "mean_stars",
    "share_1", "share_2", "share_3", "share_4", "share_5",
)
_WEB_ADDRESS = re.compile(r"^[a-z][a-z0-9+.-]*://|^www\.|^[\w-]+(\.[\w-]+)+/", re.IGNORECASE)
"""A web address: a scheme (``https://``), ``www.`` or a domain with a path."""


@dataclass(frozen=True)
class Channel:
    """One way of asking for reviews: a name, requests a day, the share that turn into a
    review (0..1) and their star mix (five shares for 1..5 stars), validated once."""

    name: str
    requests_per_day: float
    response_rate: float
    mix: StarMix

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ParameterError(f"A channel needs a name (some text), got {self.name!r}.")
        name = self.name.strip()
        if len(name) > MAX_NAME_LENGTH:
            raise ParameterError(
                f"A channel name must be at most {MAX_NAME_LENGTH} characters; "
                f"{name[:20]!r}... has {len(name)}."
            )
        values = {
            "name": name,
            "requests_per_day": validation.rate(f"requests_per_day of channel {name!r}",
                                                self.requests_per_day, MAX_RATE_PER_DAY),
            "response_rate": validation.share(f"response_rate of channel {name!r}",
                                              self.response_rate),
            "mix": validation.star_mix(self.mix, f"mix of channel {name!r}"),
        }
        for key, value in values.items():
            object.__setattr__(self, key, value)

    @property
    def reviews_per_day(self) -> float:
        """``v = requests_per_day * response_rate``."""
        return self.requests_per_day * self.response_rate

    @property
    def star_rates(self) -> np.ndarray:
        """``v * mix``: expected k-star reviews a day from this channel, k = 1..5."""
        return self.reviews_per_day * np.asarray(self.mix)


def _checked(channels: Sequence[Channel]) -> tuple[Channel, ...]:
    found = tuple(channels)
    if not all(isinstance(c, Channel) for c in found):
        raise ParameterError("channels must be a sequence of Channel objects.")
    seen: dict[str, str] = {}
    for c in found:
        first = seen.setdefault(c.name.casefold(), c.name)
        if first != c.name or sum(n == c.name for n in (x.name for x in found)) > 1:
            raise ParameterError(
                f"Channel names must differ (ignoring case); {first!r} and {c.name!r} clash. "
                "Rename one or merge them."
            )
    return found


def _pooled(rates: Sequence[float], mixes: Sequence[np.ndarray], fallback: StarMix
            ) -> tuple[float, StarMix]:
    """``(V, sum_i v_i m_i / V)``; the fallback mix when ``V = 0``."""
    total = float(sum(rates))
    if total <= 0:
        return 0.0, fallback
    summed = sum((v * m for v, m in zip(rates, mixes, strict=True)), np.zeros(5))
    return total, validation.star_mix(summed / total)


def channel_inputs(
    channels: Sequence[Channel],
    organic_per_day: float,
    organic_mix: MixLike,
    *,
    vary: int | None = None,
    **settings: Any,
) -> ProjectionInputs:
    """The channels and the organic reviews as :class:`ProjectionInputs` (exact under the
    Poisson model: independent per-star streams add up).

    With ``v_i = requests_i * response_i`` and ``o`` the organic reviews a day:

    - ``vary=None``: the invited source is every channel at once,
      ``requests_per_day = sum_i v_i``, ``response_rate = 1``,
      ``invited_mix = sum_i v_i m_i / sum_i v_i``; the organic source is as given;
    - ``vary=i``: the invited source is channel i (its requests, response rate and mix,
      so :func:`~scoring.projection.goal_seek.requests_needed` solves for its volume),
      and the organic source is ``o + sum_{j != i} v_j`` reviews a day with mix
      ``(o m_org + sum_{j != i} v_j m_j) / (o + sum_{j != i} v_j)``.

    When a pooled rate is 0 its mix is the first channel's (or the organic mix), which
    then has no weight. ``settings`` go to :class:`ProjectionInputs` as they are
    (``horizon_days`` is required; ``params``, ``paths``, ``seed``...).
    """
    found = _checked(channels)
    organic = validation.rate("organic_per_day", organic_per_day, MAX_RATE_PER_DAY)
    org_mix = validation.star_mix(organic_mix, "organic_mix")
    if vary is None:
        first = found[0].mix if found else UNIFORM_MIX
        volume, mix = _pooled([c.reviews_per_day for c in found],
                              [np.asarray(c.mix) for c in found], first)
        if volume > MAX_RATE_PER_DAY:
            raise ParameterError(
                f"The channels bring {volume:,.0f} reviews a day together, more than "
                f"{MAX_RATE_PER_DAY:,.0f}."
            )
        return ProjectionInputs(requests_per_day=volume, response_rate=1.0, invited_mix=mix,
                                organic_per_day=organic, organic_mix=org_mix, **settings)
    if isinstance(vary, bool) or not isinstance(vary, int) or not 0 <= vary < len(found):
        raise ParameterError(
            f"vary must be the index of a channel, from 0 to {len(found) - 1}; got {vary!r}."
        )
    chosen = found[vary]
    others = [c for i, c in enumerate(found) if i != vary]
    rest, rest_mix = _pooled([organic, *(c.reviews_per_day for c in others)],
                             [np.asarray(org_mix), *(np.asarray(c.mix) for c in others)],
                             org_mix)
    return ProjectionInputs(
        requests_per_day=chosen.requests_per_day, response_rate=chosen.response_rate,
        invited_mix=chosen.mix, organic_per_day=min(rest, MAX_RATE_PER_DAY),
        organic_mix=rest_mix, **settings,
    )


def channel_requests_needed(
    reviews: pd.DataFrame,
    channels: Sequence[Channel],
    organic_per_day: float,
    organic_mix: MixLike,
    *,
    channel: int,
    target: float | str,
    by: object,
    target_kind: TargetKind = "score",
    bands: LabelBands = DEFAULT_LABEL_BANDS,
    probability: float | None = None,
    as_of: object = None,
    max_requests_per_day: float = DEFAULT_MAX_REQUESTS_PER_DAY,
    **settings: Any,
) -> GoalSeek:
    """The fewest requests a day through channel ``channel`` (an index) that reach
    ``target`` by ``by``, every other channel and the organic reviews as set.

    :func:`channel_inputs` with ``vary=channel`` makes the other channels part of the
    organic source (exact, see there), then
    :func:`~scoring.projection.goal_seek.requests_needed` solves for the chosen
    channel's requests at its response rate and mix. ``settings`` go to
    :class:`ProjectionInputs` (``params``, ``paths``, ``seed``...; ``horizon_days`` is
    not used by the seek and defaults to 1).
    """
    settings.setdefault("horizon_days", 1)
    inputs = channel_inputs(channels, organic_per_day, organic_mix, vary=channel, **settings)
    return requests_needed(reviews, inputs, target=target, by=by, target_kind=target_kind,
                           bands=bands, probability=probability, as_of=as_of,
                           max_requests_per_day=max_requests_per_day)


# --------------------------------------------------------------------------- history


def _column_values(counted: pd.DataFrame, column: str) -> pd.Series:
    """The column as stripped text, empty values as NA; for ``tags`` each review's first
    tag (the text before the first comma of :data:`~scoring.reviews.TAG_SEPARATOR`)."""
    values = counted[column].astype("string")
    if column == "tags":
        values = values.str.split(TAG_SEPARATOR.strip(), n=1).str[0]
    values = values.str.strip()
    return values.mask(values == "")


def _upto(reviews: pd.DataFrame, as_of: object) -> tuple[pd.DataFrame, np.ndarray, int | None]:
    """Counted reviews up to ``as_of`` (default: the newest), their times, the end (ns)."""
    counted = counted_reviews(reviews)
    times = times_ns(counted)
    if as_of is not None:
        end: int | None = to_utc_timestamp(as_of).as_unit("ns").value
    else:
        end = int(times.max()) if len(times) else None
    if end is None:
        return counted.iloc[:0], times[:0], None
    keep = times <= end
    return counted.loc[keep], times[keep], end


def qualifies(values: pd.Series) -> bool:
    """Whether these values (one per invited review, NA: none) tell channels apart: 2 to
    :data:`MAX_CHANNELS` distinct values, none a web address, each at least
    :data:`MIN_CHANNEL_SHARE` of the reviews with a value."""
    counts = values.dropna().value_counts()
    if not 2 <= len(counts) <= MAX_CHANNELS:
        return False
    if any(_WEB_ADDRESS.search(str(v)) for v in counts.index):
        return False
    return bool(counts.min() >= MIN_CHANNEL_SHARE * counts.sum())


def channel_groupings(reviews: pd.DataFrame, *, as_of: object = None) -> tuple[str, ...]:
    """The columns of :data:`CHANNEL_COLUMNS` that tell request channels apart in
    ``reviews`` (by the rule of :func:`qualifies`, over the counted invited reviews up
    to ``as_of``), in that order; empty when none does or nothing says which reviews
    were invited."""
    counted, _, _ = _upto(reviews, as_of)
    invited = invited_flags(counted)
    return tuple(
        column for column in CHANNEL_COLUMNS
        if column in counted.columns and qualifies(_column_values(counted, column)[invited])
    )


def channel_history(
    reviews: pd.DataFrame,
    *,
    by: str = "source",
    as_of: object = None,
    window_days: float = DEFAULT_WINDOW_DAYS,
) -> pd.DataFrame:
    """What each channel brought in the window ``(as_of - window_days, as_of]``.

    One row per value of column ``by`` (for ``tags``: a review's first tag) among the
    counted invited reviews up to ``as_of`` (most reviews in the window first), then
    ``"Other invited"`` when invited reviews have no value (nothing is dropped), then
    ``"Organic"`` (every review not invited, whatever its value). Columns: ``channel``,
    ``invited``, ``reviews`` (in the window), ``reviews_per_day = reviews / window_days``,
    ``reviews_per_month`` (``* DAYS_PER_MONTH``), ``mean_stars`` (NaN without reviews in
    the window) and ``share_1..share_5``, the star mix: the window's, else (none in the
    window) the row's reviews before it, else the window's invited mix, else even. So the
    invited rows' ``reviews_per_day`` add up to the invited reviews a day of
    :func:`~scoring.projection.rates.recent_rates`.
    """
    window = validation.number("window_days", window_days)
    if not (math.isfinite(window) and 0 < window <= MAX_HORIZON_DAYS):
        raise ParameterError(
            f"window_days must be a number of days above 0 and at most {MAX_HORIZON_DAYS}, "
            f"got {window_days!r}."
        )
    if by not in CHANNEL_COLUMNS:
        raise ParameterError(f"by must be one of {', '.join(map(repr, CHANNEL_COLUMNS))}; "
                             f"got {by!r}.")
    counted, times, end = _upto(reviews, as_of)
    if by not in counted.columns and len(counted):
        raise ReviewDataError(f"The reviews have no {by!r} column: channels cannot be read "
                              "from it. Use channel_groupings to see which columns can.")
    invited = invited_flags(counted)
    stars = counted["rating"].to_numpy(dtype="int64")
    inside = times > (end - window * NS_PER_DAY) if end is not None else times > 0
    values = (_column_values(counted, by) if by in counted.columns
              else pd.Series(pd.NA, index=counted.index, dtype="string"))
    labels = values.fillna(OTHER_INVITED).where(invited, ORGANIC).to_numpy(dtype=object)

    def counts(mask: np.ndarray) -> np.ndarray:
        return np.bincount(stars[mask] - 1, minlength=5)[:5].astype("float64")

    invited_window = counts(inside & invited)
    names = pd.Series(labels[invited]).value_counts().index.tolist()
    in_window = pd.Series(labels[inside & invited]).value_counts()
    names.sort(key=lambda n: (n == OTHER_INVITED, -int(in_window.get(n, 0)), str(n)))
    rows = []
    for name in [*names, ORGANIC]:
        mine = labels == name
        window_counts, before = counts(mine & inside), counts(mine)
        mix = next((c / c.sum() for c in (window_counts, before, invited_window) if c.sum() > 0),
                   np.asarray(UNIFORM_MIX))
        total = float(window_counts.sum())
        rows.append({
            "channel": str(name), "invited": name != ORGANIC, "reviews": int(total),
            "reviews_per_day": total / window, "reviews_per_month": total / window * DAYS_PER_MONTH,
            "mean_stars": float(np.arange(1, 6) @ window_counts / total) if total else math.nan,
            **{f"share_{k}": float(mix[k - 1]) for k in range(1, 6)},
        })
    return pd.DataFrame(rows, columns=list(HISTORY_COLUMNS))


def channels_from_history(history: pd.DataFrame, response_rate: float) -> tuple[Channel, ...]:
    """The invited rows of :func:`channel_history` as channels that keep their recent
    pace at ``response_rate``: ``requests_per_day = reviews_per_day / response_rate``."""
    rate = validation.share("response_rate", response_rate)
    if rate <= 0:
        raise ParameterError("response_rate must be above 0 to turn reviews into requests.")
    invited = history[history["invited"].astype(bool)]
    mixes = invited[[f"share_{k}" for k in range(1, 6)]].to_numpy(dtype="float64")
    volumes = invited["reviews_per_day"].to_numpy(dtype="float64")
    return tuple(
        Channel(str(name), float(volume) / rate, rate, validation.star_mix(mix))
        for name, volume, mix in zip(invited["channel"], volumes, mixes, strict=True)
    )
