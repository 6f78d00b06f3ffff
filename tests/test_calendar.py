"""Personal calendar feeds: secret URLs, what they hold, versions and conditional GETs."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
import vobject
from sqlalchemy import select

from intern_portal.extensions import db
from intern_portal.models import (
    CalendarFeed,
    CohortEvent,
    EventKind,
    LaunchPlan,
    LunchBooking,
    LunchSlot,
    PlanMilestone,
    Role,
)

from . import factories

START = datetime(2026, 7, 14, 19, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def in_july():
    with time_machine.travel(datetime(2026, 7, 10, 12, 0, tzinfo=UTC)):
        yield


def new_feed_url(client, auth, person) -> str:
    auth.login_as(person)
    response = client.post("/calendar/feed")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    [url] = re.findall(r'value="(http[^"]+\.ics)"', page)
    assert re.search(r'value="webcal://[^"]+\.ics"', page)
    auth.logout()
    return urlsplit(url).path


def parse(response):
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    return vobject.readOne(response.get_data(as_text=True))


def events_by_uid(cal) -> dict:
    return {e.uid.value: e for e in cal.contents.get("vevent", [])}


def intern_world():
    intern = factories.user(Role.INTERN, name="Asha Rao")
    internship = factories.internship(intern=intern)
    scientist = factories.mentor(name="Wei Zhang")
    slot = LunchSlot(scientist=scientist, starts_at=START, ends_at=START + timedelta(minutes=30),
                     time_zone="America/Los_Angeles", video_url="https://meet.example.com/x")
    booking = LunchBooking(slot=slot, intern_id=intern.id, uid="lunch-1@intern-portal")
    plan = LaunchPlan(internship=internship, project_title="Entity linking", goal_paper=True,
                      delivered_at=datetime(2026, 6, 1, 16, tzinfo=UTC),
                      milestones=[PlanMilestone(week=2, title="Literature review",
                                                due_date=date(2026, 7, 20))])
    event = CohortEvent(cohort_id=internship.cohort_id, kind=EventKind.FIRESIDE_CHAT,
                        title="Fireside chat", starts_at=START + timedelta(days=1),
                        ends_at=START + timedelta(days=1, hours=1), time_zone="UTC",
                        video_url="https://meet.example.com/fireside")
    db.session.add_all([booking, plan, event])
    db.session.commit()
    return intern, internship, booking, plan, event


def test_feed_holds_lunches_milestones_events_and_internship_dates(client, auth):
    intern, internship, booking, plan, event = intern_world()
    url = new_feed_url(client, auth, intern)
    cal = parse(client.get(url))
    found = events_by_uid(cal)
    assert set(found) == {
        "lunch-1@intern-portal", f"milestone-{plan.milestones[0].id}@intern-portal",
        f"cohort-event-{event.id}@intern-portal",
        f"internship-{internship.id}-start@intern-portal",
        f"internship-{internship.id}-end@intern-portal"}
    lunch = found["lunch-1@intern-portal"]
    assert lunch.dtstart.value == START and lunch.status.value == "CONFIRMED"
    assert "Wei Zhang" in lunch.summary.value
    milestone = found[f"milestone-{plan.milestones[0].id}@intern-portal"]
    assert milestone.dtstart.value == date(2026, 7, 20)
    assert found[f"cohort-event-{event.id}@intern-portal"].location.value.endswith("fireside")


def test_scientist_sees_the_same_lunch_uid(client, auth):
    _, _, booking, _, _ = intern_world()
    url = new_feed_url(client, auth, booking.slot.scientist)
    assert "lunch-1@intern-portal" in events_by_uid(parse(client.get(url)))


def test_token_is_stored_hashed(client, auth):
    intern, *_ = intern_world()
    url = new_feed_url(client, auth, intern)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    [feed] = db.session.scalars(select(CalendarFeed)).all()
    assert feed.token_hash != token and len(feed.token_hash) == 64


def test_revoked_and_unknown_tokens_answer_404(client, auth):
    intern, *_ = intern_world()
    url = new_feed_url(client, auth, intern)
    assert client.get("/calendar/feed/not-a-token.ics").status_code == 404
    auth.login_as(intern)
    client.post("/calendar/feed/revoke")
    auth.logout()
    assert client.get(url).status_code == 404


def test_regenerating_ends_the_old_url(client, auth):
    intern, *_ = intern_world()
    old = new_feed_url(client, auth, intern)
    new = new_feed_url(client, auth, intern)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_unchanged_feed_answers_304_to_etag_and_last_modified(client, auth):
    intern, *_ = intern_world()
    url = new_feed_url(client, auth, intern)
    first = client.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"stale"'}).status_code == 200


def test_cancelled_lunch_stays_with_status_cancelled_and_a_higher_sequence(client, auth):
    intern, _, booking, _, _ = intern_world()
    url = new_feed_url(client, auth, intern)
    first = client.get(url)
    booking.status, booking.cancelled_at = "cancelled", START - timedelta(days=1)
    booking.sequence = 1
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    lunch = events_by_uid(parse(changed))["lunch-1@intern-portal"]
    assert lunch.status.value == "CANCELLED" and int(lunch.sequence.value) >= 1


def test_sequence_rises_when_a_milestone_moves(client, auth):
    intern, _, _, plan, _ = intern_world()
    url = new_feed_url(client, auth, intern)
    uid = f"milestone-{plan.milestones[0].id}@intern-portal"
    before = int(events_by_uid(parse(client.get(url)))[uid].sequence.value)
    plan.milestones[0].due_date = date(2026, 7, 22)
    db.session.commit()
    after = events_by_uid(parse(client.get(url)))[uid]
    assert int(after.sequence.value) == before + 1
    assert after.dtstart.value == date(2026, 7, 22)
    assert int(events_by_uid(parse(client.get(url)))[uid].sequence.value) == before + 1


def test_feed_queries_do_not_grow_with_items(client, auth, count_queries):
    intern, internship, *_ = intern_world()
    url = new_feed_url(client, auth, intern)

    def add_lunches(n: int, offset: int) -> None:
        for i in range(n):
            s = factories.mentor()
            at = START + timedelta(days=offset + i)
            db.session.add(LunchBooking(
                slot=LunchSlot(scientist=s, starts_at=at, ends_at=at + timedelta(minutes=30),
                               time_zone="UTC", video_url="https://meet.example.com/y"),
                intern_id=intern.id, uid=f"lunch-x{offset + i}@test"))
        db.session.commit()

    add_lunches(3, 10)
    client.get(url)
    with count_queries() as few:
        client.get(url)
    add_lunches(27, 20)
    client.get(url)
    with count_queries() as many:
        client.get(url)
    assert many.count == few.count


def test_calendar_page_lists_what_is_coming(client, auth):
    intern, *_ = intern_world()
    auth.login_as(intern)
    page = client.get("/calendar/").get_data(as_text=True)
    assert "Create my feed URL" in page
