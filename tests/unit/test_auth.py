"""The teams file: parsing, its errors, and who resolves to which team and role."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from scoring.access import Scope
from ui.auth import (
    Membership,
    TeamsConfigError,
    load_teams,
    parse_teams,
    scope_for,
    teams_path,
)

ROOT = Path(__file__).resolve().parents[2]

CONFIG = """
[users]
"Alice@Acme.example" = { team = "acme", role = "analyst" }
"boss@globex.example" = { team = "globex", role = "admin" }

[groups]
"readers" = { team = "globex", role = "viewer" }
"writers" = { team = "globex", role = "analyst" }

[domains]
"acme.example" = { team = "acme" }
"@globex.example" = { team = "globex", role = "viewer" }
"""


def config():
    return parse_teams(tomllib.loads(CONFIG))


def test_exact_email_wins_and_is_case_insensitive() -> None:
    assert config().resolve("alice@ACME.example") == Membership("acme", "analyst")
    assert config().resolve("boss@globex.example", ["readers"]) == Membership("globex", "admin")


def test_domain_role_defaults_to_viewer_and_subdomains_match() -> None:
    assert config().resolve("zoe@acme.example") == Membership("acme", "viewer")
    assert config().resolve("zoe@eu.acme.example") == Membership("acme", "viewer")
    assert config().resolve("zoe@globex.example") == Membership("globex", "viewer")


def test_groups_take_the_highest_role_before_the_domain() -> None:
    assert config().resolve("zoe@acme.example", ["Readers", "writers"]) == Membership(
        "globex", "analyst")
    assert config().resolve("zoe@else.example", ["readers"]) == Membership("globex", "viewer")


def test_unknown_users_and_look_alike_domains_are_not_mapped() -> None:
    assert config().resolve("mallory@evil.example") is None
    assert config().resolve("mallory@notacme.example") is None
    assert config().resolve("acme.example") is None  # not an address
    assert config().resolve("") is None


def test_scope_for_builds_the_scope_or_refuses() -> None:
    assert scope_for(" Alice@acme.example ", [], config()) == Scope(
        user="alice@acme.example", team="acme", role="analyst")
    assert scope_for("mallory@evil.example", [], config()) is None
    assert scope_for("", ["readers"], config()) is None  # no email, no scope


@pytest.mark.parametrize(("text", "message"), [
    ('[teams]\nx = 1', "unknown section"),
    ('[users]\n"alice" = { team = "a" }', "not an email"),
    ('[users]\n"a@b.example" = { team = "" }', "non-empty"),
    ('[users]\n"a@b.example" = { team = "a", role = "owner" }', "viewer, analyst, admin"),
    ('[users]\n"a@b.example" = "a"', "expected"),
    ('[users]\n"a@b.example" = { team = "a", rol = "admin" }', "unknown field"),
    ('[domains]\n"b.example" = { team = "a" }\n"B.example" = { team = "b" }', "twice"),
    (f'[domains]\n"b.example" = {{ team = "{"x" * 81}" }}', "longer than"),
    ('users = 3', "must be a table"),
])
def test_mistakes_are_named(text: str, message: str) -> None:
    with pytest.raises(TeamsConfigError, match=message):
        parse_teams(tomllib.loads(text))


def test_load_teams_reads_the_file_and_names_it_in_errors(tmp_path: Path) -> None:
    good = tmp_path / "teams.toml"
    good.write_text(CONFIG, encoding="utf-8")
    assert load_teams(good).resolve("alice@acme.example") == Membership("acme", "analyst")
    assert load_teams(tmp_path / "absent.toml").resolve("alice@acme.example") is None
    bad = tmp_path / "bad.toml"
    bad.write_text("[users\n", encoding="utf-8")
    with pytest.raises(TeamsConfigError, match=r"bad\.toml is not valid TOML"):
        load_teams(bad)


def test_teams_path_follows_the_environment(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    monkeypatch.setenv("TRUSTLENS_TEAMS", str(tmp_path / "t.toml"))
    assert teams_path() == tmp_path / "t.toml"
    monkeypatch.delenv("TRUSTLENS_TEAMS")
    assert teams_path() == ROOT / ".streamlit" / "teams.toml"


def test_the_documented_examples_parse() -> None:
    teams = load_teams(ROOT / ".streamlit" / "teams.toml.example")
    assert teams.resolve("alice@acme.example") == Membership("acme", "analyst")
    assert teams.resolve("ops@agency.example") == Membership("agency", "admin")
    secrets = tomllib.loads((ROOT / ".streamlit" / "secrets.toml.example").read_text())
    assert set(secrets["auth"]) >= {"redirect_uri", "cookie_secret", "client_id",
                                    "client_secret", "server_metadata_url"}


def test_the_secrets_and_teams_files_are_git_ignored() -> None:
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".streamlit/secrets.toml" in ignored
    assert ".streamlit/teams.toml" in ignored


def test_an_export_is_recorded_when_its_file_is_built(tmp_path: Path) -> None:
    """The download button's data callable records the export, with the file name; a
    workspace that cannot record does not stop the download."""
    import io

    import scoring
    from scoring.store import Workspace
    from ui.data import recorded_export

    reviews = scoring.load_reviews(io.BytesIO(b"Date,Stars\n2024-01-05,5\n")).reviews
    with Workspace(tmp_path / "w.duckdb") as ws:
        scoped = ws.scoped(Scope(user="ops@x.example", team="ops", role="admin"))
        saved = scoped.save_dataset("June", reviews, {}).id
        build = recorded_export(scoped, "dataset", saved, "June", "trustlens-kpi.csv",
                                lambda: b"a,b\n")
        assert list(scoped.audit_log()["action"]) == ["save"]  # drawing records nothing
        assert build() == b"a,b\n"
        row = scoped.audit_log().iloc[0]
        assert (row["user"], row["action"], row["kind"], row["item_id"], row["item_name"],
                row["detail"]) == ("ops@x.example", "export", "dataset", saved, "June",
                                   "trustlens-kpi.csv")
    with Workspace(tmp_path / "w.duckdb", read_only=True) as ws:
        scoped = ws.scoped(Scope(user="ops@x.example", team="ops", role="admin"))
        assert recorded_export(scoped, "dataset", None, "demo", "f.csv", lambda: b"x")() == b"x"
    assert recorded_export(None, "dataset", None, "demo", "f.csv", lambda: b"y")() == b"y"
