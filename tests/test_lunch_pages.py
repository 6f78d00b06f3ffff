"""Lunch pages: interns browse and book, scientists offer and manage, in constant queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from intern_portal.extensions import db
from intern_portal.lunch import service
from intern_portal.models import LunchBlackout, LunchSlot, MentorProfile, Role, SlotStatus

from . import factories


def intern(**kw):
    return factories.user(Role.INTERN, time_zone="Asia/Kolkata", **kw)


def future(days: int = 3, hour: int = 19) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(hour=hour, minute=0, second=0,
                                                              microsecond=0)


def scientist_on(team, name: str, expertise: str = ""):
    return factories.mentor(team_=team, name=name, expertise=expertise)


def test_intern_books_from_the_browser_and_sees_it_in_their_list(client, auth):
    scientist = factories.mentor(name="Nora Scientist")
    slot = factories.lunch_slot(scientist, starts_at=future())
    person = intern()
    auth.login_as(person)
    page = client.get("/lunch/slots").get_data(as_text=True)
    assert "Nora Scientist" in page and "IST" in page
    response = client.post(f"/lunch/slots/{slot.id}/book")
    assert response.status_code == 302
    mine = client.get("/lunch/").get_data(as_text=True)
    assert "Nora Scientist" in mine and "0</span> of 8" in mine
    assert "No lunch date booked yet." not in mine


def test_home_page_shows_scientists_met_against_the_goal(client, auth):
    internship = factories.internship()
    auth.login_as(internship.intern)
    body = client.get("/").get_data(as_text=True)
    assert "you have met 0 of 8 scientists" in body


def test_filters_narrow_by_org_team_area_and_name(client, auth):
    vision = factories.team(name="Vision")
    speech = factories.team(name="Speech")
    factories.lunch_slot(scientist_on(vision, "Vera Vision", "image segmentation"))
    factories.lunch_slot(scientist_on(speech, "Sid Speech", "speech recognition"),
                         starts_at=future(4))
    auth.login_as(intern())

    def names(**query):
        body = client.get("/lunch/slots", query_string=query).get_data(as_text=True)
        return {n for n in ("Vera Vision", "Sid Speech") if n in body}

    assert names() == {"Vera Vision", "Sid Speech"}
    assert names(team_id=vision.id) == {"Vera Vision"}
    assert names(org_id=speech.org_id) == {"Sid Speech"}
    assert names(area="segmentation") == {"Vera Vision"}
    assert names(scientist="sid") == {"Sid Speech"}


def test_not_met_yet_hides_scientists_already_booked(client, auth):
    met = factories.mentor(name="Already Booked")
    new = factories.mentor(name="Not Yet Met")
    person = intern()
    service.book(person, factories.lunch_slot(met, starts_at=future(3)).id)
    factories.lunch_slot(met, starts_at=future(5))
    factories.lunch_slot(new, starts_at=future(6))
    auth.login_as(person)
    body = client.get("/lunch/slots?not_met=y").get_data(as_text=True)
    assert "Not Yet Met" in body and "Already Booked" not in body


def test_bad_filter_values_are_ignored_not_a_crash(client, auth):
    auth.login_as(intern())
    assert client.get("/lunch/slots?day=notadate&hour_from=99&page=-3").status_code == 200


def _many_slots(n: int) -> None:
    for i in range(n):
        team = factories.team()
        factories.lunch_slot(scientist_on(team, f"Scientist {i}"), starts_at=future(3 + i))


def test_slot_browser_queries_do_not_grow_with_the_data(client, auth, count_queries):
    person = intern()
    _many_slots(3)
    auth.login_as(person)
    with count_queries() as small:
        assert client.get("/lunch/slots").status_code == 200
    _many_slots(30)
    with count_queries() as large:
        assert client.get("/lunch/slots?page=2").status_code == 200
    assert large.count == small.count


def test_hosting_page_queries_do_not_grow_with_the_data(client, auth, count_queries):
    scientist = factories.mentor()

    def book_some(n: int, offset: int) -> None:
        for i in range(n):
            slot = factories.lunch_slot(scientist, starts_at=future(3 + offset + i))
            service.book(intern(), slot.id)

    book_some(2, 0)
    auth.login_as(scientist)
    with count_queries() as small:
        assert client.get("/lunch/hosting").status_code == 200
    book_some(20, 10)
    with count_queries() as large:
        assert client.get("/lunch/hosting").status_code == 200
    assert large.count == small.count


def test_scientist_offers_a_weekly_window_for_a_cohort(client, auth):
    cohort = factories.cohort(year=2027, start=date(2027, 6, 1), end=date(2027, 6, 30))
    scientist = factories.mentor()
    auth.login_as(scientist)
    data = {"weekdays": ["1", "3"], "start_time": "12:00", "end_time": "13:00",
            "time_zone": "America/Los_Angeles", "cohort_id": str(cohort.id),
            "slot_minutes": "30", "seats": "1", "video_url": "https://meet.example.com/sam",
            "topic": "Ranking"}
    response = client.post("/lunch/windows/new", data=data)
    assert response.status_code == 302
    count = db.session.scalar(select(func.count()).select_from(LunchSlot)
                              .where(LunchSlot.scientist_id == scientist.id))
    assert count == 9 * 2  # nine Tuesdays and Thursdays in June 2027, two slots each


def test_window_ending_before_it_starts_rerenders_with_the_reason(client, auth):
    auth.login_as(factories.mentor())
    data = {"weekdays": ["1"], "start_time": "13:00", "end_time": "12:00",
            "time_zone": "America/Los_Angeles", "valid_from": "2027-06-01",
            "valid_until": "2027-06-30", "slot_minutes": "30", "seats": "1",
            "video_url": "https://meet.example.com/sam"}
    response = client.post("/lunch/windows/new", data=data)
    assert response.status_code == 422
    assert "The window must end after it starts." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(LunchSlot)) == 0


def test_scientist_offers_edits_and_withdraws_a_one_off_slot(client, auth):
    scientist = factories.mentor(time_zone="America/Los_Angeles")
    auth.login_as(scientist)
    day = (datetime.now(UTC) + timedelta(days=10)).date()
    data = {"day": day.isoformat(), "start_time": "12:00", "minutes": "45", "seats": "2",
            "time_zone": "America/Los_Angeles", "video_url": "https://meet.example.com/s"}
    assert client.post("/lunch/slots/new", data=data).status_code == 302
    slot = db.session.scalar(select(LunchSlot))
    assert slot.ends_at - slot.starts_at == timedelta(minutes=45) and slot.seats == 2
    edit = dict(data, start_time="12:30", topic="Bandits")
    assert client.post(f"/lunch/slots/{slot.id}/edit", data=edit).status_code == 302
    db.session.refresh(slot)
    assert slot.topic == "Bandits"
    assert client.post(f"/lunch/slots/{slot.id}/withdraw").status_code == 302
    assert db.session.get(LunchSlot, slot.id).status == SlotStatus.WITHDRAWN


def test_booked_slot_cannot_be_edited_or_withdrawn(client, auth):
    slot = factories.lunch_slot()
    service.book(intern(), slot.id)
    auth.login_as(slot.scientist)
    response = client.post(f"/lunch/slots/{slot.id}/withdraw", follow_redirects=True)
    assert "cancel the booking" in response.get_data(as_text=True)
    assert db.session.get(LunchSlot, slot.id).status == SlotStatus.OPEN


def test_another_scientist_cannot_touch_my_slot(client, auth):
    slot = factories.lunch_slot()
    auth.login_as(factories.mentor())
    assert client.post(f"/lunch/slots/{slot.id}/withdraw").status_code == 403
    assert client.get(f"/lunch/slots/{slot.id}/edit").status_code == 403


def test_blocking_a_date_withdraws_its_open_slots_and_keeps_booked_ones(client, auth):
    scientist = factories.mentor(time_zone="America/Los_Angeles")
    noon = future(5, hour=19)  # 11:00 or 12:00 in Seattle
    booked = factories.lunch_slot(scientist, starts_at=noon)
    open_ = factories.lunch_slot(scientist, starts_at=noon + timedelta(hours=1))
    other_day = factories.lunch_slot(scientist, starts_at=noon + timedelta(days=1))
    service.book(intern(), booked.id)
    auth.login_as(scientist)
    day = noon.astimezone(ZoneInfo("America/Los_Angeles")).date()
    response = client.post("/lunch/blackouts", data={"day": day.isoformat()})
    assert response.status_code == 302
    statuses = {s.id: s.status for s in db.session.scalars(select(LunchSlot))}
    assert statuses == {booked.id: SlotStatus.OPEN, open_.id: SlotStatus.WITHDRAWN,
                        other_day.id: SlotStatus.OPEN}
    assert db.session.scalar(select(LunchBlackout.day)) == day
    again = client.post("/lunch/blackouts", data={"day": day.isoformat()})
    assert again.status_code == 422 and "already blocked" in again.get_data(as_text=True)


def test_scientist_sets_a_weekly_cap(client, auth):
    scientist = factories.mentor()
    auth.login_as(scientist)
    assert client.post("/lunch/cap", data={"cap": "2"}).status_code == 302
    cap = db.session.scalar(select(MentorProfile.lunch_weekly_cap)
                            .where(MentorProfile.user_id == scientist.id))
    assert cap == 2
    assert client.post("/lunch/cap", data={"cap": "-1"}).status_code == 422


def test_scientist_sees_upcoming_and_past_lunch_dates(client, auth):
    scientist = factories.mentor()
    person = intern(name="Ada Intern")
    service.book(person, factories.lunch_slot(scientist).id)
    auth.login_as(scientist)
    body = client.get("/lunch/hosting").get_data(as_text=True)
    assert "Ada Intern" in body and "Past lunch dates" in body


def test_mentor_only_lunch_link_goes_to_hosting(client, auth):
    auth.login_as(factories.mentor())
    response = client.get("/lunch/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/lunch/hosting")


def test_one_off_slot_on_a_blocked_date_is_refused(client, auth):
    scientist = factories.mentor(time_zone="America/Los_Angeles")
    day = (datetime.now(UTC) + timedelta(days=10)).date()
    auth.login_as(scientist)
    assert client.post("/lunch/blackouts", data={"day": day.isoformat()}).status_code == 302
    data = {"day": day.isoformat(), "start_time": "12:00", "minutes": "30", "seats": "1",
            "time_zone": "America/Los_Angeles", "video_url": "https://meet.example.com/s"}
    response = client.post("/lunch/slots/new", data=data)
    assert response.status_code == 422
    assert "You blocked that date" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(LunchSlot)) == 0


def test_slot_browser_pages_through_many_slots(client, auth):
    from intern_portal.lunch.browse import PER_PAGE

    scientist = factories.mentor(name="Paged Scientist")
    for n in range(PER_PAGE + 2):
        factories.lunch_slot(scientist, starts_at=future(days=3 + n))
    auth.login_as(intern())
    first = client.get("/lunch/slots").get_data(as_text=True)
    assert first.count("Paged Scientist") >= PER_PAGE
    assert 'href="/lunch/slots?page=2' in first and "Later" in first
    second = client.get("/lunch/slots?page=2").get_data(as_text=True)
    assert "Page 2" in second and 'href="/lunch/slots?page=1' in second
