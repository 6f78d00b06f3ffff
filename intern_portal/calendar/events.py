"""Cohort events: team events, talks, fireside chats, discussion groups, networking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from .. import audit
from ..extensions import db
from ..kernel import Refusal, finish
from ..models import Cohort, CohortEvent, EventKind, Internship, InternshipStatus, Org, Team, utcnow
from ..timeutil import LocalTimeError, is_time_zone, to_utc
from .ics import CalendarItem

FIELDS = ("kind", "title", "description", "starts_at", "ends_at", "time_zone", "video_url",
          "org_id", "team_id")
KIND_LABELS = {
    EventKind.TEAM_EVENT: "Team event",
    EventKind.KNOWLEDGE_SHARING: "Knowledge-sharing talk",
    EventKind.FIRESIDE_CHAT: "Fireside chat",
    EventKind.DISCUSSION_GROUP: "Moderated discussion group",
    EventKind.NETWORKING: "Networking event",
}


class EventError(Refusal):
    """A change to an event was refused; field names the form field at fault."""


@dataclass(frozen=True)
class EventFields:
    """An event as a program lead enters it: a local day and times in a named zone."""

    kind: EventKind
    title: str
    description: str
    day: date
    start: time
    end: time
    time_zone: str
    video_url: str | None
    org_id: int | None
    team_id: int | None


def _utc(day: date, at: time, zone: str, field: str) -> datetime:
    try:
        return to_utc(day, at, zone)
    except LocalTimeError as error:
        raise EventError(str(error), field) from error


def _apply(event: CohortEvent, fields: EventFields) -> None:
    if not fields.title.strip():
        raise EventError("Give the event a title.", "title")
    if not is_time_zone(fields.time_zone):
        raise EventError(f"{fields.time_zone!r} is not a time zone.", "time_zone")
    if fields.end <= fields.start:
        raise EventError("The event must end after it starts.", "end")
    team = db.session.get(Team, fields.team_id) if fields.team_id else None
    if fields.team_id and team is None:
        raise EventError("That team does not exist.", "team_id")
    if fields.org_id and db.session.get(Org, fields.org_id) is None:
        raise EventError("That org does not exist.", "org_id")
    if team is not None and fields.org_id and team.org_id != fields.org_id:
        raise EventError("That team belongs to another org.", "team_id")
    event.kind = fields.kind
    event.title = fields.title.strip()
    event.description = fields.description.strip()
    starts_at = _utc(fields.day, fields.start, fields.time_zone, "start")
    ends_at = _utc(fields.day, fields.end, fields.time_zone, "end")
    event.starts_at, event.ends_at = starts_at, ends_at
    event.time_zone = fields.time_zone
    event.video_url = (fields.video_url or "").strip() or None
    event.team_id = fields.team_id or None
    event.org_id = team.org_id if team is not None else (fields.org_id or None)


def create_event(cohort: Cohort, fields: EventFields, actor_id: int | None) -> CohortEvent:
    """Put an event on a cohort's calendar."""
    event = CohortEvent(cohort_id=cohort.id, sequence=0, created_by_id=actor_id)
    _apply(event, fields)
    db.session.add(event)
    audit.record(actor_id, "create", event, f"Added {event.title} to {cohort.name}", None,
                 audit.snapshot(event, FIELDS))
    finish(kind=EventError)
    return event


def update_event(event: CohortEvent, fields: EventFields, actor_id: int | None) -> CohortEvent:
    """Change an event; its SEQUENCE rises so calendars take the new version."""
    before = audit.snapshot(event, FIELDS)
    _apply(event, fields)
    old, new = audit.changed(before, audit.snapshot(event, FIELDS))
    if new:
        event.sequence += 1
        event.updated_at = utcnow()
        audit.record(actor_id, "update", event, f"Edited event {event.title}", old, new)
        finish(kind=EventError)
    return event


def cancel_event(event: CohortEvent, actor_id: int | None) -> CohortEvent:
    """Cancel an event; it stays in feeds marked cancelled."""
    if event.cancelled_at is None:
        event.cancelled_at = utcnow()
        event.sequence += 1
        audit.record(actor_id, "cancel", event, f"Cancelled event {event.title}")
        finish(kind=EventError)
    return event


def fields_of(event: CohortEvent) -> EventFields:
    """The form values for an existing event, in its own zone."""
    zone = ZoneInfo(event.time_zone)
    start, end = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
    return EventFields(event.kind, event.title, event.description, start.date(), start.time(),
                       end.time(), event.time_zone, event.video_url, event.org_id,
                       event.team_id)


def cohort_events(cohort_id: int) -> list[CohortEvent]:
    """A cohort's events in time order, with their audience loaded."""
    return list(db.session.scalars(
        select(CohortEvent).where(CohortEvent.cohort_id == cohort_id)
        .options(joinedload(CohortEvent.org), joinedload(CohortEvent.team))
        .order_by(CohortEvent.starts_at, CohortEvent.id)
    ))


def audience(event: CohortEvent) -> str:
    """Who the event is for, in words."""
    if event.team is not None:
        return f"Team {event.team.name}"
    if event.org is not None:
        return f"Org {event.org.name}"
    return "Whole cohort"


def events_attended(user_id: int, since: datetime) -> list[CohortEvent]:
    """Events a person attends: their cohorts' events for them, and their teams' events."""
    # An intern attends their cohort's events aimed at the cohort, their org or their team; a
    # manager attends the events aimed at a team they manage.
    mine = (
        select(Internship.cohort_id, Internship.team_id, Team.org_id)
        .join(Internship.team)
        .where(Internship.intern_id == user_id,
               Internship.status != InternshipStatus.WITHDRAWN)
    ).subquery()
    as_intern = select(CohortEvent.id).join(mine, and_(
        CohortEvent.cohort_id == mine.c.cohort_id,
        or_(CohortEvent.org_id.is_(None), CohortEvent.org_id == mine.c.org_id),
        or_(CohortEvent.team_id.is_(None), CohortEvent.team_id == mine.c.team_id),
    ))
    as_manager = select(CohortEvent.id).join(Team, CohortEvent.team_id == Team.id).where(
        Team.manager_id == user_id)
    return list(db.session.scalars(
        select(CohortEvent)
        .where(or_(CohortEvent.id.in_(as_intern), CohortEvent.id.in_(as_manager)),
               CohortEvent.ends_at >= since)
        .options(joinedload(CohortEvent.org), joinedload(CohortEvent.team))
        .order_by(CohortEvent.starts_at)
    ))


def event_uid(event: CohortEvent) -> str:
    return f"cohort-event-{event.id}@intern-portal"


def event_item(event: CohortEvent, url: str = "") -> CalendarItem:
    """The event as a calendar item, with its video link."""
    lines = [KIND_LABELS[event.kind], f"For: {audience(event)}"]
    if event.description:
        lines.append(event.description)
    if event.video_url:
        lines.append(f"Join: {event.video_url}")
    return CalendarItem(
        uid=event_uid(event), summary=event.title, start=event.starts_at, end=event.ends_at,
        sequence=event.sequence, description="\n".join(lines),
        location=event.video_url or "", url=event.video_url or url,
        cancelled=event.cancelled_at is not None, last_modified=event.updated_at,
    )

