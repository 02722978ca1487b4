"""Scenarios: plans saved in the workspace (save, load, update, delete), compared (up to
six against the current inputs) and shared as a link."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from scoring.errors import WorkspaceError
from scoring.store import ScopedWorkspace as Workspace
from ui import auth, data, export
from ui import format as fmt
from ui.planner import channel_editor, charts, flash, keys, text
from ui.planner.defaults import Defaults
from ui.planner.engine import Engine, Outlook
from ui.planner.outlook import CHART_CONFIG, history_name
from ui.planner.plan import Plan
from ui.planner.scenario import scenario_state
from ui.planner.widgets import current_plan

MAX_COMPARED = 6


# --------------------------------------------------------------------------- callbacks


def _save(workspace: Workspace, defaults: Defaults) -> None:
    try:
        name = st.session_state.get(keys.SCENARIO_NAME, "")
        new_id = workspace.save_scenario(name, current_plan(defaults).params())
    except WorkspaceError as error:
        flash.leave("error", str(error), "scenarios")
        return
    st.session_state[keys.SCENARIO_PICK] = new_id
    flash.leave("success", f"Saved the scenario {name.strip()!r}.", "scenarios")


def _load(workspace: Workspace, defaults: Defaults, scenario_id: int | None) -> None:
    if scenario_id is None:
        return
    try:
        params = workspace.load_scenario(scenario_id)
        name = next(s.name for s in workspace.list_scenarios() if s.id == scenario_id)
    except (WorkspaceError, StopIteration) as error:
        flash.leave("error", str(error) or "That scenario no longer exists.", "scenarios")
        return
    data.record(workspace, "open", "scenario", scenario_id, name)
    state, notes = scenario_state(params, defaults)
    channel_editor.apply_state(state)
    st.session_state[keys.SCENARIO_NAME] = name
    flash.leave("success", f"Loaded {name!r} into the inputs." + (
        f" Adjusted: {'; '.join(notes)}." if notes else ""), "scenarios")


def _update(workspace: Workspace, defaults: Defaults, scenario_id: int | None) -> None:
    if scenario_id is None:
        return
    try:
        name = st.session_state.get(keys.SCENARIO_NAME, "")
        workspace.update_scenario(scenario_id, name, current_plan(defaults).params())
    except WorkspaceError as error:
        flash.leave("error", str(error), "scenarios")
        return
    flash.leave("success", f"Updated {name.strip()!r} with the current inputs.", "scenarios")


def _delete(workspace: Workspace, _defaults: Defaults, scenario_id: int | None) -> None:
    if scenario_id is None:
        return
    try:
        workspace.delete_scenario(scenario_id)
    except WorkspaceError as error:
        flash.leave("error", str(error), "scenarios")
        return
    st.session_state[keys.SCENARIO_PICK] = None
    st.session_state[keys.COMPARE] = [
        i for i in st.session_state.get(keys.COMPARE, []) if i != scenario_id
    ]
    flash.leave("success", "Deleted the scenario.", "scenarios")


# --------------------------------------------------------------------------- sections


def _manage(workspace: Workspace, defaults: Defaults, saved: dict[int, str]) -> None:
    """Save the inputs under a name; pick a saved scenario to load, update or delete
    (a viewer: load only, told why in one sentence)."""
    scope = auth.current_scope()
    writes = scope.can_write()
    save_col, saved_col = st.columns(2, gap="medium")
    with save_col.container(border=True):
        if writes:
            st.text_input("Scenario name", key=keys.SCENARIO_NAME, max_chars=80,
                          placeholder="e.g. Double invitations from January")
            st.button("Save as a new scenario", key="plan_save", on_click=_save,
                      args=(workspace, defaults), icon=":material/save:", type="primary")
        else:
            st.caption(fmt.escape_markdown(
                auth.read_only_reason(scope, "saving, updating or deleting scenarios")))
    with saved_col.container(border=True):
        if st.session_state.get(keys.SCENARIO_PICK, None) not in (None, *saved):
            st.session_state[keys.SCENARIO_PICK] = None
        picked = st.selectbox("Saved scenarios", options=list(saved), format_func=saved.get,
                              index=None, key=keys.SCENARIO_PICK,
                              placeholder="Pick a scenario to load, update or delete"
                              if writes else "Pick a scenario to load")
        actions = [("Load", _load, ":material/upload:",
                    "Put the scenario's inputs into the planner above.")]
        if writes:
            actions += [("Update", _update, ":material/edit:",
                         "Replace the saved inputs (and name) with the current ones."),
                        ("Delete", _delete, ":material/delete:", None)]
        buttons = st.columns(3)
        for col, (label, action, icon, help_text) in zip(buttons, actions, strict=False):
            col.button(label, key=f"plan_{label.lower()}", on_click=action,
                       args=(workspace, defaults, picked), disabled=picked is None, icon=icon,
                       width="stretch", help=help_text)


def _candidates(workspace: Workspace, defaults: Defaults, plan: Plan, saved: dict[int, str]
                ) -> list[tuple[str, Plan]]:
    """The current inputs and the scenarios picked for comparison (up to six)."""
    still_saved = [i for i in st.session_state.get(keys.COMPARE, []) if i in saved]
    if still_saved != st.session_state.get(keys.COMPARE, []):
        st.session_state[keys.COMPARE] = still_saved
    compared = st.multiselect(
        f"Compare with the current inputs (up to {MAX_COMPARED})", options=list(saved),
        format_func=saved.get, max_selections=MAX_COMPARED, key=keys.COMPARE,
        placeholder="Pick saved scenarios",
    )
    candidates: list[tuple[str, Plan]] = [("Current inputs", plan)]
    try:
        for scenario_id in compared:
            state, _ = scenario_state(workspace.load_scenario(scenario_id), defaults)
            candidates.append((saved[scenario_id], Plan.from_state(state)))
    except WorkspaceError as error:
        st.error(fmt.escape_markdown(str(error)))
    return candidates


def _compare(engine: Engine, plan: Plan, defaults: Defaults, outlook: Outlook,
             candidates: list[tuple[str, Plan]]) -> None:
    """The candidates' expected paths on one chart, and a table (with its CSV)."""
    days = plan.simulated_days(defaults.as_of)
    score_on = f"Score on {text.day_text(outlook.day(plan.horizon_days))}"
    chance_on = f"Chance on {text.day_text(plan.target_date)}"
    rows, paths = [], []
    with st.spinner("Projecting the scenarios…"):
        for name, candidate in candidates:
            result = engine.outlook(candidate, days, target=plan)
            paths.append((name, result.expected.iloc[: plan.horizon_days]))
            rows.append({
                "Scenario": name,
                "Requests / month": candidate.requests_per_month,
                "Channels": len(candidate.channels),
                "New reviews / month": candidate.invited_per_month
                + candidate.organic_per_month,
                "Mean ★ of new reviews": candidate.mean_new_stars(),
                score_on: result.expected_on(plan.horizon_days),
                chance_on: 100 * result.probability,
                "Long-run score": result.long_run_score,
                "Channel names": ", ".join(candidate.channel_names) or "none",
            })
    st.plotly_chart(
        charts.scenarios_figure(paths, history=engine.context(days).history,
                                as_of=outlook.as_of, start_score=outlook.start_score,
                                threshold=plan.threshold, target_text=plan.target_legend,
                                target_date=plan.target_date, history_name=history_name(engine)),
        width="stretch", theme=None, config=CHART_CONFIG,
    )
    table = pd.DataFrame(rows)
    two_decimals = st.column_config.NumberColumn(format="%.2f")
    percent = st.column_config.NumberColumn(format="%.0f%%")
    st.dataframe(
        table, hide_index=True, width="stretch",
        column_config={
            "Requests / month": st.column_config.NumberColumn(format="localized"),
            "Channels": st.column_config.NumberColumn(format="%d"),
            "Channel names": st.column_config.TextColumn(width="large"),
            "New reviews / month": st.column_config.NumberColumn(format="%.0f"),
            "Mean ★ of new reviews": two_decimals, score_on: two_decimals,
            chance_on: percent, "Long-run score": two_decimals,
        },
    )
    st.caption("Every scenario under the current target, date, horizon, data and score model: "
               "only the channels, volumes and star mixes differ. Requests and new reviews "
               "are every channel together (new reviews include organic ones).")
    st.download_button(
        "Download the comparison (CSV)", data.recorded_export(
            data.workspace(), "scenario", None, "scenario comparison",
            "trustlens-scenarios.csv", lambda: export.safe_csv(table, index=False)),
        file_name="trustlens-scenarios.csv", mime="text/csv", icon=":material/download:",
        on_click="ignore",
    )


