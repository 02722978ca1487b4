"""Planner: where will the score be with this many review requests, how sure are we, and
what does it take to reach a target by a date?"""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import streamlit as st

import scoring
from scoring.errors import WorkspaceError
from scoring.projection import mix_mean
from ui import controls, data, export
from ui import format as fmt
from ui import planner_inputs as pi
from ui.planner import charts, text

view = controls.sidebar(period=False)
model = view.model
st.title("Projection planner", anchor=False)
st.markdown("If we send this many review requests, where will the score be, how sure are we, "
            "and what does it take to reach the target by the date?")
st.caption(
    f"{view.caption()} · "
    + ("projections are of the score as Trustpilot shows it" if model.is_trustpilot
       else "projections are of the live score (decayed-prior model)")
)
if scoring.star_counts(view.reviews).sum() == 0:
    st.info("No counted reviews match these filters: widen the filters or the dates.")
    st.stop()

rates = scoring.recent_rates(view.reviews, as_of=view.end)
as_of = view.end  # None: from the newest counted review
now_score = scoring.trust_score(view.reviews, as_of=as_of, **model.score_kwargs())
defaults = pi.Defaults.from_rates(rates, now_score)
view_key = f"{view.describe()}|end={view.end}|filters={sorted(view.filters.items())!r}"
key = f"{view.dataset.content_hash}|{view_key}"  # identifies view.reviews for the caches


def flash(kind: str, text: str, where: str = "inputs") -> None:
    """A message for the next run, shown next to the inputs or the scenarios."""
    st.session_state[pi.FLASH] = (where, kind, text)


def show_flash(where: str) -> None:
    message = st.session_state.get(pi.FLASH)
    if message and message[0] == where:
        del st.session_state[pi.FLASH]
        show = {"success": st.success, "error": st.error}.get(message[1], st.info)
        show(fmt.escape_markdown(message[2]))


def reset() -> None:
    st.session_state.update(defaults.state())
    flash("info", "Inputs set back to the last 90 days of the data.")


def on_slider(per_month: int) -> int:
    """A volume rounded up to the requests slider's step."""
    return math.ceil(per_month / defaults.requests_step) * defaults.requests_step


def use_volume(per_month: int) -> None:
    st.session_state[pi.REQUESTS] = per_month


# --------------------------------------------------------------------------- inputs

plan = pi.plan_inputs(defaults, reset)
for message in plan.mix_messages:
    st.warning(message, icon=":material/balance:")
invited_note = (
    f"{rates.invited_per_day * pi.DAYS_PER_MONTH:,.0f} invited reviews a month "
    f"(average {rates.invited_mean_stars:.2f}★)"
    if rates.has_invited_column
    else "no invited reviews (the data does not say which reviews were invited, so all count "
    "as organic and requests default to 0)"
)
st.caption(
    f"Defaults: the 90 days to {pi.day_text(defaults.as_of)} brought {invited_note} and "
    f"{rates.organic_per_day * pi.DAYS_PER_MONTH:,.0f} organic ones "
    f"(average {rates.organic_mean_stars:.2f}★). The data holds reviews, not requests: the "
    f"default volume assumes a {pi.DEFAULT_RESPONSE_RATE_PCT}% response rate. Half-life and "
    "prior come from the sidebar."
)
show_flash("inputs")

# --------------------------------------------------------------------------- projection

threshold = plan.threshold
target_text = plan.target_name
target_legend = (f"Target: {threshold:.2f}" if plan.target_kind == "score"
                 else f"Target: {target_text} ({threshold:.2f})")
