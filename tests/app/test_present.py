"""The presentation mode under AppTest: slides of the demo, previous/next, ?slide=, the
plan's live control and leaving back to the page the user came from."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, TIMEOUT, open_app
from ui import slides
from ui.present import REQUESTS_KEY

PRESENT = "app_pages/present.py"
DEMO_KEYS = ("headline", "trend", "why", "replies", "themes", "plan", "kpi")


def _counter(at: AppTest) -> str:
    return next(m.value for m in at.markdown if re.fullmatch(r"\d+ / \d+", m.value))


def _open_present(slide: int | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT * 4)
    if slide is not None:
        at.query_params["slide"] = str(slide)
    at.run()
    at.switch_page(PRESENT)
    at.run()
    return at


def test_present_opens_on_the_headline_and_steps_through() -> None:
    at = _open_present()
    assert not at.exception
    assert at.title[0].value == "Bramblegate Home Insurance"
    assert _counter(at) == f"1 / {len(DEMO_KEYS)}"
    text = " ".join(m.value for m in at.markdown)
    assert "The TrustScore is 4\\.3, Excellent" in text  # the Overview's briefing
    assert at.button(key="present_previous").disabled
    at.button(key="present_next").click().run()
    assert not at.exception
    assert at.title[0].value == slides.TITLES["trend"]
    assert _counter(at) == f"2 / {len(DEMO_KEYS)}"
    assert at.query_params["slide"] == "2"
    assert len(at.get("plotly_chart")) == 1
    at.button(key="present_previous").click().run()
    assert at.title[0].value == "Bramblegate Home Insurance"


def test_a_link_opens_straight_into_a_slide() -> None:
    at = _open_present(slide=7)
    assert not at.exception
    assert at.title[0].value == slides.TITLES["kpi"]
    assert _counter(at) == "7 / 7"
    assert at.button(key="present_next").disabled


def test_the_plan_control_moves_the_bands() -> None:
    at = _open_present(slide=DEMO_KEYS.index("plan") + 1)
    assert not at.exception
    assert at.title[0].value == slides.TITLES["plan"]
    control = at.number_input(key=REQUESTS_KEY)
    before = control.value
    before_lines = [m.value for m in at.markdown]
    chart_before = at.get("plotly_chart")[0].proto.spec
    control.set_value(before * 2).run()
    assert not at.exception
    assert at.number_input(key=REQUESTS_KEY).value == before * 2
    after_lines = [m.value for m in at.markdown]
    assert after_lines != before_lines
    assert f"{before * 2:,.0f} review requests a month" in " ".join(after_lines)
    assert at.get("plotly_chart")[0].proto.spec != chart_before


def test_leave_returns_to_the_page_the_user_came_from() -> None:
    """With a sidebar setting bound to the address (which switch_page may not clear),
    Leave goes back to the KPI view, the setting kept."""
    at = open_app("kpi.py")
    at.segmented_control(key="model").set_value("decayed-prior").run()
    at.switch_page(PRESENT).run()
    at.run()  # under AppTest a switched-to page reads persisted widgets from its 2nd run
    assert not at.exception
    assert "decayed\\-prior model" in " ".join(c.value for c in at.caption)
    at.button(key="present_leave").click().run()
    assert not at.exception
    assert at.title[0].value == "KPI view"
    assert at.segmented_control(key="model").value == "decayed-prior"


def test_the_overview_links_to_the_presentation() -> None:
    at = open_app()
    assert not at.exception
    links = [link.proto.label for link in at.get("page_link")]
    assert "Present as slides" in links