def share_link() -> str | None:
    """This page's address with every bound input (None outside a browser)."""
    base = st.context.url
    if not base:
        return None
    pairs = [(key, value) for key in st.query_params for value in st.query_params.get_all(key)]
    return f"{base}?{urlencode(pairs)}" if pairs else base


def _share() -> None:
    """The link that reproduces this view."""
    st.markdown("**Share this view**")
    link = share_link()
    if link:
        st.code(link, language=None, wrap_lines=True)
        st.caption("Every input, every channel included, is in the address: anyone opening it "
                   "sees this projection.")
    else:
        st.caption("Copy the address bar: it holds every input, so anyone opening it sees "
                   "this projection.")


def render(engine: Engine, plan: Plan, defaults: Defaults, outlook: Outlook) -> None:
    """Scenarios: manage, compare, share. Without the workspace, says so and stops there."""
    st.subheader("Scenarios", anchor=False)
    workspace = data.workspace()
    if workspace is None:
        st.info("Scenarios need the workspace, which is unavailable (see the sidebar).")
        return
    flash.show("scenarios")
    try:
        saved = {s.id: s.name for s in workspace.list_scenarios()}
    except WorkspaceError as error:
        st.error(fmt.escape_markdown(str(error)))
        saved = {}
    _manage(workspace, defaults, saved)
    candidates = _candidates(workspace, defaults, plan, saved)
    if len(candidates) > 1:
        _compare(engine, plan, defaults, outlook, candidates)
    _share()
