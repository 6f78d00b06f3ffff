"""Our iCalendar output, read back by an independent parser (vobject, not icalendar)."""

from datetime import UTC, datetime

import vobject

from intern_portal.calendar.ics import CalendarItem, Person, calendar, invitation

START = datetime(2026, 7, 14, 19, 0, tzinfo=UTC)
END = datetime(2026, 7, 14, 19, 30, tzinfo=UTC)
ITEM = CalendarItem(
    uid="lunch-42@intern-portal",
    summary="Lunch date: Asha Rao and Wei Zhang",
    start=START,
    end=END,
    sequence=0,
    location="https://meet.example.com/abc",
    url="https://meet.example.com/abc",
    organizer=Person("Wei Zhang", "wei@example.com"),
    attendees=(Person("Asha Rao", "asha@example.com"),),
)


def parse(data: bytes):
    return vobject.readOne(data.decode())


def test_invitation_is_a_request_with_organizer_and_attendee():
    cal = parse(invitation(ITEM))
    assert cal.method.value == "REQUEST"
    event = cal.vevent
    assert event.uid.value == "lunch-42@intern-portal"
    assert event.dtstart.value == START and event.dtend.value == END
    assert event.organizer.value == "mailto:wei@example.com"
    assert event.attendee.value == "mailto:asha@example.com"
    assert event.attendee.params["CN"] == ["Asha Rao"]
    assert event.location.value == "https://meet.example.com/abc"


def test_cancellation_keeps_the_uid_and_raises_the_sequence():
    cancelled = CalendarItem(**{**ITEM.__dict__, "cancelled": True, "sequence": 1})
    cal = parse(invitation(cancelled))
    assert cal.method.value == "CANCEL"
    assert cal.vevent.uid.value == ITEM.uid
    assert cal.vevent.sequence.value == "1"
    assert cal.vevent.status.value == "CANCELLED"


def test_all_day_items_are_dates():
    first_day = CalendarItem(uid="start-1@intern-portal", summary="First day", start=START,
                             all_day=True)
    cal = parse(calendar([first_day], name="Asha's internship"))
    assert cal.vevent.dtstart.value == START.date()
    assert cal.contents["x-wr-calname"][0].value == "Asha's internship"
