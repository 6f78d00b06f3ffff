"""Building iCalendar data: invitations (REQUEST/CANCEL) and feeds share these pieces."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Intern Portal//Intern Portal//EN"


@dataclass(frozen=True)
class Person:
    name: str
    email: str


@dataclass(frozen=True)
class CalendarItem:
    """One dated thing: a lunch date, a milestone, an event, an internship's first day."""

    uid: str
    summary: str
    start: datetime
    end: datetime | None = None
    all_day: bool = False
    sequence: int = 0
    description: str = ""
    location: str = ""
    url: str = ""
    cancelled: bool = False
    organizer: Person | None = None
    attendees: tuple[Person, ...] = field(default_factory=tuple)
    last_modified: datetime | None = None


def _address(person: Person, role: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = vText(person.name)
    if role:
        address.params["ROLE"] = vText(role)
        address.params["PARTSTAT"] = vText("NEEDS-ACTION")
        address.params["RSVP"] = vText("TRUE")
    return address


def to_event(item: CalendarItem, stamp: datetime | None = None) -> Event:
    """One VEVENT; times are written in UTC (a trailing Z), all-day items as dates."""
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", (stamp or datetime.now(UTC)).astimezone(UTC))
    if item.all_day:
        event.add("dtstart", item.start.date())
        if item.end is not None:
            event.add("dtend", item.end.date())
    else:
        event.add("dtstart", item.start.astimezone(UTC))
        if item.end is not None:
            event.add("dtend", item.end.astimezone(UTC))
    event.add("summary", item.summary)
    event.add("sequence", item.sequence)
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    if item.description:
        event.add("description", item.description)
    if item.location:
        event.add("location", item.location)
    if item.url:
        event.add("url", item.url)
    if item.last_modified is not None:
        event.add("last-modified", item.last_modified.astimezone(UTC))
    if item.organizer is not None:
        event["organizer"] = _address(item.organizer)
    for attendee in item.attendees:
        event.add("attendee", _address(attendee, role="REQ-PARTICIPANT"))
    return event


def calendar(items: list[CalendarItem], *, method: str | None = None, name: str = "",
             stamp: datetime | None = None) -> bytes:
    """A VCALENDAR holding the items; method is REQUEST or CANCEL for invitations."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    for item in items:
        cal.add_component(to_event(item, stamp))
    return cal.to_ical()


def invitation(item: CalendarItem, stamp: datetime | None = None) -> bytes:
    """An invitation for one item: METHOD:REQUEST, or METHOD:CANCEL once it is cancelled."""
    return calendar([item], method="CANCEL" if item.cancelled else "REQUEST", stamp=stamp)


@lru_cache(maxsize=50_000)
def _event_block(item: CalendarItem, stamp: datetime | None) -> bytes:
    return to_event(item, stamp).to_ical()


def feed(items: list[CalendarItem], *, name: str = "") -> bytes:
    """A subscribable VCALENDAR, each event stamped with its item's LAST-MODIFIED."""
    # An event's text depends only on its item, so it is built once per version and reused
    # for every poll of every feed that holds it.
    head, _, tail = calendar([], name=name).rpartition(b"END:VCALENDAR")
    blocks = b"".join(_event_block(item, item.last_modified) for item in items)
    return head + blocks + b"END:VCALENDAR" + tail
