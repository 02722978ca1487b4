"""The planner's session-state keys (no streamlit).

Every input's key is also its name in the URL's query string (the widgets are bound
with :data:`BIND`), so a shared link is only as stable as these spellings: never
rename one. The scenario keys are session-only (not in the URL).
"""

from __future__ import annotations

from typing import Any

HORIZON = "plan_horizon"
REQUESTS = "plan_requests"
RESPONSE = "plan_response"
INVITED_MIX = tuple(f"plan_inv_{k}" for k in range(1, 6))
"""The invited star mix, 1★ to 5★ (percentages)."""
ORGANIC = "plan_organic"
ORGANIC_MIX = tuple(f"plan_org_{k}" for k in range(1, 6))
"""The organic star mix, 1★ to 5★ (percentages)."""
TARGET_KIND = "plan_target_kind"
TARGET_LABEL = "plan_target_label"
TARGET_STARS = "plan_target_stars"
TARGET_SCORE = "plan_target_score"
TARGET_DATE = "plan_target_date"

INPUTS = (HORIZON, REQUESTS, RESPONSE, *INVITED_MIX, ORGANIC, *ORGANIC_MIX, TARGET_KIND,
          TARGET_LABEL, TARGET_STARS, TARGET_SCORE, TARGET_DATE)
"""Every input bound to the URL: what a shared link carries."""

SCENARIO_NAME = "plan_scenario_name"
SCENARIO_PICK = "plan_scenario"
COMPARE = "plan_compare"
FLASH = "plan_flash"
"""A message for the next run (see :mod:`ui.planner.flash`)."""

BIND: dict[str, Any] = {"bind": "query-params", "persist_state": "session"}
"""Widget keyword arguments: the value lives in the URL and survives page switches."""
