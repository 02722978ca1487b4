"""TrustLens: the entry point. Page set-up and navigation only; no widgets here.

The page scripts live in ``app_pages/``, not ``pages/``: with a folder named ``pages/``
next to this file, a fresh Streamlit server runs its legacy multipage mode on the first
deep link (e.g. /compare), bypassing this navigation. Widgets stay out of this file:
under AppTest, widgets created beside ``st.navigation`` vanish on the second run, so the
shared sidebar is a ``ui`` function every page calls.
"""

from pathlib import Path

import streamlit as st

from ui import auth, layout, present, warmup

HERE = Path(__file__).parent

st.set_page_config(
    page_title="TrustLens",
    page_icon=":material/star_half:",
    layout="wide",
    initial_sidebar_state="auto",  # open on wide screens, closed on phones
)
layout.apply_responsive_css()  # constant CSS: phones to projectors
# Signed-in mode: a signed-out or unmapped user gets the sign-in or refusal screen and
# nothing else (the script stops here). The scope is resolved once per session.
scope = auth.gate()

pages = [
    st.Page(HERE / "app_pages" / "home.py", title="Overview", icon=":material/dashboard:",
            default=True),
    st.Page(HERE / "app_pages" / "calibration.py", title="Check against Trustpilot",
            icon=":material/fact_check:", url_path="check"),
    st.Page(HERE / "app_pages" / "importer.py", title="Import", icon=":material/upload_file:",
            url_path="import"),
    st.Page(HERE / "app_pages" / "trends.py", title="Trends", icon=":material/show_chart:"),
    st.Page(HERE / "app_pages" / "compare.py", title="Compare", icon=":material/compare_arrows:"),
    st.Page(HERE / "app_pages" / "portfolio.py", title="Portfolio", icon=":material/store:",
            url_path="portfolio"),
    st.Page(HERE / "app_pages" / "why.py", title="Why did it move?",
            icon=":material/waterfall_chart:"),
    st.Page(HERE / "app_pages" / "themes.py", title="Themes", icon=":material/topic:",
            url_path="themes"),
    st.Page(HERE / "app_pages" / "replies.py", title="Replies", icon=":material/forum:"),
    st.Page(HERE / "app_pages" / "planner.py", title="Planner", icon=":material/insights:"),
    st.Page(HERE / "app_pages" / "kpi.py", title="KPI view", icon=":material/speed:"),
    st.Page(HERE / "app_pages" / "present.py", title="Present", icon=":material/slideshow:",
            url_path="present"),
]
if scope.sees_all_teams() and auth.auth_configured():  # signed-in admins; local mode as before
    pages.append(st.Page(HERE / "app_pages" / "audit.py", title="Audit",
                         icon=":material/history:", url_path="audit"))
warmup.start()  # language data for the text analysis, in the background
page = st.navigation(pages)
present.remember(page)  # where the presentation's "Leave" returns
page.run()
