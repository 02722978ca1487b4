"""Yes/no columns: Trustpilot's ``counts`` flags and whether a review was invited.

Trustpilot does not count reviews flagged ``filtered`` or ``pending`` or with
``countsTowardsTrustScore = false``; :func:`counts_from_flags` folds those into the
canonical ``counts`` column (a missing flag does not exclude a review).

The collection method (``Source Of Review``, ``source``, ``reviewSourceName``)
decides ``invited``: ``Organic`` is unsolicited (False); links and invitations
(``BasicLink``, ``BusinessGeneratedLink``, ``InvitationApi``, ``InvitationLinkApi``,
automatic or manual invitations, embedded review forms) are invited (True);
anything else is unknown (NA).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_TRUE = {"true", "t", "yes", "y", "1", "1.0", "wahr", "ja", "oui", "vrai", "si", "sí", "waar"}
_FALSE = {
    "false", "f", "no", "n", "0", "0.0", "falsch", "nein", "non", "faux", "onwaar", "nee",
}  # fmt: skip
_ORGANIC = {"organic", "unsolicited", "organisch", "organique", "orgánico", "organico"}
_INVITED_EXACT = {
    "basiclink", "businessgeneratedlink", "invitationapi", "invitationlinkapi", "invitations",
    "invitation", "invited", "automaticinvitation", "automaticinvitations", "manualinvitation",
    "manualinvitations", "afsinvitation", "embeddedreviewform", "reviewform", "ecommerceapi",
    "integration", "integrations", "businessinvitation", "serviceinvitation",
    "productinvitation", "redirect", "verifiedinvitation",
}  # fmt: skip


def _norm(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def parse_bools(values: pd.Series) -> pd.Series:
    """Yes/no values as a nullable ``boolean`` Series (NA when neither)."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("boolean")
    if pd.api.types.is_numeric_dtype(values.dtype):
        numbers = values.to_numpy(dtype="float64", na_value=np.nan)
        result = pd.array(numbers == 1, dtype="boolean")
        result[~((numbers == 0) | (numbers == 1))] = pd.NA
        return pd.Series(result, index=values.index)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lookup = np.empty(len(uniques) + 1, dtype=object)
    lookup[-1] = pd.NA
    for i, text in enumerate(uniques):
        key = str(text).strip().casefold()
        lookup[i] = True if key in _TRUE else (False if key in _FALSE else pd.NA)
    return pd.Series(pd.array(lookup[codes], dtype="boolean"), index=values.index)


def bool_share(values: pd.Series, sample: int = 1000) -> float:
    """Share of the first ``sample`` non-empty values that read as yes/no."""
    head = values.iloc[: sample * 5]
    text = head.astype("str").str.strip()
    head = head[text.notna() & (text != "")].iloc[:sample]
    if len(head) == 0:
        return 0.0
    return float(parse_bools(head).notna().mean())


def url_share(values: pd.Series, sample: int = 1000) -> float:
    """Share of the first ``sample`` non-empty values that are web addresses."""
    text = values.iloc[: sample * 5].astype("str").str.strip()
    text = text[text.notna() & (text != "")].iloc[:sample]
    if len(text) == 0:
        return 0.0
    urls = text.str.contains(r"^(?:https?://|www\.)|://", regex=True).fillna(False)
    return float(urls.mean())


def invited_from_source(values: pd.Series) -> pd.Series:
    """Collection method -> invited (True), organic (False) or unknown (NA).

    Yes/no values are taken as they are, so a plain ``invited`` column works too.
    """
    if pd.api.types.is_bool_dtype(values.dtype) or pd.api.types.is_numeric_dtype(values.dtype):
        return parse_bools(values)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lookup = np.empty(len(uniques) + 1, dtype=object)
    lookup[-1] = pd.NA
    for i, text in enumerate(uniques):
        raw = str(text).strip().casefold()
        key = _norm(raw)
        if key in _ORGANIC:
            lookup[i] = False
        elif key in _INVITED_EXACT or "invit" in key or "einlad" in key or raw in _TRUE:
            lookup[i] = True
        elif raw in _FALSE:
            lookup[i] = False
        else:
            lookup[i] = pd.NA
    return pd.Series(pd.array(lookup[codes], dtype="boolean"), index=values.index)


def counts_from_flags(
    frame: pd.DataFrame, flags: dict[str, str], *, honour_flags: bool = True
) -> pd.Series:
    """The canonical ``counts`` column from Trustpilot's flags.

    ``flags`` maps ``filtered`` / ``pending`` / ``counts_towards`` to source
    columns. A review counts unless it is flagged filtered or pending, or marked as
    not counting towards the TrustScore. With ``honour_flags=False`` every review
    counts.
    """
    counts = np.ones(len(frame), dtype=bool)
    if not honour_flags:
        return pd.Series(counts, index=frame.index)
    for flag, column in flags.items():
        parsed = parse_bools(frame[column])
        if flag in ("filtered", "pending"):
            counts &= ~parsed.fillna(False).to_numpy(dtype=bool)
        else:
            counts &= parsed.fillna(True).to_numpy(dtype=bool)
    return pd.Series(counts, index=frame.index)
