"""AppTest helpers: paths from the test file, caches cleared, a private workspace."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
TIMEOUT = 30


@pytest.fixture(autouse=True)
def fresh_caches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts with empty caches and its own workspace database file."""
    monkeypatch.setenv("TRUSTLENS_WORKSPACE", str(tmp_path / "workspace.duckdb"))
    # The server hides error details from users; tests want to read them.
    st.config.set_option("client.showErrorDetails", "full")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def open_app(page: str | None = None) -> AppTest:
    """Run the app (optionally switched to ``page``, a file in app_pages/) once."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    if page is not None:
        at.switch_page(str(ROOT / "app_pages" / page))
        at.run()
    return at
