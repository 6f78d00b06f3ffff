"""The calendar in a real browser: a person subscribes; a program lead adds an event."""

from __future__ import annotations

import re
from datetime import date, timedelta

import vobject

from intern_portal.models import Role

from .. import factories
from .conftest import sign_in


def test_intern_creates_a_feed_url_that_serves_their_calendar(page, live_server):
    intern = factories.user(Role.INTERN, name="Mei Lin")
    start = date.today() - timedelta(days=7)
    factories.internship(intern=intern, cohort_=factories.cohort(
        start=start, end=start + timedelta(days=90), year=start.year))
    sign_in(page, intern.email, factories.PASSWORD)
    page.get_by_role("link", name="Calendar").click()
    page.get_by_role("button", name="Create my feed URL").click()
    https = page.get_by_label("Subscribe by URL (https)").input_value()
    webcal = page.get_by_label("Or open in your calendar app (webcal)").input_value()
    assert re.fullmatch(r"https?://.+/calendar/feed/[\w-]+\.ics", https)
    assert webcal.startswith("webcal://") and webcal.endswith(https.split("://", 1)[1])
    token_path = "/calendar/feed/" + https.rsplit("/", 1)[1]
    response = page.request.get(live_server.url + token_path)
    assert response.status == 200
    summaries = {e.summary.value for e in vobject.readOne(response.text()).vevent_list}
    assert "Mei Lin starts the internship at" in " ".join(summaries)
    page.get_by_role("button", name="Revoke URL").click()
    assert page.get_by_text("is revoked").is_visible()
    assert page.request.get(live_server.url + token_path).status == 404


def test_program_lead_adds_an_event_to_the_cohort_calendar(page):
    cohort = factories.cohort(start=date(2026, 11, 2), end=date(2027, 2, 12), year=2026)
    lead = factories.user(Role.PROGRAM_LEAD, time_zone="America/New_York")
    sign_in(page, lead.email, factories.PASSWORD)
    page.goto(f"/calendar/cohorts/{cohort.id}")
    page.get_by_role("link", name="Add an event").click()
    page.get_by_label("Kind").select_option(label="Knowledge-sharing talk")
    page.get_by_label("Title").fill("Scaling entity linking")
    page.get_by_label("Day").fill("2026-12-03")
    page.get_by_label("Starts at").fill("11:00")
    page.get_by_label("Ends at").fill("10:00")
    page.get_by_role("button", name="Add event").click()
    assert page.get_by_text("must end after it starts").is_visible()
    page.get_by_label("Ends at").fill("12:00")
    page.get_by_label("Video link").fill("https://meet.example.com/talk")
    page.get_by_role("button", name="Add event").click()
    row = page.get_by_role("row", name=re.compile("Scaling entity linking"))
    assert "Thu 03 Dec 2026, 11:00" in row.inner_text()
    assert row.get_by_role("link", name=".ics").is_visible()
