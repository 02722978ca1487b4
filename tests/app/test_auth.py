"""Sign-in and team scoping in the app (AppTest): local mode as before with one notice,
the sign-in and refusal screens, the user's scope resolved once per session, what a
viewer is not offered, a link to another team's dataset, the admin's Audit page."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import scoring
from scoring.access import Scope
from scoring.store import Workspace, default_workspace_path
from tests.app.conftest import APP, ROOT, TIMEOUT
from tests.helpers import TEAMS_TOML
from ui import auth

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret-0123456789",
    "client_id": "trustlens",
    "client_secret": "secret",
    "server_metadata_url": "http://localhost:9/.well-known/openid-configuration",
}
CSV = b"Date,Stars,Comment\n2024-01-05,5,Great\n2024-02-10,4,Fine\n2024-03-20,1,Awful\n"


@pytest.fixture(autouse=True)
def teams_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "teams.toml"
    path.write_text(TEAMS_TOML, encoding="utf-8")
    monkeypatch.setenv("TRUSTLENS_TEAMS", str(path))
    return path


def reviews() -> pd.DataFrame:
    return scoring.load_reviews(io.BytesIO(CSV)).reviews


def seed(name: str, team: str) -> int:
    """Save a small dataset as an analyst of ``team``; return its id."""
    with Workspace(default_workspace_path()) as ws:
        scoped = ws.scoped(Scope(user=f"seed@{team}.example", team=team, role="analyst"))
        return scoped.save_dataset(name, reviews(), {}).id


def signed_in(email: str | None, page: str | None = None, **query: str) -> AppTest:
    """The app with sign-in configured, as ``email`` (None: signed out)."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    at.user = ({"is_logged_in": True, "email": email} if email
               else {"is_logged_in": False})
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(str(ROOT / "app_pages" / page))
        at.run()
    return at


def texts(at: AppTest) -> str:
    parts = [e.value for e in (*at.markdown, *at.text, *at.caption, *at.info, *at.warning,
                               *at.error,
                               *at.title, *at.subheader)]
    return "\n".join(str(p) for p in parts).replace("\\", "")  # markdown escapes


def test_local_mode_runs_as_before_and_says_once_who_sees_the_workspace() -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert [t.value for t in at.toast] == [auth.LOCAL_NOTICE]
    assert "everyone who can reach this server" in auth.LOCAL_NOTICE
    assert at.selectbox(key="dataset").value == "demo"
    assert not [b for b in at.button if b.label == "Sign out"]
    at.run()
    assert not at.exception
    assert [t.value for t in at.toast] == []  # once per session


def test_signed_out_sees_the_sign_in_screen_and_nothing_else() -> None:
    seed("Acme June", "acme")
    at = signed_in(None)
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert "Sign in to open your team's workspace" in texts(at)
    assert not at.selectbox and not at.sidebar.children
    assert "Acme June" not in texts(at)


def test_an_unmapped_user_is_refused_with_the_fix() -> None:
    at = signed_in("mallory@elsewhere.example")
    assert not at.exception
    shown = texts(at)
    assert "not a member of any team" in shown
    assert "add your email address, or your email's domain, to the teams file" in shown
    assert [b.label for b in at.button] == ["Sign out"]
    assert not at.selectbox


def test_a_broken_teams_file_is_named_not_crashed(teams_file: Path) -> None:
    teams_file.write_text('[users]\n"alice@acme.example" = { team = "acme", role = "boss" }\n')
    at = signed_in("alice@acme.example")
    assert not at.exception
    assert "The teams file cannot be used" in texts(at)
    assert not at.selectbox


def test_teams_see_only_their_datasets_and_a_link_to_another_is_refused() -> None:
    seed("Acme June", "acme")
    seed("Globex June", "globex")
    at = signed_in("alice@acme.example")
    assert not at.exception
    labels = at.selectbox(key="dataset").options
    assert any("Acme June" in o for o in labels)
    assert not any("Globex June" in o for o in labels)
    assert "alice@acme.example" in texts(at)
    assert "Analyst · team acme" in texts(at)

    refused = signed_in("alice@acme.example", dataset="Saved: Globex June")
    assert not refused.exception
    assert "not available to you (another team's" in texts(refused)
    assert "Globex June" not in texts(refused)
    assert "Saved: Globex June" not in refused.selectbox(key="dataset").options
    assert refused.selectbox(key="dataset").value == "demo"


