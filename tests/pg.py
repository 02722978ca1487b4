"""A real PostgreSQL server for the tests, started on demand.

:func:`server_url` starts one server per test process (``initdb`` into a temporary
folder, ``pg_ctl start`` on a free port of 127.0.0.1, trust authentication for local
TCP only, socket in that folder) from Debian's ``/usr/lib/postgresql/<v>/bin`` (or
``$TRUSTLENS_PG_BIN``), and stops and deletes it when the process exits.
:func:`fresh_database_url` gives each test its own empty database on it.

PostgreSQL refuses to run as root: when the tests run as root the server runs as
the ``postgres`` user (which Debian's package creates) via ``runuser``.

Without server binaries the PostgreSQL tests are skipped, with a message saying how
to install them, unless ``TRUSTLENS_REQUIRE_POSTGRES=1`` (``.ci/run`` sets it), where
they fail instead.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest

REQUIRE_ENV = "TRUSTLENS_REQUIRE_POSTGRES"
_lock = threading.Lock()
_state: dict[str, str] = {}
_counter = itertools.count(1)


def _binaries() -> Path | None:
    configured = os.environ.get("TRUSTLENS_PG_BIN", "").strip()
    if configured:
        return Path(configured) if (Path(configured) / "initdb").exists() else None
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _unavailable(reason: str) -> None:
    _state["failed"] = reason
    message = (
        f"PostgreSQL tests need a server: {reason}. Install Debian's `postgresql` package "
        f"(apt-get install postgresql) or set TRUSTLENS_PG_BIN to its bin folder."
    )
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{message} ({REQUIRE_ENV}=1: required here)", pytrace=False)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run_as(user: str | None, args: list[str], **kwargs: object) -> subprocess.CompletedProcess:
    command = ["runuser", "-u", user, "--", *args] if user else args
    return subprocess.run(command, capture_output=True, text=True, check=False,
                          timeout=120, **kwargs)  # type: ignore[call-overload]


def _start() -> str:
    bin_dir = _binaries()
    if bin_dir is None:
        configured = os.environ.get("TRUSTLENS_PG_BIN", "").strip()
        _unavailable(f"TRUSTLENS_PG_BIN={configured} has no initdb" if configured
                     else "no initdb under /usr/lib/postgresql/*/bin or on PATH")
        raise AssertionError("unreachable")
    user: str | None = None
    folder = Path(tempfile.mkdtemp(prefix="trustlens-pg-"))
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            _unavailable("the tests run as root and there is no `postgres` user to run it")
        user = "postgres"
        os.chown(folder, account.pw_uid, account.pw_gid)
    data = folder / "data"
    done = _run_as(user, [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres",
                          "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"])
    if done.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"initdb failed: {done.stderr or done.stdout}", pytrace=False)
    port = _free_port()
    options = (f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
               "-c full_page_writes=off -c max_connections=100")
    started = _run_as(user, [str(bin_dir / "pg_ctl"), "-D", str(data), "-l",
                             str(folder / "server.log"), "-o", options, "-w", "-t", "60",
                             "start"])
    if started.returncode != 0:
        log = (folder / "server.log").read_text(errors="replace") if (
            folder / "server.log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"pg_ctl start failed: {started.stderr or started.stdout}\n{log}",
                    pytrace=False)

    def stop() -> None:
        _run_as(user, [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                       "stop"])
        shutil.rmtree(folder, ignore_errors=True)

    atexit.register(stop)
    return f"postgresql://postgres@127.0.0.1:{port}/postgres"


def server_url() -> str:
    """The URL of the test server's ``postgres`` database (started on first use)."""
    with _lock:
        if "url" not in _state:
            if "failed" in _state:
                _unavailable(_state["failed"])
            _state["url"] = _start()
        return _state["url"]


def fresh_database_url(request: pytest.FixtureRequest | None = None) -> str:
    """A new empty database on the test server, for one test; its URL."""
    import psycopg

    base = server_url()
    name = f"t{os.getpid()}_{next(_counter)}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # a name made here, not a value
    return base.rsplit("/", 1)[0] + f"/{name}"
