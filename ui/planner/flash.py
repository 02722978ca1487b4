"""A message for the next run: a callback (reset, save, load, ...) cannot draw, so it
leaves its message in the session and the next run shows it where it belongs."""

from __future__ import annotations

import streamlit as st

from ui import format as fmt
from ui.planner import keys


def leave(kind: str, text: str, where: str = "inputs") -> None:
    """Leave ``text`` for the next run, as a ``kind`` ("success", "error", "info")
    message at ``where`` ("inputs" or "scenarios")."""
    st.session_state[keys.FLASH] = (where, kind, text)


def show(where: str) -> None:
    """Show (once) the message left for ``where``, if any; its text is plain, not markdown."""
    message = st.session_state.get(keys.FLASH)
    if message and message[0] == where:
        del st.session_state[keys.FLASH]
        draw = {"success": st.success, "error": st.error}.get(message[1], st.info)
        draw(fmt.escape_markdown(message[2]))
