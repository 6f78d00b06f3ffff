"""Owed reminders: the shape each area's finders produce, and how they become outbox rows.

The areas own their reminder rules (`lunch/reminders.py`, `plans/reminders.py`,
`mentors/reminders.py`, `outcomes/reminders.py`); this module only gives them one shape and
one way into the outbox, so any number of passes and processes owe each reminder once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from flask import current_app
from jinja2 import Environment, select_autoescape

from ..links import external_url
from .outbox import dedupe_key, enqueue_many

Owed = dict[str, Any]


class Addressee(Protocol):
    """Who a message is owed to: a User, or a Recipient read as plain columns."""

    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...

    @property
    def email(self) -> str: ...

    @property
    def time_zone(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Recipient:
    """A person read as plain columns, for finders that skip loading whole User rows."""

    id: int
    name: str
    email: str
    time_zone: str


def person_columns(person: Any, prefix: str) -> list[Any]:
    """A User (or an alias of it) as the four labelled columns recipient_from() reads."""
    return [person.id.label(f"{prefix}_id"), person.name.label(f"{prefix}_name"),
            person.email.label(f"{prefix}_email"), person.time_zone.label(f"{prefix}_zone")]


def recipient_from(row: Any, prefix: str) -> Recipient:
    """The person that person_columns() put in a result row under prefix."""
    return Recipient(row[f"{prefix}_id"], row[f"{prefix}_name"], row[f"{prefix}_email"],
                     row[f"{prefix}_zone"])


def owed(kind: str, ref: str, recipient: Addressee, due: datetime, subject: str,
         intro: list[str], action: tuple[str, str], sections: list[Any] | None = None) -> Owed:
    """One reminder owed to one person; its dedupe key names kind, subject, person and time."""
    return {"kind": kind, "key": dedupe_key(kind, f"{ref}:to:{recipient.id}", due),
            "recipient": recipient, "due_at": due, "subject": subject, "intro": intro,
            "sections": sections or [], "action": action}


def _templates() -> Environment:
    """A plain Jinja environment over the app's templates: no request globals, so fast."""
    env = current_app.extensions.get("notify.email_templates")
    if env is None:
        env = Environment(loader=current_app.jinja_env.loader,
                          autoescape=select_autoescape(["html"]))
        current_app.extensions["notify.email_templates"] = env
    return env


def render(message: Owed) -> dict[str, str]:
    """Subject, plain text and HTML for one owed reminder."""
    env = _templates()
    context = {**message, "profile_url": external_url("home.profile")}
    return {
        "subject": message["subject"],
        "body_text": env.get_template("email/reminder.txt").render(context),
        "body_html": env.get_template("email/reminder.html").render(context),
    }


def owe(found: list[Owed]) -> int:
    """Put the owed reminders in the outbox (the caller commits); return how many were new."""
    return enqueue_many(found, render)
