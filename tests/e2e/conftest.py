"""Real-browser tests: a real Streamlit server and the system Chromium via Playwright.

No browser is downloaded: Playwright drives ``/usr/bin/chromium`` (or
``$TRUSTLENS_CHROMIUM``). Screenshots go to ``artifacts/screenshots/`` (ignored by
git) so anyone can look at what a user sees.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.helpers import TEAMS_TOML

# Charts draw after the script finishes; on a loaded 2-core machine that can take seconds.
expect.set_options(timeout=20_000)

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str:
    found = os.environ.get("TRUSTLENS_CHROMIUM") or shutil.which("chromium") or ""
    if not found:
        pytest.fail(
            "Chromium is not installed: run `apt-get install -y chromium` (the CI script does)."
        )
    return found


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    return {"executable_path": chromium_path(), "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args() -> dict:
    return {"viewport": {"width": 1440, "height": 1000}, "accept_downloads": True}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(workspace: Path, log_path: Path, *, port: int | None = None,
                 extra_args: tuple[str, ...] = (), extra_env: dict[str, str] | None = None,
                 ) -> tuple[subprocess.Popen, str]:
    """Start ``streamlit run app.py`` on a free port (or ``port``) with ``workspace`` as
    its workspace file (plus ``extra_args`` / ``extra_env``); return the process and its
    URL once it answers."""
    port = port or free_port()
    env = {
        **os.environ,
        "TRUSTLENS_WORKSPACE": str(workspace),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        **(extra_env or {}),
    }
    with log_path.open("a") as log:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                "--server.headless=true", "--server.address=127.0.0.1",
                f"--server.port={port}", "--server.fileWatcherType=none", *extra_args,
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode() == "ok":
                    return process, url
        except OSError:
            time.sleep(0.3)
    process.kill()
    pytest.fail(f"Streamlit did not start; log: {log_path.read_text()}")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A server for the whole test session, with its own workspace file: its URL and
    process id (to read its memory and CPU from /proc)."""
    workdir = tmp_path_factory.mktemp("server")
    process, url = start_server(workdir / "workspace.duckdb", workdir / "server.log")
    yield url, process.pid
    stop_server(process)


@pytest.fixture(scope="session")
def app_url(live_server: tuple[str, int]) -> str:
    return live_server[0]


SIGN_IN_GROUP_USER = "dave@partner.example"
"""A user the teams file knows only through the provider's ``groups`` claim."""


@dataclass(frozen=True)
class SignInServer:
    """An app server with sign-in on, and the OIDC provider it trusts."""

    url: str  # http://localhost:PORT (the cookie and the redirect URI name localhost)
    provider: str
    log: Path


@pytest.fixture(scope="session")
def sign_in_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SignInServer]:
    """A real OpenID Connect provider (``oidc-provider-mock``) on a free port of this
    machine, and an app server whose secrets file (in a temp folder) points at it, with
    a teams file mapping four users of three teams (see ``tests.helpers.TEAMS_TOML``). Users sign
    in by typing their email as the provider's subject (it then is their email claim)."""
    from oidc_provider_mock import User, run_server_in_thread

    workdir = tmp_path_factory.mktemp("signed-in")
    teams = workdir / "teams.toml"
    teams.write_text(TEAMS_TOML, encoding="utf-8")
    users = [User(sub=SIGN_IN_GROUP_USER,
                  claims={"email": SIGN_IN_GROUP_USER, "groups": ["globex-readers"]})]
    with run_server_in_thread(port=free_port(), user_claims=users) as provider:
        provider_url = f"http://localhost:{provider.server_port}"
        port = free_port()
        secrets = workdir / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
            f'cookie_secret = "{secrets_token()}"\n'
            'client_id = "trustlens-tests"\n'
            'client_secret = "not-a-secret"\n'
            f'server_metadata_url = "{provider_url}/.well-known/openid-configuration"\n',
            encoding="utf-8",
        )
        log = workdir / "server.log"
        process, _ = start_server(
            workdir / "workspace.duckdb", log, port=port,
            extra_args=(f"--secrets.files={secrets}",),
            extra_env={"TRUSTLENS_TEAMS": str(teams)},
        )
        yield SignInServer(f"http://localhost:{port}", provider_url, log)
        stop_server(process)


def secrets_token() -> str:
    import secrets

    return secrets.token_urlsafe(32)


def wait_idle(page: Page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished running the script after an interaction."""
    page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", timeout=timeout
    )
    page.wait_for_timeout(300)
    page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", timeout=timeout
    )


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under artifacts/screenshots/ and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(1000)  # let data grids and charts finish drawing
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
