"""Moved: the planner lives in :mod:`ui.planner`, one concept per module.

Kept only for ``tests/app/test_hostile_uploads.py`` (not the planner's to edit), which
reads the scenario widgets' keys from here; delete this file once it imports
:mod:`ui.planner.keys`.
"""

from ui.planner.keys import SCENARIO_NAME, SCENARIO_PICK

__all__ = ["SCENARIO_NAME", "SCENARIO_PICK"]
