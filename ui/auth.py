"""Who is using the app: sign-in (Streamlit's OIDC ``st.login``), teams and roles.

Two modes:

- **Local** (no ``[auth]`` section in ``.streamlit/secrets.toml``): as before sign-in
  existed, everyone who can reach the server shares one workspace with full rights
  (:data:`scoring.access.LOCAL_SCOPE`); the app says so once per session.
- **Signed in** (``[auth]`` present): nothing but a sign-in screen until the user has
  signed in with the OIDC provider; then the teams file maps the user's email (exact
  address, else a group from the ``groups`` claim, else the email's domain) to a team
  and a role. A user the file does not map is refused, with the fix named.

The user's :class:`~scoring.access.Scope` is worked out once per session and kept in
``st.session_state``: reruns after sign-in read it back and do no other work.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import streamlit as st

from scoring.access import (
    DEFAULT_TEAM,
    LOCAL_SCOPE,
    ROLES,
    TEAM_MAX_LENGTH,
    AccessDenied,
    Role,
    Scope,
)
from scoring.errors import WorkspaceError
from ui.format import escape_markdown

ROOT = Path(__file__).resolve().parents[1]
TEAMS_ENV_VAR = "TRUSTLENS_TEAMS"
DEFAULT_TEAMS_PATH = ROOT / ".streamlit" / "teams.toml"
SCOPE_KEY = "auth_scope"
"""Session state: the resolved :class:`Scope` (or None for a refused user)."""
NOTICE_KEY = "auth_local_notice_shown"
LOCAL_NOTICE = ("No sign-in is set up: everyone who can reach this server sees the "
                "workspace and can change it.")
_RANK = {role: rank for rank, role in enumerate(ROLES)}


class TeamsConfigError(ValueError):
    """The teams file cannot be read; the message names the file and the entry."""


@dataclass(frozen=True)
class Membership:
    """A team and the role held in it."""

    team: str
    role: Role


@dataclass(frozen=True)
class TeamsConfig:
    """Who belongs to which team: by exact email, by OIDC group, by email domain.

    Keys are compared in lower case (emails and domains are case-insensitive).
    """

    users: Mapping[str, Membership] = field(default_factory=dict)
    groups: Mapping[str, Membership] = field(default_factory=dict)
    domains: Mapping[str, Membership] = field(default_factory=dict)

    def resolve(self, email: str, groups: Iterable[str] = ()) -> Membership | None:
        """The membership of ``email``: the exact address first; else the highest role
        among the user's groups (the file's order breaks a tie); else the address's
        domain (``a@x.example`` matches ``x.example``, then ``example``). None when
        nothing matches."""
        address = email.strip().lower()
        if address in self.users:
            return self.users[address]
        names = {g.strip().lower() for g in groups}
        matched = [m for name, m in self.groups.items() if name in names]
        if matched:
            return max(matched, key=lambda m: _RANK[m.role])  # max keeps the first tie
        domain = address.rpartition("@")[2] if "@" in address else ""
        while domain:
            if domain in self.domains:
                return self.domains[domain]
            domain = domain.partition(".")[2]
        return None


def _membership(where: str, key: str, value: object) -> Membership:
    if not isinstance(value, Mapping):
        raise TeamsConfigError(f"{where} \"{key}\": expected {{ team = \"…\", role = \"…\" }}.")
    unknown = set(value) - {"team", "role"}
    if unknown:
        raise TeamsConfigError(f"{where} \"{key}\": unknown field(s) {', '.join(sorted(unknown))}.")
    team = value.get("team")
    if not isinstance(team, str) or not team.strip():
        raise TeamsConfigError(f"{where} \"{key}\": the team must be a non-empty text.")
    if len(team.strip()) > TEAM_MAX_LENGTH:
        raise TeamsConfigError(
            f"{where} \"{key}\": the team name is longer than {TEAM_MAX_LENGTH} characters."
        )
    role = value.get("role", "viewer")
    if role not in ROLES:
        raise TeamsConfigError(
            f"{where} \"{key}\": the role must be one of {', '.join(ROLES)}, not {role!r}."
        )
    try:  # the scope's own checks (control characters...), with the entry named
        Scope(user=key, team=team.strip(), role=cast(Role, role))
    except WorkspaceError as error:
        raise TeamsConfigError(f"{where} \"{key}\": {error}") from error
    return Membership(team.strip(), cast(Role, role))


def parse_teams(data: Mapping[str, Any]) -> TeamsConfig:
    """A :class:`TeamsConfig` from the parsed TOML: tables ``[users]``, ``[groups]`` and
    ``[domains]``, each ``"key" = { team = "…", role = "viewer|analyst|admin" }`` (role
    defaults to viewer, the least). Raises :class:`TeamsConfigError` on anything else."""
    unknown = set(data) - {"users", "groups", "domains"}
    if unknown:
        raise TeamsConfigError(
            f"unknown section(s) {', '.join(sorted(unknown))}; expected users, groups, domains."
        )
    tables: dict[str, dict[str, Membership]] = {}
    for section in ("users", "groups", "domains"):
        table = data.get(section, {})
        if not isinstance(table, Mapping):
            raise TeamsConfigError(f"[{section}] must be a table.")
        found: dict[str, Membership] = {}
        for key, value in table.items():
            name = key.strip().lower().lstrip("@") if section == "domains" else key.strip().lower()
            if not name:
                raise TeamsConfigError(f"[{section}] has an empty key.")
            if section == "users" and "@" not in name:
                raise TeamsConfigError(f"[users] \"{key}\" is not an email address.")
            if name in found:
                raise TeamsConfigError(f"[{section}] \"{key}\" is listed twice.")
            found[name] = _membership(f"[{section}]", key, value)
        tables[section] = found
    return TeamsConfig(tables["users"], tables["groups"], tables["domains"])


def teams_path() -> Path:
    """``$TRUSTLENS_TEAMS`` when set, else ``.streamlit/teams.toml`` next to app.py."""
    configured = os.environ.get(TEAMS_ENV_VAR, "").strip()
    return Path(configured).expanduser() if configured else DEFAULT_TEAMS_PATH


def load_teams(path: Path) -> TeamsConfig:
    """Read and check the teams file (an absent file maps nobody)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return TeamsConfig()
    except OSError as error:
        raise TeamsConfigError(f"{path} cannot be read: {error.strerror}.") from error
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TeamsConfigError(f"{path} is not valid TOML: {error}.") from error
    try:
        return parse_teams(data)
    except TeamsConfigError as error:
        raise TeamsConfigError(f"{path}: {error}") from error


