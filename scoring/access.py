"""Who is asking the workspace for what: teams, roles and the refusal they get.

A :class:`Scope` names the signed-in user (their email, or ``"local"`` when the app
runs without sign-in), the team their saved datasets, scenarios and published
readings belong to, and their role:

============  ==================================================================
role          may
============  ==================================================================
``viewer``    open the team's saved datasets and scenarios, and export them
``analyst``   also save, rename and delete within the team (``can_write``)
``admin``     everything, in every team (``sees_all_teams``), and read the audit
============  ==================================================================

:data:`LOCAL_SCOPE` is local mode (no sign-in configured): one admin of the
:data:`DEFAULT_TEAM`, i.e. the workspace behaves as it did before teams existed.
Rows saved before teams existed belong to :data:`DEFAULT_TEAM` too.

:class:`AccessDenied` is the refusal: a :class:`~scoring.errors.WorkspaceError`
(so a ``ValueError``) whose message names what was refused and why, never the
data of another team.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from scoring.errors import WorkspaceError

Role = Literal["viewer", "analyst", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "analyst", "admin")
"""The roles, least to most allowed."""

DEFAULT_TEAM = "default"
"""The team of local mode and of rows saved before teams existed."""

TEAM_MAX_LENGTH = 80


class AccessDenied(WorkspaceError):
    """The scope asking may not do this: its role is too low, or the item belongs to
    another team. The message says what was refused and why."""


@dataclass(frozen=True)
class Scope:
    """Who is asking: the signed-in user (email, or ``"local"`` in local mode), their
    team and role.

    Built values are checked: ``user`` and ``team`` are non-empty text (at most 80
    characters for the team, no control characters), ``role`` one of :data:`ROLES`;
    anything else raises :class:`~scoring.errors.WorkspaceError`, so a mistyped teams
    file fails where it is read rather than granting something.
    """

    user: str
    team: str
    role: Role

    def __post_init__(self) -> None:
        if not isinstance(self.user, str) or not self.user.strip():
            raise WorkspaceError(f"A scope needs a user name, not {self.user!r}.")
        if not isinstance(self.team, str) or not self.team.strip():
            raise WorkspaceError(f"A scope needs a team name, not {self.team!r}.")
        if len(self.team) > TEAM_MAX_LENGTH:
            raise WorkspaceError(
                f"The team name is {len(self.team)} characters long; use at most "
                f"{TEAM_MAX_LENGTH}."
            )
        if any(ord(char) < 32 or ord(char) == 127 for char in self.team + self.user):
            raise WorkspaceError("A user or team name contains a control character.")
        if self.role not in ROLES:
            raise WorkspaceError(
                f"Unknown role {self.role!r}; use one of {', '.join(ROLES)}."
            )

    def can_write(self) -> bool:
        """Analyst or admin: may save, rename and delete (within the team; admin: any)."""
        return self.role in ("analyst", "admin")

    def sees_all_teams(self) -> bool:
        """Admin: reads and writes every team's rows and reads the audit trail."""
        return self.role == "admin"

    def require_write(self, what: str) -> None:
        """Raise :class:`AccessDenied` unless this scope may write; ``what`` names the
        action (e.g. ``"save the dataset 'June'"``) for the message."""
        if not self.can_write():
            raise AccessDenied(
                f"{self.user} may not {what}: the role {self.role!r} in team "
                f"{self.team!r} can open and export only; saving, renaming and deleting "
                "need the analyst or admin role (ask an admin of this server)."
            )

    def require_admin(self, what: str) -> None:
        """Raise :class:`AccessDenied` unless this scope is an admin."""
        if not self.sees_all_teams():
            raise AccessDenied(
                f"{self.user} may not {what}: that needs the admin role (the role is "
                f"{self.role!r})."
            )

    def may_touch(self, team: str) -> bool:
        """Whether a row of ``team`` is visible to this scope."""
        return self.sees_all_teams() or team == self.team


LOCAL_SCOPE = Scope(user="local", team=DEFAULT_TEAM, role="admin")
"""Local mode (no sign-in configured): the workspace as it was before teams."""
