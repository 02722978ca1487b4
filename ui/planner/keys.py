"""The planner's session-state keys (no streamlit).

Every input's key is also its name in the URL's query string (the widgets are bound
with :data:`BIND`), so a shared link is only as stable as these spellings: never
rename one. The scenario keys are session-only (not in the URL).
"""

from __future__ import annotations

from typing import Any

HORIZON = "plan_horizon"
CHANNELS = "plan_channels"
"""The request channels (a tuple of ``ChannelPlan``); in the URL as one parameter of
that name (``ui.planner.channels.encode_channels``), written by the page itself."""
CHANNELS_FROM = "plan_channels_from"
"""Which column the data's channels come from ("source", "location", "tags" or "none");
in the URL as its label (``defaults.GROUPING_NAMES``: "Collection method", "Location",
"Tag", "One invited channel"), so those labels are link spellings too."""
REQUESTS = "plan_requests"
RESPONSE = "plan_response"
INVITED_MIX = tuple(f"plan_inv_{k}" for k in range(1, 6))
"""Older links' one invited channel: requests, response rate and star mix 1★ to 5★. No
widget has these keys any more; a link holding them opens as one "Invited" channel."""
LEGACY = (REQUESTS, RESPONSE, *INVITED_MIX)
ORGANIC = "plan_organic"
ORGANIC_MIX = tuple(f"plan_org_{k}" for k in range(1, 6))
"""The organic star mix, 1★ to 5★ (percentages)."""
TARGET_KIND = "plan_target_kind"
TARGET_LABEL = "plan_target_label"
TARGET_STARS = "plan_target_stars"
TARGET_SCORE = "plan_target_score"
TARGET_DATE = "plan_target_date"

INPUTS = (HORIZON, CHANNELS_FROM, ORGANIC, *ORGANIC_MIX, TARGET_KIND, TARGET_LABEL,
          TARGET_STARS, TARGET_SCORE, TARGET_DATE)
"""Every widget bound to the URL; with :data:`CHANNELS`, what a shared link carries."""

CHANNELS_BASE = "plan_channels_base"
"""The channels the editor started from (it keeps its edits on top of them)."""
CHANNELS_VERSION = "plan_channels_version"
"""Bumped whenever the channels are set from code (a button, a scenario, a link): the
editor gets a new key, so it starts afresh from the new channels."""
CHANNEL_NOTES = "plan_channel_notes"
"""What had to be done to the channels a link or scenario held, for the next run."""
SOLVE_FOR = "plan_solve_for"
"""The channel the goal seek solves for (its name)."""

SCENARIO_NAME = "plan_scenario_name"
SCENARIO_PICK = "plan_scenario"
COMPARE = "plan_compare"
FLASH = "plan_flash"
"""A message for the next run (see :mod:`ui.planner.flash`)."""



def channel_editor(version: int) -> str:
    """The channels editor's key (its edit state in session state)."""
    return f"plan_channel_editor_{version}"


BIND: dict[str, Any] = {"bind": "query-params", "persist_state": "session"}
"""Widget keyword arguments: the value lives in the URL and survives page switches."""
