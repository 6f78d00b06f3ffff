"""Personal calendar feeds: secret URLs, what each person's feed holds, and its versions."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import aliased, joinedload

from .. import audit
from ..extensions import db
from ..kernel import changed_rows, finish, insert_ignoring_duplicates
from ..links import external_url
from ..models import (
    BookingStatus,
    CalendarFeed,
    CalendarItemState,
    Internship,
    InternshipStatus,
    LaunchPlan,
    LunchBooking,
    LunchSlot,
    PlanMilestone,
    Team,
    User,
    utcnow,
)
from .events import event_item, events_attended
from .ics import CalendarItem, feed

HISTORY = timedelta(days=120)  # past items kept in a feed
POLL_NOTE_EVERY = timedelta(minutes=5)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def active_feed(user: User) -> CalendarFeed | None:
    """The person's live feed, if they have one."""
    return db.session.scalar(
        select(CalendarFeed)
        .where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
        .order_by(CalendarFeed.id.desc())
    )


def _revoke_all(user: User, now: datetime) -> int:
    return changed_rows(
        update(CalendarFeed)
        .where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def issue_feed(user: User) -> str:
    """Give the person a new secret feed URL (ending any old one); return the raw token."""
    now = utcnow()
    replaced = _revoke_all(user, now)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(user_id=user.id, token_hash=_hash(token), created_at=now)
    db.session.add(feed)
    audit.record(user.id, "regenerate" if replaced else "create", feed,
                 f"{'Regenerated' if replaced else 'Created'} calendar feed for {user.email}")
    finish()
    return token


def revoke_feed(user: User) -> bool:
    """End the person's feed URL; True if there was one."""
    feed = active_feed(user)
    if feed is None:
        return False
    _revoke_all(user, utcnow())
    audit.record(user.id, "revoke", feed, f"Revoked calendar feed for {user.email}")
    finish()
    return True


def feed_by_token(token: str) -> CalendarFeed | None:
    """The live feed a token opens, or None (unknown or revoked)."""
    return db.session.scalar(
        select(CalendarFeed).where(CalendarFeed.token_hash == _hash(token),
                                   CalendarFeed.revoked_at.is_(None))
        .options(joinedload(CalendarFeed.user))
    )


def feed_urls(token: str) -> tuple[str, str]:
    """The https and webcal:// forms of a feed URL."""
    url = external_url("calendar.feed", token=token)
    return url, "webcal://" + url.split("://", 1)[1]


def _lunch_items(user: User, since: datetime) -> list[CalendarItem]:
    intern, scientist = aliased(User), aliased(User)
    rows = db.session.execute(
        select(LunchBooking.uid, LunchBooking.status, LunchBooking.sequence, LunchSlot.starts_at,
               LunchSlot.ends_at, LunchSlot.video_url, LunchSlot.topic,
               intern.name.label("intern"), scientist.name.label("scientist"))
        .join(LunchBooking.slot)
        .join(intern, LunchBooking.intern_id == intern.id)
        .join(scientist, LunchSlot.scientist_id == scientist.id)
        .where(or_(LunchBooking.intern_id == user.id, LunchSlot.scientist_id == user.id),
               LunchSlot.starts_at >= since)
    ).mappings()
    lunch_url = external_url("lunch.index")
    items = []
    for b in rows:
        lines = [f"Lunch date: {b['intern']} with {b['scientist']}"]
        if b["topic"]:
            lines.append(f"Topic: {b['topic']}")
        lines.append(f"Join: {b['video_url']}")
        items.append(CalendarItem(
            uid=b["uid"], summary=f"Lunch date: {b['intern']} and {b['scientist']}",
            start=b["starts_at"], end=b["ends_at"], sequence=b["sequence"],
            description="\n".join(lines), location=b["video_url"], url=lunch_url,
            cancelled=b["status"] == BookingStatus.CANCELLED,
        ))
    return items


def _milestone_items(user: User, since: datetime) -> list[CalendarItem]:
    rows = db.session.execute(
        select(PlanMilestone.id, PlanMilestone.plan_id, PlanMilestone.title,
               PlanMilestone.description, PlanMilestone.due_date, PlanMilestone.done_at)
        .join(PlanMilestone.plan).join(LaunchPlan.internship)
        .where(Internship.intern_id == user.id, LaunchPlan.delivered_at.is_not(None),
               PlanMilestone.due_date >= since.date())
    )
    items = []
    for milestone_id, plan_id, title, description, due_date, done_at in rows:
        start = datetime.combine(due_date, time(), UTC)
        items.append(CalendarItem(
            uid=f"milestone-{milestone_id}@intern-portal",
            summary=f"Milestone{' (done)' if done_at else ''}: {title}",
            start=start, end=start + timedelta(days=1), all_day=True, description=description,
            url=external_url("plans.detail", plan_id=plan_id),
        ))
    return items


def _internship_items(user: User, since: datetime) -> list[CalendarItem]:
    rows = db.session.execute(
        select(Internship.id, Internship.start_date, Internship.end_date, Internship.status,
               User.name, Team.name)
        .join(Internship.team).join(User, Internship.intern_id == User.id)
        .where(or_(Internship.intern_id == user.id, Internship.manager_id == user.id),
               Internship.end_date >= since.date())
    )
    items = []
    for internship_id, start_date, end_date, status, intern, team in rows:
        for edge, day in (("start", start_date), ("end", end_date)):
            start = datetime.combine(day, time(), UTC)
            verb = "starts" if edge == "start" else "finishes"
            items.append(CalendarItem(
                uid=f"internship-{internship_id}-{edge}@intern-portal",
                summary=f"{intern} {verb} the internship at {team}",
                start=start, end=start + timedelta(days=1), all_day=True,
                cancelled=status == InternshipStatus.WITHDRAWN,
            ))
    return items


def items_for(user: User, now: datetime | None = None) -> list[CalendarItem]:
    """Every dated thing in a person's feed, oldest first (before versioning)."""
    since = (now or utcnow()) - HISTORY
    events_url = external_url("calendar.index")
    items = (_lunch_items(user, since) + _milestone_items(user, since)
             + _internship_items(user, since)
             + [event_item(e, events_url) for e in events_attended(user.id, since)])
    return sorted(items, key=lambda item: (item.start, item.uid))


def fingerprint(item: CalendarItem) -> str:
    """A digest of everything a calendar shows of an item."""
    parts = (item.summary, item.start.timestamp(), item.end.timestamp() if item.end else 0,
             item.all_day, item.description, item.location, item.url, item.cancelled,
             item.sequence)
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def versioned(items: list[CalendarItem], now: datetime) -> tuple[list[CalendarItem], str]:
    """Stamp items with SEQUENCE (higher once changed) and LAST-MODIFIED; add a feed digest."""
    prints = {item.uid: fingerprint(item) for item in items}
    states = {row.uid: row for row in db.session.execute(
        select(CalendarItemState.id, CalendarItemState.uid, CalendarItemState.fingerprint,
               CalendarItemState.sequence, CalendarItemState.changed_at)
        .where(CalendarItemState.uid.in_(list(prints))))
    } if items else {}
    new_rows, changed_rows, result = [], [], []
    digest = hashlib.sha256()
    for item in items:
        state = states.get(item.uid)
        if state is None:
            sequence, changed_at = item.sequence, item.last_modified or now
            new_rows.append({"uid": item.uid, "fingerprint": prints[item.uid],
                             "sequence": sequence, "changed_at": changed_at})
        elif state.fingerprint != prints[item.uid]:
            sequence, changed_at = max(item.sequence, state.sequence + 1), now
            changed_rows.append({"id": state.id, "fingerprint": prints[item.uid],
                                 "sequence": sequence, "changed_at": now})
        else:
            sequence, changed_at = state.sequence, state.changed_at
        result.append(replace(item, sequence=sequence, last_modified=changed_at))
        digest.update(f"{item.uid} {prints[item.uid]} {sequence}\n".encode())
    if new_rows:
        insert_ignoring_duplicates(CalendarItemState.__table__, new_rows, ["uid"])
    if changed_rows:
        db.session.execute(update(CalendarItemState), changed_rows)
    return result, digest.hexdigest()


@dataclass(frozen=True)
class FeedVersion:
    """A feed as served: its items, a strong ETag and when its content last changed."""

    items: list[CalendarItem]
    etag: str
    changed_at: datetime
    name: str

    def body(self) -> bytes:
        return feed(self.items, name=self.name)


def current_version(subscription: CalendarFeed, now: datetime | None = None) -> FeedVersion:
    """Build the feed's items, and record a new change time when its content moved."""
    now = now or utcnow()
    items, digest = versioned(items_for(subscription.user, now), now)
    if subscription.content_hash != digest or subscription.changed_at is None:
        subscription.content_hash, subscription.changed_at = digest, now
    if subscription.last_polled_at is None or now - subscription.last_polled_at > POLL_NOTE_EVERY:
        subscription.last_polled_at = now
    finish()
    name = f"Intern Portal \u2013 {subscription.user.name}"
    return FeedVersion(items, f'"{digest[:40]}"', subscription.changed_at, name)