def scope_for(email: str, groups: Iterable[str], teams: TeamsConfig) -> Scope | None:
    """The signed-in user's :class:`Scope`, or None when the teams file does not map them."""
    found = teams.resolve(email, groups)
    if found is None or not email.strip():
        return None
    return Scope(user=email.strip().lower(), team=found.team, role=found.role)


def auth_configured() -> bool:
    """Whether sign-in is on: an ``[auth]`` section in the secrets."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return False


def _claim_groups(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return []


def current_scope() -> Scope:
    """Who is asking, resolved once per session.

    Local mode: :data:`LOCAL_SCOPE`. Signed in: the user's team and role. Call
    :func:`gate` first: a signed-out or unmapped user never reaches a page; called
    without a resolved scope in signed-in mode, this raises :class:`AccessDenied`.
    """
    found = st.session_state.get(SCOPE_KEY)
    if isinstance(found, Scope):
        return found
    if not auth_configured():
        st.session_state[SCOPE_KEY] = LOCAL_SCOPE
        return LOCAL_SCOPE
    raise AccessDenied("Sign in first: nobody is signed in in this session.")


def _email() -> str:
    return str(st.user.get("email") or "").strip().lower()


def _resolve_signed_in() -> Scope | None:
    email = _email()
    groups = _claim_groups(st.user.get("groups"))
    return scope_for(email, groups, load_teams(teams_path()))


def sign_in_screen() -> None:
    """The whole page for a signed-out user: what the app is and one sign-in button."""
    st.title("TrustLens", anchor=False)
    st.subheader("Sign in to open your team's workspace", anchor=False)
    st.write("This server keeps each team's saved datasets and scenarios apart. "
             "Sign in with your organisation's account to continue.")
    st.button("Sign in", type="primary", icon=":material/login:", on_click=st.login,
              key="auth_sign_in")


def refusal_screen(email: str) -> None:
    """The whole page for a signed-in user the teams file does not map."""
    st.title("TrustLens", anchor=False)
    st.error(escape_markdown(
        f"You are signed in as {email or 'a user without an email address'}, but you are "
        "not a member of any team on this server, so there is nothing you may see."
    ))
    st.write("Ask an admin of this server to add your email address, or your email's "
             "domain, to the teams file (`" + escape_markdown(teams_path().name) + "`).")
    st.button("Sign out", icon=":material/logout:", on_click=st.logout, key="auth_sign_out")


def gate() -> Scope:
    """Run before navigation: returns the session's scope, or draws the sign-in, refusal
    or configuration-error screen and stops the script."""
    found = st.session_state.get(SCOPE_KEY)
    if isinstance(found, Scope):
        if found == LOCAL_SCOPE and not auth_configured():
            return found
        # Two dictionary reads: still the same signed-in user (never another's scope).
        if st.user.get("is_logged_in") and _email() == found.user:
            return found
        del st.session_state[SCOPE_KEY]  # signed out, or someone else: resolve again
    if not auth_configured():
        st.session_state[SCOPE_KEY] = LOCAL_SCOPE
        if not st.session_state.get(NOTICE_KEY):
            st.session_state[NOTICE_KEY] = True
            st.toast(LOCAL_NOTICE, icon=":material/group:", duration="long")
        return LOCAL_SCOPE
    if not st.user.get("is_logged_in"):
        sign_in_screen()
        st.stop()
    try:
        scope = _resolve_signed_in()
    except TeamsConfigError as error:
        st.title("TrustLens", anchor=False)
        st.error(escape_markdown(f"The teams file cannot be used: {error} Ask an admin of "
                                 "this server to correct it."))
        st.button("Sign out", icon=":material/logout:", on_click=st.logout,
                  key="auth_sign_out")
        st.stop()
    if scope is None:
        refusal_screen(str(st.user.get("email") or ""))
        st.stop()
    st.session_state[SCOPE_KEY] = scope
    return scope


def sidebar_user() -> None:
    """Signed in: the user, team and role, and a sign-out button, in the sidebar."""
    scope = current_scope()
    if scope == LOCAL_SCOPE and not auth_configured():
        return
    with st.sidebar.container(border=True):
        every = " (sees every team)" if scope.sees_all_teams() else ""
        st.text(scope.user)  # plain text: an address is not turned into a link
        st.caption(escape_markdown(f"{scope.role.capitalize()} · team {scope.team}{every}"))
        st.button("Sign out", icon=":material/logout:", on_click=st.logout,
                  key="auth_sidebar_sign_out", width="stretch")


def read_only_reason(scope: Scope, action: str) -> str:
    """One plain sentence saying why ``action`` is not offered to ``scope``."""
    return (f"You are a viewer in team {scope.team}: you can open and export, but "
            f"{action} needs the analyst role. Ask an admin if you need it.")


__all__ = [
    "DEFAULT_TEAM", "LOCAL_SCOPE", "Membership", "TeamsConfig", "TeamsConfigError",
    "auth_configured", "current_scope", "gate", "load_teams", "parse_teams",
    "read_only_reason", "scope_for", "sidebar_user", "teams_path",
]