days_to_target = int((plan.target_timestamp - defaults.as_of.floor("D")) // pd.Timedelta(days=1))
simulated_days = max(plan.horizon_days, days_to_target)
inputs = plan.inputs(model, simulated_days)
with st.spinner(f"Simulating {pi.PATHS:,} paths…"):
    outlook = pi.cached_outlook(key, view.reviews, as_of, inputs, plan.target, plan.target_kind,
                                plan.target_date)
    history, baseline, stop = pi.cached_context(key, view.reviews, as_of, simulated_days, model)
horizon_day = outlook.expected.index[plan.horizon_days - 1]
at_horizon = float(outlook.expected.iloc[plan.horizon_days - 1])
date_text = pi.day_text(plan.target_date)
crossing = outlook.crossing

st.markdown(f"**Target: {plan.target_description} by {date_text}**")
cols = st.columns(4)
cols[0].metric(
    "Chance on the target date", f"{outlook.probability:.0%}", border=True,
    help=f"Share of {pi.PATHS:,} simulated futures (Poisson arrivals, star mixes as set) whose "
    f"score on {date_text} is at least {threshold:.2f}.",
)
cols[1].metric(
    f"Expected score on {pi.day_text(horizon_day)}", f"{at_horizon:.2f}",
    delta=f"{fmt.signed(at_horizon - outlook.start_score)} from {outlook.start_score:.2f} now",
    delta_color="normal", border=True,
    help=f"The expected path at the end of the {plan.horizon_months}-month horizon; "
    f"shows as {fmt.score_text(at_horizon)} ({scoring.label(at_horizon)}).",
)
if crossing.already_met:
    crossing_value, crossing_delta = "Already there", f"now {outlook.start_score:.2f}"
elif crossing.median is None:
    crossing_value = "Not in sight"
    crossing_delta = (
        f"{crossing.share_crossed:.0%} of simulations by {outlook.expected.index[-1]:%b %Y}"
    )
else:
    crossing_value = pi.day_text(crossing.median)
    late = pi.day_text(crossing.p90) if crossing.p90 is not None else "later"
    crossing_delta = f"80%: {crossing.p10.day} {crossing.p10:%b} to {late}"
cols[2].metric(
    "First reaches the target", crossing_value, delta=crossing_delta,
    delta_color="off", delta_arrow="off", border=True,
    help="The median date on which the simulated futures first reach the target; 80% of "
    "them first reach it between the two dates below (P10 and P90).",
)
cols[3].metric(
    "Long-run score at this pace", f"{outlook.long_run_score:.2f}",
    delta=scoring.label(outlook.long_run_score), delta_color="off", delta_arrow="off",
    border=True,
    help="Where the score settles if this volume and mix go on for years"
    + (": the new reviews' average stars, since the prior fades as reviews accumulate."
       if model.is_trustpilot else "."),
)

named = text.target_name(plan.target, plan.target_kind)
reach = scoring.reachability(inputs, threshold, start_score=outlook.start_score)
if not reach.reachable:
    st.error("Out of reach at any volume with this star mix. "
             + text.reachability_sentence(reach, named), icon=":material/block:")

history_name = "Score so far" if model.is_trustpilot else "Live score so far"
figure = charts.projection_figure(
    history=history, as_of=outlook.as_of, start_score=outlook.start_score,
    expected=outlook.expected, bands=outlook.bands, status_quo=baseline, stop_collecting=stop,
    threshold=threshold, target_text=target_legend, target_date=plan.target_date,
    history_name=history_name,
)
st.plotly_chart(figure, width="stretch", theme=None, config={"displaylogo": False})
extended = (
    f" The target date is after the {plan.horizon_months}-month horizon, so the chart runs to it."
    if days_to_target > plan.horizon_days else ""
)
band_end = outlook.bands.iloc[plan.horizon_days - 1]
st.caption(
    f"{'Score' if model.is_trustpilot else 'Live score'} over the last year, then "
    f"{pi.PATHS:,} simulated futures (seeded: the same "
    "inputs give the same bands). Shaded bands: where 80% and 50% of them lie each day; on "
    f"{pi.day_text(horizon_day)} 80% lie between {band_end['p10']:.2f} and "
    f"{band_end['p90']:.2f} (the more effective reviews, the narrower). Dashed grey: the last "
    f"90 days' volume and mix continue; dotted red: no new reviews at all"
    + (" (flat: without new reviews the Trustpilot score does not move)."
       if model.is_trustpilot else " (it drifts back towards the prior).")
    + extended
)
projection_table = pd.DataFrame({
    "expected_score": outlook.expected,
    **{f"{p}_score": outlook.bands[p] for p in outlook.bands.columns},
    "status_quo_score": baseline,
    "stop_collecting_score": stop,
})
st.download_button(
    "Download the projection (CSV)", export.safe_csv(projection_table),
    file_name="trustlens-projection.csv", mime="text/csv", icon=":material/download:",
    on_click="ignore",
)

# --------------------------------------------------------------------------- goal seek

st.subheader(f"What it takes to reach {target_text} by {date_text}", anchor=False)
# The goal seek does not depend on the volume set: the same inputs without it.
goal_inputs = replace(plan.inputs(model), requests_per_day=0.0, horizon_days=1)
goal_args = (key, view.reviews, as_of, goal_inputs, plan.target, plan.target_kind,
             plan.target_date)
with st.spinner("Searching for the smallest volume…"):
    expected_goal = pi.cached_goal_seek(*goal_args, None)
    likely_goal = pi.cached_goal_seek(*goal_args, pi.PROBABILITY_GOAL)
reached_on = scoring.date_reached(
    view.reviews, inputs, target=plan.target, target_kind=plan.target_kind, as_of=as_of,
    horizon_days=pi.DATE_SEARCH_DAYS,
)


def per_month(goal: scoring.GoalSeek) -> int | None:
    if goal.requests_per_day is None:
        return None
    return math.ceil(round(goal.requests_per_day * pi.DAYS_PER_MONTH, 6))


def goal_sentence(goal: scoring.GoalSeek, needed: int | None) -> str:
    """The goal seek's answer per month; the engine's own words when there is none."""
    if needed is None or goal.already_met or goal.expected_score is None:
        return text.goal_sentence(goal, named)
    invited = needed * plan.response_rate
    if goal.probability is None:
        return (f"{needed:,} requests ({invited:,.0f} invited reviews) a month lift the expected "
                f"score to {goal.expected_score:.2f} by {date_text}.")
    return (f"At {needed:,} a month, {goal.achieved_probability:.1%} of {pi.PATHS:,} simulations "
            f"are at or above {threshold:.2f} on {date_text} (expected score "
            f"{goal.expected_score:.2f}).")


goal_cols = st.columns(3)
for col, goal, title, button_key in (
    (goal_cols[0], expected_goal, "Requests a month, on average", "plan_use_expected"),
    (goal_cols[1], likely_goal, f"Requests a month, {pi.PROBABILITY_GOAL:.0%} chance",
     "plan_use_likely"),
):
    needed = per_month(goal)
    with col.container(border=True):
        st.metric(title, "Out of reach" if needed is None else f"{needed:,}",
                  help="The fewest requests a month (at the response rate and star mix set "
                  "above) that reach the target by the target date"
                  + (" in expectation." if goal.probability is None else
                     f" in at least {goal.probability:.0%} of {pi.PATHS:,} simulations."))
        st.caption(goal_sentence(goal, needed))
        if needed is not None and needed > 0:
            rounded = on_slider(needed)
            st.button(
                f"Plan with {rounded:,} a month", key=button_key, on_click=use_volume,
                args=(rounded,), disabled=rounded > defaults.requests_max,
                help=f"Set the requests slider to {rounded:,} (its steps are "
                f"{defaults.requests_step:,})." if rounded <= defaults.requests_max else
                f"Beyond the slider's range (up to {defaults.requests_max:,} a month).",
            )
with goal_cols[2].container(border=True):
    st.metric(
        f"Reaches {target_text} at {plan.requests_per_month:,.0f} a month",
        "Not within 10 years" if reached_on is None
        else "Already there" if crossing.already_met and reached_on == outlook.expected.index[0]
        else pi.day_text(reached_on),
        help="The first date the expected path is at or above the target, at the volume set "
        "above.",
    )
    if reached_on is None:
        st.caption(
            f"At this volume the score settles at {outlook.long_run_score:.2f}, "
            f"{'below' if outlook.long_run_score < threshold else 'around'} the target of "
            f"{threshold:.2f}."
        )
    else:
        on_time = reached_on <= plan.target_timestamp
        st.caption(
            f"{'In time' if on_time else 'Too late'} for {date_text}: the expected score "
            f"reaches {threshold:.2f} "
            f"{'on' if on_time else 'only on'} {pi.day_text(reached_on)}."
        )

# --------------------------------------------------------------------------- half-life

st.subheader("How much the half-life matters", anchor=False)
sensitivity = pi.cached_sensitivity(key, view.reviews, as_of, plan.inputs(model))
chart_col, text_col = st.columns([2, 1], gap="medium")
chart_col.plotly_chart(
    charts.sensitivity_figure(sensitivity, current_half_life_days=model.half_life_days,
                              threshold=threshold, target_text=target_legend),
    width="stretch", theme=None, config={"displaylogo": False},
)
low, high = sensitivity["projected_score"].min(), sensitivity["projected_score"].max()
text_col.markdown(
    "Trustpilot says only that reviews count less as they age (about six months). "
    f"With half-lives from 1 to 12 months, this plan ends the horizon between **{low:.2f}** "
    f"and **{high:.2f}**."
)
text_col.caption("Shorter half-lives react faster: the score moves sooner towards the new "
                 "reviews' average. The prior stays as set in the sidebar.")

# --------------------------------------------------------------------------- scenarios

st.subheader("Scenarios", anchor=False)
workspace = data.workspace()
if workspace is None:
    st.info("Scenarios need the workspace, which is unavailable (see the sidebar).")
    st.stop()


def save() -> None:
    try:
        name = st.session_state.get(pi.SCENARIO_NAME, "")
        new_id = workspace.save_scenario(name, pi.current_plan(defaults).params())
    except WorkspaceError as error:
        flash("error", str(error), "scenarios")
        return
    st.session_state[pi.SCENARIO_PICK] = new_id
    flash("success", f"Saved the scenario {name.strip()!r}.", "scenarios")


def load(scenario_id: int | None) -> None:
    if scenario_id is None:
        return
    try:
        params = workspace.load_scenario(scenario_id)
        name = next(s.name for s in workspace.list_scenarios() if s.id == scenario_id)
    except (WorkspaceError, StopIteration) as error:
        flash("error", str(error) or "That scenario no longer exists.", "scenarios")
        return
    state, notes = pi.scenario_state(params, defaults)
    st.session_state.update(state)
    st.session_state[pi.SCENARIO_NAME] = name
    flash("success", f"Loaded {name!r} into the inputs." + (
        f" Adjusted: {'; '.join(notes)}." if notes else ""), "scenarios")


def update(scenario_id: int | None) -> None:
    if scenario_id is None:
        return
    try:
        name = st.session_state.get(pi.SCENARIO_NAME, "")
        workspace.update_scenario(scenario_id, name, pi.current_plan(defaults).params())
    except WorkspaceError as error:
        flash("error", str(error), "scenarios")
        return
    flash("success", f"Updated {name.strip()!r} with the current inputs.", "scenarios")


def delete(scenario_id: int | None) -> None:
    if scenario_id is None:
        return
    try:
        workspace.delete_scenario(scenario_id)
    except WorkspaceError as error:
        flash("error", str(error), "scenarios")
        return
    st.session_state[pi.SCENARIO_PICK] = None
    st.session_state[pi.COMPARE] = [
        i for i in st.session_state.get(pi.COMPARE, []) if i != scenario_id
    ]
    flash("success", "Deleted the scenario.", "scenarios")


show_flash("scenarios")
try:
    saved = {s.id: s.name for s in workspace.list_scenarios()}
except WorkspaceError as error:
    st.error(fmt.escape_markdown(str(error)))
    saved = {}

save_col, saved_col = st.columns(2, gap="medium")
with save_col.container(border=True):
    st.text_input("Scenario name", key=pi.SCENARIO_NAME, max_chars=80,
                  placeholder="e.g. Double invitations from January")
    st.button("Save as a new scenario", key="plan_save", on_click=save, icon=":material/save:",
              type="primary")
with saved_col.container(border=True):
    if pi.SCENARIO_PICK in st.session_state and st.session_state[pi.SCENARIO_PICK] not in saved:
        st.session_state[pi.SCENARIO_PICK] = None
    picked = st.selectbox("Saved scenarios", options=list(saved), format_func=saved.get,
                          index=None, key=pi.SCENARIO_PICK,
                          placeholder="Pick a scenario to load, update or delete")
    buttons = st.columns(3)
    buttons[0].button("Load", key="plan_load", on_click=load, args=(picked,),
                      disabled=picked is None, icon=":material/upload:", width="stretch",
                      help="Put the scenario's inputs into the planner above.")
    buttons[1].button("Update", key="plan_update", on_click=update, args=(picked,),
                      disabled=picked is None, icon=":material/edit:", width="stretch",
                      help="Replace the saved inputs (and name) with the current ones.")
    buttons[2].button("Delete", key="plan_delete", on_click=delete, args=(picked,),
                      disabled=picked is None, icon=":material/delete:", width="stretch")

still_saved = [i for i in st.session_state.get(pi.COMPARE, []) if i in saved]
if still_saved != st.session_state.get(pi.COMPARE, []):
    st.session_state[pi.COMPARE] = still_saved
compared = st.multiselect(
    f"Compare with the current inputs (up to {pi.MAX_COMPARED})", options=list(saved),
    format_func=saved.get, max_selections=pi.MAX_COMPARED, key=pi.COMPARE,
    placeholder="Pick saved scenarios",
)
candidates: list[tuple[str, pi.Plan]] = [("Current inputs", plan)]
try:
    for scenario_id in compared:
        state, _ = pi.scenario_state(workspace.load_scenario(scenario_id), defaults)
        candidates.append((saved[scenario_id], pi.Plan.from_state(state)))
except WorkspaceError as error:
    st.error(fmt.escape_markdown(str(error)))
if len(candidates) > 1:
    rows, paths = [], []
    with st.spinner("Projecting the scenarios…"):
        for name, candidate in candidates:
            result = pi.cached_outlook(key, view.reviews, as_of,
                                       candidate.inputs(model, simulated_days), plan.target,
                                       plan.target_kind, plan.target_date)
            paths.append((name, result.expected.iloc[: plan.horizon_days]))
            rows.append({
                "Scenario": name,
                "Requests / month": candidate.requests_per_month,
                "Response rate": candidate.response_pct,
                "Invited mean ★": mix_mean(candidate.invited_mix),
                f"Score on {pi.day_text(horizon_day)}": float(
                    result.expected.iloc[plan.horizon_days - 1]),
                f"Chance on {date_text}": 100 * result.probability,
                "Long-run score": result.long_run_score,
            })
    st.plotly_chart(
        charts.scenarios_figure(paths, history=history, as_of=outlook.as_of,
                                start_score=outlook.start_score, threshold=threshold,
                                target_text=target_legend,
                                target_date=plan.target_date, history_name=history_name),
        width="stretch", theme=None, config={"displaylogo": False},
    )
    table = pd.DataFrame(rows)
    st.dataframe(
        table, hide_index=True, width="stretch",
        column_config={
            "Requests / month": st.column_config.NumberColumn(format="localized"),
            "Response rate": st.column_config.NumberColumn(format="%.0f%%"),
            "Invited mean ★": st.column_config.NumberColumn(format="%.2f"),
            f"Score on {pi.day_text(horizon_day)}": st.column_config.NumberColumn(format="%.2f"),
            f"Chance on {date_text}": st.column_config.NumberColumn(format="%.0f%%"),
            "Long-run score": st.column_config.NumberColumn(format="%.2f"),
        },
    )
    st.caption("Every scenario under the current target, date, horizon, data and score model: "
               "only the volumes and star mixes differ.")
    st.download_button(
        "Download the comparison (CSV)", export.safe_csv(table, index=False),
        file_name="trustlens-scenarios.csv", mime="text/csv", icon=":material/download:",
        on_click="ignore",
    )

st.markdown("**Share this view**")
link = pi.share_link()
if link:
    st.code(link, language=None, wrap_lines=True)
    st.caption("Every input is in the address: anyone opening it sees this projection.")
else:
    st.caption("Copy the address bar: it holds every input, so anyone opening it sees this "
               "projection.")
