"""The shape of an owed reminder, shared by the finders that produce them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from .outbox import dedupe_key

Owed = dict[str, Any]


class Addressee(Protocol):
    id: int
    name: str
    email: str
    time_zone: str


@dataclass(frozen=True, slots=True)
class Recipient:
    """A person read as plain columns, for finders that skip loading whole User rows."""

    id: int
    name: str
    email: str
    time_zone: str


@lru_cache(maxsize=8192)
def at_local(day: date, hour: int, zone: str) -> datetime:
    """The UTC instant of a wall-clock hour on a day in a zone."""
    return datetime.combine(day, time(hour), ZoneInfo(zone)).astimezone(UTC)


def owed(kind: str, ref: str, recipient: Addressee, due: datetime, subject: str,
         intro: list[str], action: tuple[str, str], sections: list | None = None) -> Owed:
    """One reminder owed to one person; its dedupe key names kind, subject, person and time."""
    return {"kind": kind, "key": dedupe_key(kind, f"{ref}:to:{recipient.id}", due),
            "recipient": recipient, "due_at": due, "subject": subject, "intro": intro,
            "sections": sections or [], "action": action}
