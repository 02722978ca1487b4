"""Audit: who did what to the workspace's datasets and scenarios, and when (admins)."""

from __future__ import annotations

from ui import audit

audit.render()
