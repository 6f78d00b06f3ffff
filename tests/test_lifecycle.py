"""Internship statuses follow each internship's own calendar: offered, active, completed."""

from __future__ import annotations

from datetime import UTC, date, datetime

from intern_portal.extensions import db
from intern_portal.jobs import run_once
from intern_portal.lifecycle import advance
from intern_portal.mentors.service import mentor_loads
from intern_portal.models import Internship, InternshipStatus, Term

from . import factories


def _status(internship: Internship) -> InternshipStatus:
    db.session.expire_all()
    return db.session.get(Internship, internship.id).status


def _summer(zone: str, status: InternshipStatus = InternshipStatus.OFFERED) -> Internship:
    cohort = factories.summer_2026()
    i = factories.internship(cohort_=cohort, status=status)
    i.time_zone = zone
    db.session.commit()
    return i


def test_an_internship_starts_when_its_first_day_begins_where_it_is(app):
    seattle, bengaluru = _summer("America/Los_Angeles"), _summer("Asia/Kolkata")
    # 1 June 2026 begins at 18:30 UTC on 31 May in Bengaluru and at 07:00 UTC in Seattle.
    assert advance(datetime(2026, 5, 31, 18, 0, tzinfo=UTC)).started == 0
    assert advance(datetime(2026, 5, 31, 19, 0, tzinfo=UTC)).started == 1
    assert (_status(bengaluru), _status(seattle)) == (InternshipStatus.ACTIVE,
                                                      InternshipStatus.OFFERED)
    assert advance(datetime(2026, 6, 1, 7, 30, tzinfo=UTC)).started == 1
    assert _status(seattle) is InternshipStatus.ACTIVE


def test_an_internship_completes_after_its_last_local_day(app):
    active = _summer("America/Los_Angeles", InternshipStatus.ACTIVE)
    withdrawn = _summer("America/Los_Angeles", InternshipStatus.WITHDRAWN)
    # The cohort ends on 28 August; that day is over in Seattle at 07:00 UTC on the 29th.
    assert advance(datetime(2026, 8, 29, 6, 0, tzinfo=UTC)).completed == 0
    moved = advance(datetime(2026, 8, 29, 7, 30, tzinfo=UTC))
    assert (moved.started, moved.completed) == (0, 1)
    assert _status(active) is InternshipStatus.COMPLETED
    assert _status(withdrawn) is InternshipStatus.WITHDRAWN


def test_history_imported_as_offered_is_completed_on_the_first_run(app):
    past = factories.cohort(Term.SUMMER, 2023, start=date(2023, 6, 5), end=date(2023, 8, 25))
    older = [factories.internship(cohort_=past, status=InternshipStatus.OFFERED)
             for _ in range(3)]
    moved = advance(datetime(2026, 11, 26, 12, tzinfo=UTC))
    assert moved.completed == 3
    assert {_status(i) for i in older} == {InternshipStatus.COMPLETED}


def test_a_finished_internship_no_longer_counts_against_its_mentors_capacity(app):
    mentor = factories.mentor(capacity=1)
    past = factories.cohort(Term.SUMMER, 2024, start=date(2024, 6, 3), end=date(2024, 8, 23))
    factories.assign(factories.internship(cohort_=past, status=InternshipStatus.ACTIVE), mentor)
    assert mentor_loads([mentor.id]) == {mentor.id: 1}
    advance(datetime(2026, 11, 26, 12, tzinfo=UTC))
    assert mentor_loads([mentor.id]).get(mentor.id, 0) == 0


def test_the_scheduler_moves_statuses(app):
    active = _summer("Asia/Kolkata", InternshipStatus.ACTIVE)
    assert run_once(app, datetime(2026, 9, 1, tzinfo=UTC))["advance_internships"] == 1
    assert _status(active) is InternshipStatus.COMPLETED
