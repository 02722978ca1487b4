"""scoring.access: the scope of a request and what each role may do."""

from __future__ import annotations

import dataclasses

import pytest

from scoring.access import (
    DEFAULT_TEAM,
    LOCAL_SCOPE,
    ROLES,
    AccessDenied,
    Scope,
)
from scoring.errors import WorkspaceError


def test_roles_in_order_and_local_scope_is_default_team_admin() -> None:
    assert ROLES == ("viewer", "analyst", "admin")
    assert DEFAULT_TEAM == "default"
    assert Scope(user="local", team="default", role="admin") == LOCAL_SCOPE


@pytest.mark.parametrize(
    ("role", "write", "all_teams"),
    [("viewer", False, False), ("analyst", True, False), ("admin", True, True)],
)
def test_what_each_role_may_do(role: str, write: bool, all_teams: bool) -> None:
    scope = Scope(user="a@example.com", team="north", role=role)  # type: ignore[arg-type]
    assert scope.can_write() is write
    assert scope.sees_all_teams() is all_teams
    assert scope.may_touch("north")
    assert scope.may_touch("south") is all_teams


def test_access_denied_is_a_workspace_error_naming_role_and_action() -> None:
    assert issubclass(AccessDenied, WorkspaceError)
    assert issubclass(AccessDenied, ValueError)
    viewer = Scope(user="v@example.com", team="north", role="viewer")
    with pytest.raises(AccessDenied, match=r"v@example.com may not save the dataset 'x'.*viewer"):
        viewer.require_write("save the dataset 'x'")
    with pytest.raises(AccessDenied, match="admin role"):
        Scope(user="a", team="north", role="analyst").require_admin("read the audit trail")
    Scope(user="a", team="north", role="analyst").require_write("save")  # no raise
    LOCAL_SCOPE.require_admin("read the audit trail")  # no raise


@pytest.mark.parametrize(
    ("user", "team", "role"),
    [
        ("", "north", "viewer"),
        ("a", " ", "viewer"),
        ("a", "north", "owner"),
        ("a", "x" * 81, "viewer"),
        ("a", "no\nrth", "viewer"),
        ("a", None, "viewer"),
    ],
)
def test_a_malformed_scope_is_refused(user: object, team: object, role: object) -> None:
    with pytest.raises(WorkspaceError):
        Scope(user=user, team=team, role=role)  # type: ignore[arg-type]


def test_scope_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        LOCAL_SCOPE.role = "viewer"  # type: ignore[misc]
