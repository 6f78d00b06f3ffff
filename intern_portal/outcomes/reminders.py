"""The outcome survey: at the end of the internship, then every 90 days for a year while the
project's outcomes are still open."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..links import external_url
from ..models import Internship, InternshipStatus, Outcome
from ..models.outcomes import is_final
from ..notify.owed import Owed, owed
from ..notify.settings import ReminderTimings
from ..timeutil import at_local


def _pending_outcomes(project_ids: list[int]) -> set[int]:
    """Projects whose outcomes are still open: none recorded yet, or one not at a final step."""
    seen: set[int] = set()
    pending: set[int] = set()
    rows = db.session.execute(
        select(Outcome.project_id, Outcome.kind, Outcome.status)
        .where(Outcome.project_id.in_(project_ids))
    ).tuples().all() if project_ids else []
    for project_id, kind, status in rows:
        seen.add(project_id)
        if not is_final(kind, status):
            pending.add(project_id)
    return pending | (set(project_ids) - seen)


def survey_reminders(now: datetime, t: ReminderTimings) -> list[Owed]:
    """The outcome survey at the end, repeated while outcomes are pending for a year."""
    today = now.date()
    internships = db.session.scalars(
        select(Internship)
        .where(Internship.status != InternshipStatus.WITHDRAWN,
               Internship.end_date <= today + timedelta(days=1),
               Internship.end_date >= today - timedelta(days=t.survey_for_days + 31))
        .options(joinedload(Internship.intern), joinedload(Internship.manager),
                 joinedload(Internship.project))
    ).unique().all()
    pending = _pending_outcomes([i.project.id for i in internships if i.project is not None])
    found: list[Owed] = []
    for internship in internships:
        project = internship.project
        for person in (internship.intern, internship.manager):
            rounds = range(t.survey_for_days // t.survey_repeat_days + 1)
            dues = [(k, at_local(internship.end_date + timedelta(days=k * t.survey_repeat_days),
                                 t.send_hour, person.time_zone)) for k in rounds]
            past = [(k, d) for k, d in dues if d <= now and now - d < timedelta(days=30)]
            if not past:
                continue
            k, due = past[-1]
            if k > 0 and (project is None or project.id not in pending):
                continue
            title = project.title if project is not None else "the internship"
            about = "your" if person is internship.intern else f"{internship.intern.name}\u2019s"
            found.append(owed(
                "outcome_survey", f"internship:{internship.id}:round:{k}", person, due,
                f"What came of {title}?",
                [f"Tell us what {about} project produced: papers and their status, tutorials, "
                 "production launches, patents, open-source releases.",
                 "Outcomes count however long after the internship they arrive."],
                ("Record outcomes", external_url("outcomes.index"))))
    return found
