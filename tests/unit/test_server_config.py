"""The server settings in .streamlit/config.toml (README, "Server settings").

The live server's answers (CORS headers, XSRF on uploads) are checked in
``tests/e2e/test_many_users.py``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from streamlit import config as streamlit_config

from scoring.ingest import DEFAULT_MAX_BYTES

CONFIG = Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml"


@pytest.fixture(scope="module")
def settings() -> dict[str, object]:
    """The file's settings as ``section.option -> value``."""
    parsed = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    return {
        f"{section}.{option}": value
        for section, options in parsed.items()
        for option, value in options.items()
    }


def test_every_setting_is_a_streamlit_option(settings: dict[str, object]) -> None:
    """A misspelt option is silently ignored by Streamlit: catch it here."""
    known = streamlit_config._config_options_template
    assert [name for name in settings if name not in known] == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("server.enableXsrfProtection", True),  # uploads need the session's XSRF token
        ("server.enableCORS", True),  # no cross-origin requests
        ("browser.gatherUsageStats", False),  # nothing sent to Streamlit's telemetry
        ("client.toolbarMode", "viewer"),  # no developer menu (rerun, clear cache, settings)
        ("client.showErrorDetails", "none"),  # no tracebacks shown to users
        ("server.headless", True),
        ("server.runOnSave", False),
        ("runner.magicEnabled", False),
    ],
)
def test_setting(settings: dict[str, object], name: str, value: object) -> None:
    assert settings.get(name) == value


def test_no_cors_wildcard(settings: dict[str, object]) -> None:
    origins = settings.get("server.corsAllowedOrigins", [])
    assert isinstance(origins, list)
    assert "*" not in origins and not any("*" in str(origin) for origin in origins)


def test_upload_limit_matches_the_importer(settings: dict[str, object]) -> None:
    """The page refuses nothing the importer would accept, and the reverse."""
    assert settings["server.maxUploadSize"] == DEFAULT_MAX_BYTES // (1024 * 1024) == 200


def test_nothing_served_or_listened_to_beyond_the_app(settings: dict[str, object]) -> None:
    assert settings.get("server.enableStaticServing", False) is False
    assert settings.get("server.address", "127.0.0.1") not in ("0.0.0.0", "::")
    assert "server.sslCertFile" not in settings  # TLS belongs to the reverse proxy