def test_the_scope_is_resolved_once_per_session(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[Path] = []
    real = auth.load_teams

    def counted(path: Path) -> auth.TeamsConfig:
        reads.append(path)
        return real(path)

    monkeypatch.setattr(auth, "load_teams", counted)
    at = signed_in("alice@acme.example")
    at.run()
    at.selectbox(key="dataset").set_value("demo").run()
    at.run()
    assert not at.exception
    assert len(reads) == 1
    assert at.session_state[auth.SCOPE_KEY] == Scope("alice@acme.example", "acme", "analyst")


def test_a_viewer_opens_but_is_not_offered_writes() -> None:
    acme = seed("Acme June", "acme")
    at = signed_in("bob@acme.example", dataset="Saved: Acme June")
    assert not at.exception
    assert at.selectbox(key="dataset").value == f"ws{acme}"
    shown = texts(at)
    assert "Viewer · team acme" in shown
    assert "renaming or deleting needs the analyst role" in shown
    assert not [b for b in at.button if b.label in ("Rename", "Delete")]

    importer = signed_in("bob@acme.example", "importer.py")
    assert not importer.exception
    assert "importing reviews needs the analyst role" in texts(importer)
    assert not importer.get("file_uploader")

    planner = signed_in("bob@acme.example", "planner.py")
    assert not planner.exception
    labels = {b.label for b in planner.button}
    assert "Load" in labels
    assert not labels & {"Save as a new scenario", "Update", "Delete"}
    assert "saving, updating or deleting scenarios needs the analyst role" in texts(planner)


def test_an_analyst_may_rename_within_the_team() -> None:
    seed("Acme June", "acme")
    at = signed_in("alice@acme.example", dataset="Saved: Acme June")
    assert not at.exception
    at.text_input(key="rename_to").set_value("Acme July")
    at.button(key="rename_button").click().run()
    assert not at.exception
    assert any("Acme July" in o for o in at.selectbox(key="dataset").options)


def test_the_audit_page_is_for_admins_and_lists_newest_first() -> None:
    seed("Acme June", "acme")
    seed("Globex June", "globex")
    signed_in("bob@acme.example", dataset="Saved: Acme June")  # records bob's "open"
    at = signed_in("ops@agency.example", "audit.py")
    assert not at.exception
    frame = at.dataframe[0].value
    assert list(frame.columns)[:4] == ["When (UTC)", "User", "Team", "Action"]
    assert frame["When (UTC)"].is_monotonic_decreasing
    assert frame.iloc[0]["User"] == "bob@acme.example"
    assert frame.iloc[0]["Action"] == "open"
    assert {"seed@acme.example", "seed@globex.example"} <= set(frame["User"])
    opened = frame[frame["Action"] == "open"].iloc[0]
    assert opened["Id"].isdigit() and opened["Name"] == "Acme June"
    assert not frame.isna().any().any()  # no cell reads "None"
    assert [b.proto.label for b in at.get("download_button")] == [
        "Download the audit trail (CSV)"]

    viewer = signed_in("bob@acme.example")  # the page is not in a viewer's navigation
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        viewer.switch_page(str(ROOT / "app_pages" / "audit.py"))


def test_the_audit_page_refuses_a_non_admin_on_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """Defence in depth: the page itself checks the role too (not only the navigation)."""
    at = AppTest.from_function(_audit_page_as_viewer, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == ["The audit trail is for admins of this server."]
    assert not at.dataframe


def _audit_page_as_viewer() -> None:
    import streamlit as st

    from scoring.access import Scope
    from ui import audit, auth

    st.session_state[auth.SCOPE_KEY] = Scope("bob@acme.example", "acme", "viewer")
    audit.render()


def test_a_session_whose_user_changes_or_signs_out_is_resolved_again() -> None:
    at = signed_in("alice@acme.example")
    assert "Analyst · team acme" in texts(at)
    at.user = {"is_logged_in": True, "email": "carol@globex.example"}
    at.run()
    assert not at.exception
    assert "Analyst · team globex" in texts(at)
    assert "alice@acme.example" not in texts(at)
    at.user = {"is_logged_in": False}
    at.run()
    assert [b.label for b in at.button] == ["Sign in"]
    assert auth.SCOPE_KEY not in at.session_state


def test_local_mode_keeps_its_navigation_without_the_audit_page() -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(str(ROOT / "app_pages" / "audit.py"))


def test_the_audit_table_leaves_missing_ids_and_details_empty() -> None:
    """The trail's own export has no id: its cells are empty in the table and the CSV,
    never the text "None" or "<NA>"."""
    from ui import audit

    log = pd.DataFrame({
        "at": [pd.Timestamp("2026-12-01 10:00", tz="UTC"), pd.Timestamp("2026-12-01 11:00",
                                                                          tz="UTC")],
        "user": ["ops@agency.example"] * 2, "team": ["agency"] * 2,
        "action": ["save", "export"], "kind": ["dataset", "audit"],
        "item_id": pd.array([7, None], dtype="Int64"),
        "item_name": ["Acme June", "audit trail"], "detail": [None, "3 rows as CSV"],
    })
    shown = audit.table(log)
    assert list(shown["Id"]) == ["", "7"] and list(shown["Detail"]) == ["3 rows as CSV", ""]
    assert list(shown["When (UTC)"]) == ["2026-12-01 11:00:00", "2026-12-01 10:00:00"]
