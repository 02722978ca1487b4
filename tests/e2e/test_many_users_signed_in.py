"""Eight browser sessions at once on a server with sign-in on, as four users of two
teams (two analysts each of acme and globex, each user in two sessions): every session
signs in through the real OpenID Connect provider, uploads its own file, saves it to
its team's workspace and opens it on the Overview. Then each session lists the saved
datasets it may choose: exactly its own team's, never the other team's; and uploads
stay in the session that made them.

    .venv/bin/python -m pytest tests/e2e/test_many_users_signed_in.py -s
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright, expect

from tests.e2e.conftest import CHROMIUM_ARGS, SignInServer, chromium_path
from tests.e2e.test_many_users import (
    TIMEOUT_MS,
    Tenant,
    dataset_options,
    in_thread,
    open_in_dashboard,
    timed,
    upload,
    wait_idle,
)

pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("ignore:.*deprecated")]

SESSIONS = 8
USERS = (("alice@acme.example", "acme"), ("erin@acme.example", "acme"),
         ("carol@globex.example", "globex"), ("frank@globex.example", "globex"))
SIGN_IN = "Sign in to open your team's workspace"


def saved_name(tenant: Tenant) -> str:
    return f"Load {tenant.number} {tenant.company}"


async def sign_in(page: Page, server: SignInServer, email: str) -> None:
    await page.goto(server.url)
    await expect(page.get_by_text(SIGN_IN)).to_be_visible(timeout=TIMEOUT_MS)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(f"{server.provider}/**", timeout=TIMEOUT_MS)
    await page.locator("input[name=sub]").fill(email)
    await page.get_by_role("button", name="Authorize").click()
    await page.wait_for_url(f"{server.url}/**", timeout=TIMEOUT_MS)
    await expect(page.get_by_test_id("stSidebar").get_by_text(email)).to_be_visible(
        timeout=TIMEOUT_MS)
    await wait_idle(page)


async def session(browser, server: SignInServer, tenant: Tenant, email: str,
                  folder: Path, saved: asyncio.Barrier) -> None:
    context = await browser.new_context(viewport={"width": 1440, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        await sign_in(page, server, email)
        await upload(page, server.url, tenant, folder)
        await page.get_by_label("Name", exact=True).fill(saved_name(tenant))
        done = page.get_by_text(re.compile(r"Saved as .*\(\d+ reviews\)"))
        await timed(page, tenant, "save",
                    page.get_by_role("button", name="Save to workspace").click, done)
        await open_in_dashboard(page, tenant)
        link = page.get_by_test_id("stSidebarNav").get_by_role("link", name="Overview",
                                                                exact=True)
        title = page.locator("h1").first.filter(has_text=tenant.company)
        await timed(page, tenant, "open Overview", link.click, title)
        tenant.seen["overview title"] = await page.locator("h1").first.inner_text()
        await saved.wait()  # every session has saved: now list what each may choose
        await page.reload()
        await wait_idle(page)
        tenant.seen["dataset options"] = await dataset_options(page)
        tenant.seen["exceptions"] = await page.get_by_test_id("stException").count()
    finally:
        await context.close()


async def load(server: SignInServer, tenants: list[Tenant], folder: Path) -> None:
    saved = asyncio.Barrier(len(tenants))
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        try:
            await asyncio.gather(*(
                session(browser, server, tenant, USERS[tenant.number % len(USERS)][0],
                        folder, saved)
                for tenant in tenants))
        finally:
            await browser.close()


@pytest.mark.timeout(600)
def test_eight_signed_in_sessions_of_two_teams_do_not_leak(
    sign_in_server: SignInServer, tmp_path: Path
) -> None:
    tenants = [Tenant(number) for number in range(SESSIONS)]
    in_thread(load(sign_in_server, tenants, tmp_path))
    team_of = {tenant.number: USERS[tenant.number % len(USERS)][1] for tenant in tenants}
    for tenant in tenants:
        seen = tenant.seen
        assert seen["overview title"] == tenant.company, seen
        assert seen["exceptions"] == 0, seen
        saved = {option.removeprefix("Saved: ") for option in seen["dataset options"]
                 if option.startswith("Saved: ")}
        team = team_of[tenant.number]
        own = {saved_name(t) for t in tenants if team_of[t.number] == team}
        other = {saved_name(t) for t in tenants if team_of[t.number] != team}
        assert own <= saved, (tenant.number, team, sorted(saved))
        assert not saved & other, (tenant.number, team, sorted(saved & other))
        # Uploads stay in their session: no other session's file among the choices.
        files = {f"{t.file_stem}.csv" for t in tenants if t is not tenant}
        assert not any(name in option for option in seen["dataset options"]
                       for name in files), seen["dataset options"]
    print("\nsigned-in load:", {t.number: t.latencies_ms for t in tenants})
