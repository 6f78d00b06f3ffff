"""Report facts: kept by every commit, brought up to date by the scheduler, repaired if missing.

Every test of the suite also ends by checking that the stored facts agree with a fresh
computation (conftest.report_facts_kept), so each write path the suite drives is covered.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from intern_portal.extensions import db
from intern_portal.jobs import run_once
from intern_portal.models import (
    InternshipStatus,
    LunchBooking,
    Outcome,
    OutcomeKind,
    OutcomeStatus,
    Project,
    ReportFacts,
    ReportMentor,
    Role,
    User,
)
from intern_portal.outcomes import service as outcomes
from intern_portal.reports import facts
from intern_portal.reports.service import Scope, Slice, build_report

from . import factories
from .conftest import ON_POSTGRES

WHOLE = Scope(None)


def _facts(internship_id: int) -> ReportFacts | None:
    db.session.expire_all()
    return db.session.get(ReportFacts, internship_id)


def test_each_commit_keeps_the_facts_of_what_it_touched(app):
    i = factories.internship()
    assert _facts(i.id).has_project == 1 and _facts(i.id).top_tier == 0
    factories.outcome(i.project)
    factories.outcome(i.project, OutcomeKind.PRODUCTION, OutcomeStatus.TOWARD_PRODUCTION,
                      top_tier=False)
    row = _facts(i.id)
    assert (row.top_tier, row.production, row.both_goals, row.papers_published) == (1, 1, 1, 1)
    factories.assign(i, factories.mentor())
    assert _facts(i.id).mentored == 1
    assert db.session.scalar(select(func.count()).select_from(ReportMentor)) == 1


def test_a_failed_write_leaves_the_facts_as_they_were(app):
    i = factories.internship()
    taken = factories.user(Role.INTERN)
    db.session.add(Outcome(project_id=i.project.id, kind=OutcomeKind.PAPER, top_tier=True,
                           status=OutcomeStatus.PUBLISHED, title="P", status_date=date(2026, 7, 1)))
    db.session.add(User(email=taken.email, name="Same email", time_zone="UTC"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert _facts(i.id).top_tier == 0
    assert facts.PENDING not in db.session.info  # nothing carried into the next transaction


def test_moving_an_internship_moves_its_figures(app):
    here, there = factories.team(name="Here"), factories.team(name="There")
    i = factories.internship(team_=here)
    factories.outcome(i.project)
    assert build_report(Slice(team_id=here.id), WHOLE).total.top_tier == 1
    i.team_id = there.id
    db.session.commit()
    assert build_report(Slice(team_id=here.id), WHOLE).total.projects == 0
    assert build_report(Slice(team_id=there.id), WHOLE).total.top_tier == 1


def test_a_withdrawn_internship_leaves_the_report(app):
    kept, withdrawn = factories.internship(), factories.internship()
    factories.outcome(withdrawn.project)
    factories.assign(withdrawn, factories.mentor())
    withdrawn.status = InternshipStatus.WITHDRAWN
    db.session.commit()
    assert _facts(withdrawn.id) is None
    assert db.session.scalar(select(func.count()).select_from(ReportMentor)) == 0
    report = build_report(Slice(), WHOLE)
    assert (report.total.internships, report.total.top_tier, report.total.mentors) == (1, 0, 0)
    assert _facts(kept.id) is not None


def test_the_report_computes_facts_that_are_missing(app):
    interns = [factories.internship() for _ in range(3)]
    factories.outcome(interns[0].project)
    factories.assign(interns[1], factories.mentor())
    db.session.execute(ReportFacts.__table__.delete())  # as just after the upgrade
    db.session.execute(ReportMentor.__table__.delete())
    db.session.commit()
    report = build_report(Slice(), WHOLE)
    assert (report.total.internships, report.total.top_tier, report.total.mentors) == (3, 1, 1)
    assert db.session.scalar(select(func.count()).select_from(ReportFacts)) == 3


def test_the_scheduler_counts_lunch_dates_that_have_ended(app):
    with time_machine.travel(datetime(2026, 7, 1, 12, tzinfo=UTC), tick=False):
        i = factories.internship()
        starts = datetime(2026, 7, 2, 19, tzinfo=UTC)
        slot = factories.lunch_slot(factories.mentor(), starts_at=starts)
        db.session.add(LunchBooking(slot_id=slot.id, intern_id=i.intern_id, uid="f1@t"))
        db.session.commit()
        row = _facts(i.id)
        assert (row.lunch_dates, row.lunch_next_end) == (0, starts + timedelta(minutes=30))
    results = run_once(app, datetime(2026, 7, 3, tzinfo=UTC))
    assert results["refresh_report_facts"] == 1
    row = _facts(i.id)
    assert (row.lunch_dates, row.scientists_met, row.lunch_next_end) == (1, 1, None)
    assert run_once(app, datetime(2026, 7, 3, tzinfo=UTC))["refresh_report_facts"] == 0


def test_report_facts_commands_check_and_repair(app, runner):
    i = factories.internship()
    factories.outcome(i.project)
    result = runner.invoke(args=["report-facts", "check"])
    assert result.exit_code == 0 and "agree" in result.output
    db.session.execute(update(ReportFacts).values(top_tier=0, papers_published=3))
    db.session.commit()
    result = runner.invoke(args=["report-facts", "check"])
    assert result.exit_code == 1
    assert f"internship {i.id}: top_tier 0 != 1, papers_published 3 != 1" in result.output
    assert "1 internship's report facts differ" in result.output
    result = runner.invoke(args=["report-facts", "refresh"])
    assert result.exit_code == 0 and "Recomputed the report facts of 1 internship." in result.output
    assert facts.mismatches(db.session) == {}


@pytest.mark.skipif(not ON_POSTGRES, reason="racing writers need PostgreSQL (set DATABASE_URL); "
                                           "SQLite has one writer")
def test_writers_racing_on_one_internship_all_count(app):
    """Ten outcomes recorded at once on one project: each commit's refresh waits its turn."""
    i = factories.internship()
    internship_id, intern_id, project_id = i.id, i.intern_id, i.project.id
    barrier = threading.Barrier(10)
    failures: list[str] = []

    def record(n: int) -> None:
        with app.app_context():
            intern = db.session.get(User, intern_id)
            project = db.session.get(Project, project_id)
            db.session.connection()  # hold a real connection before the start line
            barrier.wait(timeout=30)
            try:
                outcomes.record_outcome(intern, project, kind=OutcomeKind.PAPER,
                                        status=OutcomeStatus.PUBLISHED, top_tier=True,
                                        status_date=date(2026, 7, 1), title=f"Paper {n}",
                                        venue="NeurIPS")
            except Exception as error:  # noqa: BLE001  (any failure is what we look for)
                failures.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=record, args=(n,)) for n in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not failures
    row = _facts(internship_id)
    assert (row.papers_published, row.papers_top_tier) == (10, 10)
