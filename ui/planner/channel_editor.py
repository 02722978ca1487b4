"""The request channels card: where the channels come from, the editable table of channels
and what each brought in the last 90 days.

The canonical channels live in session state (:data:`ui.planner.keys.CHANNELS`) and in
the URL (one parameter, :func:`ui.planner.channels.encode_channels`). The editor keeps
its edits on top of the channels it started from (:data:`~ui.planner.keys.CHANNELS_BASE`);
code that sets channels (a button, a scenario, a link) calls :func:`set_channels`,
which gives the editor a new key so that it starts afresh from them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from ui import format as fmt
from ui.planner import keys
from ui.planner.channels import (
    EDITOR_COLUMNS,
    MAX_REQUESTS_PER_MONTH,
    NAME,
    REQUESTS,
    RESPONSE,
    STAR_COLUMNS,
    ChannelPlan,
    decode_channels,
    editor_table,
    encode_channels,
    legacy_channel,
    read_table,
)
from ui.planner.defaults import DEFAULT_RESPONSE_RATE_PCT, GROUPING_NAMES, Defaults
from ui.planner.engine import Engine


def set_channels(channels: Sequence[ChannelPlan]) -> None:
    """Make ``channels`` the plan's channels, and start the editor afresh from them."""
    st.session_state[keys.CHANNELS] = tuple(channels)
    st.session_state[keys.CHANNELS_BASE] = tuple(channels)
    st.session_state[keys.CHANNELS_VERSION] = st.session_state.get(keys.CHANNELS_VERSION, 0) + 1


def apply_state(state: Mapping[str, Any]) -> None:
    """Put a full set of input values (``Defaults.state`` layout) into the session."""
    st.session_state.update({k: v for k, v in state.items() if k != keys.CHANNELS})
    set_channels(state[keys.CHANNELS])


def with_requests(index: int, per_month: int) -> None:
    """Button callback: channel ``index`` at ``per_month`` requests, the others as set."""
    channels = list(st.session_state.get(keys.CHANNELS, ()))
    if 0 <= index < len(channels):
        channels[index] = channels[index].with_requests(per_month)
        set_channels(channels)


def _regroup(engine: Engine) -> None:
    grouping = st.session_state.get(keys.CHANNELS_FROM, "none")
    set_channels(engine.defaults(str(grouping)).channels)


def grouping(engine: Engine) -> str:
    """The "Channels from" choice when the data tells channels apart in more than one
    way (the collection method first); "none" when it does not."""
    found = engine.groupings()
    if not found:
        return "none"
    options = [*found, "none"]
    if st.session_state.get(keys.CHANNELS_FROM, found[0]) not in options:
        st.session_state[keys.CHANNELS_FROM] = found[0]  # another dataset: its first
    chosen = st.segmented_control(
        "Channels from", options=options, format_func=GROUPING_NAMES.get, default=found[0],
        required=True, key=keys.CHANNELS_FROM, on_change=_regroup, args=(engine,),
        **keys.BIND,
        help="Which column of the data tells the request channels apart. Changing it sets "
        "the channels to what that column says of the last 90 days. A column counts when it "
        "has 2 to 12 values, each bringing at least 1% of the invited reviews, none of them "
        "a web address. By tag, a review with several tags counts under its first.",
    )
    return str(chosen or found[0])


def _start(defaults: Defaults) -> None:
    """On a session's first run: the channels of the link, if it has any (an older
    link's one invited channel too), else the data's."""
    if keys.CHANNELS in st.session_state:
        return
    query = st.query_params
    channels: tuple[ChannelPlan, ...] = defaults.channels
    if keys.CHANNELS in query:
        try:
            channels = decode_channels(query[keys.CHANNELS])
        except ValueError:
            st.session_state[keys.CHANNEL_NOTES] = [
                "The link's channels could not be read, so the data's channels are used."]
    elif any(key in query for key in keys.LEGACY):
        plain = {key: query[key] for key in keys.LEGACY if key in query}
        channels = (legacy_channel(plain, defaults.one_channel, keys.REQUESTS, keys.RESPONSE,
                                   keys.INVITED_MIX),)
    for key in keys.LEGACY:
        if key in query:
            del query[key]
    set_channels(channels)


