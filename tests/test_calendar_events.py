"""Cohort events: program leads put them on the cohort calendar; attendees get them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import urlsplit

import pytest
import time_machine
import vobject
from sqlalchemy import func, select

from intern_portal.extensions import db
from intern_portal.models import CohortEvent, Role, Term

from . import factories


@pytest.fixture(autouse=True)
def in_july():
    with time_machine.travel(datetime(2026, 7, 1, 12, 0, tzinfo=UTC)):
        yield


def form(**overrides) -> dict:
    data = {"kind": "fireside_chat", "title": "Fireside chat with the VP",
            "description": "Ask anything.", "day": "2026-07-15", "start": "10:00",
            "end": "11:00", "time_zone": "America/Los_Angeles",
            "video_url": "https://meet.example.com/fireside", "org_id": "", "team_id": ""}
    data.update(overrides)
    return data


def events() -> list[CohortEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(CohortEvent).order_by(CohortEvent.id)))


def test_lead_adds_an_event_in_local_time(client, auth):
    cohort = factories.summer_2026()
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    response = client.post(f"/calendar/cohorts/{cohort.id}/events/new", data=form())
    assert response.status_code == 302
    [event] = events()
    assert event.starts_at == datetime(2026, 7, 15, 17, 0, tzinfo=UTC)  # 10:00 PDT
    page = client.get(f"/calendar/cohorts/{cohort.id}").get_data(as_text=True)
    assert "Fireside chat with the VP" in page and "Whole cohort" in page


def test_event_ending_before_it_starts_is_refused(client, auth):
    cohort = factories.summer_2026()
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    response = client.post(f"/calendar/cohorts/{cohort.id}/events/new",
                           data=form(start="11:00", end="10:00"))
    assert response.status_code == 422
    assert "must end after it starts" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CohortEvent)) == 0


def test_team_that_is_not_in_the_org_is_refused(client, auth):
    cohort = factories.summer_2026()
    team, other = factories.team(), factories.team()
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    response = client.post(f"/calendar/cohorts/{cohort.id}/events/new",
                           data=form(org_id=str(other.org_id), team_id=str(team.id)))
    assert response.status_code == 422 and events() == []


def test_event_downloads_as_ics_an_independent_parser_reads(client, auth):
    cohort = factories.summer_2026()
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    client.post(f"/calendar/cohorts/{cohort.id}/events/new", data=form())
    [event] = events()
    response = client.get(f"/calendar/events/{event.id}.ics")
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    vevent = vobject.readOne(response.get_data(as_text=True)).vevent
    assert vevent.uid.value == f"cohort-event-{event.id}@intern-portal"
    assert vevent.dtstart.value == datetime(2026, 7, 15, 17, 0, tzinfo=UTC)
    assert vevent.location.value == "https://meet.example.com/fireside"


def test_editing_raises_the_sequence_and_cancelling_keeps_the_event(client, auth):
    cohort = factories.summer_2026()
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    client.post(f"/calendar/cohorts/{cohort.id}/events/new", data=form())
    [event] = events()
    client.post(f"/calendar/events/{event.id}/edit", data=form(start="10:30"))
    [event] = events()
    assert event.sequence == 1
    client.post(f"/calendar/events/{event.id}/cancel")
    [event] = events()
    assert event.cancelled_at is not None and event.sequence == 2
    vevent = vobject.readOne(client.get(f"/calendar/events/{event.id}.ics")
                             .get_data(as_text=True)).vevent
    assert vevent.status.value == "CANCELLED" and vevent.sequence.value == "2"


def test_team_event_reaches_that_teams_interns_only(client, auth):
    cohort = factories.summer_2026()
    team, other_team = factories.team(manager=factories.user(Role.MANAGER)), factories.team()
    ours = factories.internship(team_=team, cohort_=cohort)
    theirs = factories.internship(team_=other_team, cohort_=cohort)
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    client.post(f"/calendar/cohorts/{cohort.id}/events/new",
                data=form(kind="team_event", title="Team offsite", team_id=str(team.id)))
    client.post(f"/calendar/cohorts/{cohort.id}/events/new", data=form(title="Cohort kickoff"))
    auth.logout()

    def feed_titles(person) -> set[str]:
        auth.login_as(person)
        page = client.post("/calendar/feed").get_data(as_text=True)
        auth.logout()
        url = page.split('id="feed-https" type="text" readonly value="')[1].split('"')[0]
        cal = vobject.readOne(client.get(urlsplit(url).path).get_data(as_text=True))
        return {e.summary.value for e in cal.contents.get("vevent", [])}

    assert {"Team offsite", "Cohort kickoff"} <= feed_titles(ours.intern)
    assert "Team offsite" not in feed_titles(theirs.intern)
    assert "Cohort kickoff" in feed_titles(theirs.intern)
    assert "Team offsite" in feed_titles(team.manager)


def test_an_event_at_a_time_the_clocks_skip_is_refused_like_a_lunch_slot(client, auth):
    cohort = factories.cohort(term=Term.SPRING, year=2027, start=date(2027, 2, 1),
                              end=date(2027, 5, 14))
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    # New York springs forward at 02:00 on 14 March 2027: 02:30 never happens that night.
    response = client.post(f"/calendar/cohorts/{cohort.id}/events/new",
                           data=form(day="2027-03-14", start="02:30", end="04:00",
                                     time_zone="America/New_York"))
    assert response.status_code == 422
    assert "02:30 does not exist on 14 Mar 2027 in America/New_York" in response.get_data(
        as_text=True)
    assert events() == []


def test_an_event_at_a_repeated_time_takes_its_first_occurrence(client, auth):
    cohort = factories.cohort(term=Term.FALL, year=2026, start=date(2026, 9, 1),
                              end=date(2026, 12, 11))
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    # New York falls back at 02:00 on 1 November 2026: 01:30 happens twice, first in EDT.
    response = client.post(f"/calendar/cohorts/{cohort.id}/events/new",
                           data=form(day="2026-11-01", start="01:30", end="03:00",
                                     time_zone="America/New_York"))
    assert response.status_code == 302
    [event] = events()
    assert event.starts_at == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
