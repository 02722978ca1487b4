"""Sign-in in a real browser against a real OpenID Connect provider (oidc-provider-mock
on this machine): the sign-in screen, team workspaces that do not leak, a viewer who
cannot write, a hand-made link to another team's dataset, the session cookie, a
tampered cookie, sign-out, and the admin's Audit page."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import SIGN_IN_GROUP_USER, SignInServer, screenshot, wait_idle

# The mock provider runs on Authlib APIs that Authlib now deprecates: not ours to fix.
pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("ignore:.*deprecated")]

COOKIE = "_streamlit_user"
SIGN_IN = "Sign in to open your team's workspace"


def sign_in(page: Page, server: SignInServer, email: str) -> None:
    """From the app's sign-in screen through the provider's form and back."""
    page.goto(server.url)
    expect(page.get_by_text(SIGN_IN)).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.provider}/**")
    page.locator("input[name=sub]").fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{server.url}/**")
    expect(page.get_by_test_id("stSidebar").get_by_text(email)).to_be_visible(timeout=60_000)
    wait_idle(page)


def new_user(browser: Browser, server: SignInServer, email: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 1000},
                                  accept_downloads=True)
    page = context.new_page()
    sign_in(page, server, email)
    return context, page


def save_dataset(page: Page, server: SignInServer, tmp_path: Path, name: str) -> None:
    """Upload a small CSV on the Import page, save it as ``name``, open it."""
    path = tmp_path / f"{name}.csv"
    path.write_text("Date,Stars,Comment\n2024-01-05,5,Great\n2024-02-10,4,Fine\n"
                    "2024-03-20,1,Awful\n", encoding="utf-8")
    page.goto(f"{server.url}/import")
    wait_idle(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    wait_idle(page)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_role("button", name="Save to workspace").click()
    wait_idle(page)
    expect(page.get_by_text(re.compile(r"Saved as .*\(3 reviews\)"))).to_be_visible()
    page.goto(server.url)
    wait_idle(page)
    pick(page, f"Saved: {name}")


def dataset_options(page: Page) -> list[str]:
    box = page.get_by_role("combobox", name="Dataset")
    box.click()
    options = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    return options


def pick(page: Page, label: str) -> None:
    page.get_by_role("combobox", name="Dataset").click()
    page.get_by_role("option", name=label).click()
    wait_idle(page)
    expect(page.get_by_role("heading", name=label.removeprefix("Saved: "))).to_be_visible()


def test_sign_in_screen_cookie_tampering_and_sign_out(
    browser: Browser, sign_in_server: SignInServer
) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.goto(sign_in_server.url)
    expect(page.get_by_text(SIGN_IN)).to_be_visible(timeout=60_000)
    # Nothing but the sign-in screen: no sidebar, no dataset, no page links.
    expect(page.get_by_role("combobox", name="Dataset")).to_have_count(0)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    screenshot(page, "sign-in")
    page.goto(f"{sign_in_server.url}/compare")  # a deep link does not get round it
    expect(page.get_by_text(SIGN_IN)).to_be_visible()
    expect(page.get_by_role("combobox", name="Dataset")).to_have_count(0)

    sign_in(page, sign_in_server, "alice@acme.example")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Analyst · team acme")).to_be_visible()
    expect(sidebar.get_by_role("button", name="Sign out")).to_be_visible()
    screenshot(page, "signed-in-sidebar")
    page.goto(f"{sign_in_server.url}/audit")  # admins only: not a page for an analyst
    wait_idle(page)
    expect(page.get_by_text("alice@acme.example")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("heading", name="Audit trail")).to_have_count(0)

    cookie = next(c for c in context.cookies() if c["name"] == COOKIE)
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] in ("Lax", "Strict")

    # A tampered cookie (one character of the signed value changed) is not accepted.
    value = cookie["value"]
    middle = len(value) // 2
    tampered = value[:middle] + ("A" if value[middle] != "A" else "B") + value[middle + 1:]
    context.add_cookies([{**cookie, "value": tampered}])
    page.goto(sign_in_server.url)
    expect(page.get_by_text(SIGN_IN)).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stSidebar").get_by_text("alice@acme.example")).to_have_count(0)

    sign_in(page, sign_in_server, "alice@acme.example")
    page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    # Streamlit clears its cookie and asks the provider to end its session too
    # (RP-initiated logout); the provider confirms, then sends the user back.
    page.wait_for_url(f"{sign_in_server.provider}/**")
    assert COOKIE not in {c["name"] for c in context.cookies()}
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{sign_in_server.url}/**")
    expect(page.get_by_text(SIGN_IN)).to_be_visible(timeout=60_000)
    assert COOKIE not in {c["name"] for c in context.cookies()}
    page.goto(sign_in_server.url)  # and it stays signed out
    expect(page.get_by_text(SIGN_IN)).to_be_visible(timeout=60_000)
    context.close()


def test_unmapped_user_is_refused_with_the_fix(
    browser: Browser, sign_in_server: SignInServer
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(sign_in_server.url)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{sign_in_server.provider}/**")
    page.locator("input[name=sub]").fill("mallory@elsewhere.example")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{sign_in_server.url}/**")
    expect(page.get_by_text("not a member of any team")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Ask an admin of this server to add your email")).to_be_visible()
    expect(page.get_by_role("combobox", name="Dataset")).to_have_count(0)
    context.close()


def test_teams_see_only_their_datasets_viewer_cannot_write_admin_audits(
    browser: Browser, sign_in_server: SignInServer, tmp_path: Path
) -> None:
    alice_context, alice = new_user(browser, sign_in_server, "alice@acme.example")
    save_dataset(alice, sign_in_server, tmp_path, "Acme June")
    carol_context, carol = new_user(browser, sign_in_server, "carol@globex.example")
    save_dataset(carol, sign_in_server, tmp_path, "Globex June")

    alice.reload()
    wait_idle(alice)
    assert "Saved: Acme June" in dataset_options(alice)
    assert "Saved: Globex June" not in dataset_options(alice)
    assert "Saved: Globex June" in dataset_options(carol)
    assert "Saved: Acme June" not in dataset_options(carol)

    # A hand-made link to the other team's dataset is refused, and nothing of it shown.
    carol.goto(f"{sign_in_server.url}/?{urlencode({'dataset': 'Saved: Acme June'})}")
    wait_idle(carol)
    expect(carol.get_by_text("not available to you (another team's")).to_be_visible()
    expect(carol.get_by_text("Acme June")).to_have_count(0)
    expect(carol.get_by_role("combobox", name="Dataset")).not_to_have_value("Saved: Acme June")
    screenshot(carol, "sign-in-other-team-link")

    # A viewer of acme opens the team's dataset but cannot upload, save, rename, delete.
    bob_context, bob = new_user(browser, sign_in_server, "bob@acme.example")
    assert "Saved: Acme June" in dataset_options(bob)
    assert "Saved: Globex June" not in dataset_options(bob)
    pick(bob, "Saved: Acme June")
    sidebar = bob.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Viewer · team acme")).to_be_visible()
    expect(sidebar.get_by_role("button", name="Rename or delete")).to_have_count(0)
    expect(sidebar.get_by_text("renaming or deleting needs the analyst role")).to_be_visible()
    bob.goto(f"{sign_in_server.url}/import")
    wait_idle(bob)
    expect(bob.get_by_text("importing reviews needs the analyst role")).to_be_visible()
    expect(bob.get_by_test_id("stFileUploaderDropzoneInput")).to_have_count(0)
    expect(bob.get_by_role("button", name="Save to workspace")).to_have_count(0)

    # The analyst who owns it may rename it; the admin sees every team and the audit.
    pick(alice, "Saved: Acme June")
    expect(alice.get_by_test_id("stSidebar").get_by_role(
        "button", name="Rename or delete")).to_be_visible()
    admin_context, admin = new_user(browser, sign_in_server, "ops@agency.example")
    options = dataset_options(admin)
    assert {"Saved: Acme June", "Saved: Globex June"} <= set(options)
    admin.goto(f"{sign_in_server.url}/audit")  # the navigation folds pages past ten
    wait_idle(admin)
    expect(admin.get_by_role("heading", name="Audit trail")).to_be_visible()
    table = admin.get_by_test_id("stDataFrame")
    expect(table).to_be_visible()
    with admin.expect_download() as info:
        admin.get_by_role("button", name="Download the audit trail (CSV)").click()
    rows = info.value.path().read_text(encoding="utf-8-sig")
    assert "alice@acme.example" in rows and "carol@globex.example" in rows
    assert re.search(r"alice@acme\.example,acme,save,dataset,\d+,Acme June", rows), rows
    assert re.search(r"bob@acme\.example,acme,open,dataset,\d+,Acme June", rows), rows
    screenshot(admin, "audit")
    for context in (alice_context, carol_context, bob_context, admin_context):
        context.close()


def test_local_mode_says_who_sees_the_workspace(page: Page, app_url: str) -> None:
    """Without [auth] (the usual test server), no sign-in: the dashboard opens at once
    and a notice says that everyone reaching the server sees the workspace."""
    page.goto(app_url)
    notice = page.get_by_test_id("stToast").filter(has_text="everyone who can reach this server")
    expect(notice).to_be_visible(timeout=60_000)
    expect(page.get_by_role("combobox", name="Dataset")).to_be_visible()
    expect(page.get_by_text(SIGN_IN)).to_have_count(0)
    screenshot(page, "local-mode-notice")


def test_a_group_claim_maps_a_user_to_a_team(
    browser: Browser, sign_in_server: SignInServer
) -> None:
    """dave is in no [users] or [domains] entry: only the provider's ``groups`` claim
    (a custom claim, sent with the ID token) makes him a viewer of globex."""
    context, page = new_user(browser, sign_in_server, SIGN_IN_GROUP_USER)
    expect(page.get_by_test_id("stSidebar").get_by_text("Viewer · team globex")).to_be_visible()
    context.close()