def _column_config(defaults: Defaults) -> dict[str, Any]:
    config: dict[str, Any] = {
        NAME: st.column_config.TextColumn(
            NAME, max_chars=80, width="medium",
            help="A moment you ask for reviews: after a purchase, a claim, a renewal..."),
        REQUESTS: st.column_config.NumberColumn(
            REQUESTS, min_value=0, max_value=MAX_REQUESTS_PER_MONTH, step=1, format="%d",
            default=0, help="Review invitations sent through this channel a month."),
        RESPONSE: st.column_config.NumberColumn(
            RESPONSE, min_value=0, max_value=100, step=1, format="%d%%",
            default=DEFAULT_RESPONSE_RATE_PCT,
            help="Share of this channel's requests that turn into a review."),
    }
    for column, share in zip(STAR_COLUMNS, defaults.invited_pct, strict=True):
        config[column] = st.column_config.NumberColumn(
            column, min_value=0, max_value=100, step=1, format="%d", default=share,
            width="small", help="Star mix of this channel's reviews, % (the five should add "
            "up to 100).")
    return config


def _history(defaults: Defaults) -> None:
    """What each channel brought in the last 90 days (the defaults' source)."""
    history = defaults.history
    if history is None:
        return
    table = pd.DataFrame({
        NAME: history["channel"],
        "Reviews": history["reviews"],
        "A month": history["reviews_per_month"],
        "Mean ★": history["mean_stars"],
        **{f"{k}★": 100 * history[f"share_{k}"] for k in range(1, 6)},
    })
    percent = st.column_config.NumberColumn(format="%.0f%%", width="small")
    with st.expander(f"What each channel brought in the 90 days to "
                     f"{defaults.as_of:%d %b %Y} ({GROUPING_NAMES[defaults.grouping].lower()})"):
        st.dataframe(table, hide_index=True, width="stretch", column_config={
            "Reviews": st.column_config.NumberColumn(format="localized"),
            "A month": st.column_config.NumberColumn(format="%.0f"),
            "Mean ★": st.column_config.NumberColumn(format="%.2f"),
            **{f"{k}★": percent for k in range(1, 6)},
        })
        st.caption("Reviews, not requests: the default requests assume a "
                   f"{DEFAULT_RESPONSE_RATE_PCT}% response rate. Invited reviews without a "
                   "value are in \"Other invited\"; reviews not invited stay organic.")


def render(defaults: Defaults) -> tuple[ChannelPlan, ...]:
    """The channels editor (any number of rows), what had to be done to its rows, and the
    last 90 days by channel; returns the channels it holds (also kept in the session and
    the URL)."""
    _start(defaults)
    version = st.session_state.get(keys.CHANNELS_VERSION, 0)
    key = keys.channel_editor(version)
    if key not in st.session_state:
        # A fresh editor (first run, or back from another page): from the channels as last
        # edited, so edits survive page switches.
        st.session_state[keys.CHANNELS_BASE] = st.session_state[keys.CHANNELS]
    edited = st.data_editor(
        editor_table(st.session_state[keys.CHANNELS_BASE]), key=key, num_rows="dynamic",
        hide_index=True, width="stretch", column_order=EDITOR_COLUMNS,
        column_config=_column_config(defaults),
    )
    channels, problems = read_table(edited)
    st.session_state[keys.CHANNELS] = channels
    text = encode_channels(channels)
    if st.query_params.get(keys.CHANNELS) != text:
        st.query_params[keys.CHANNELS] = text
    notes = [*st.session_state.pop(keys.CHANNEL_NOTES, []), *problems]
    if notes:
        st.warning("  \n".join(fmt.escape_markdown(note) for note in notes),
                   icon=":material/edit_note:")
    if not channels:
        st.info("No request channels: the plan has organic reviews only. Add a row to plan "
                "requests.")
    _history(defaults)
    return channels
