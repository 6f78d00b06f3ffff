"""The schema: migrations match the models, and the database itself refuses bad rows.

Rows here are written with plain SQL, not through the models, so the refusals prove the
constraints live in the database.
"""

from datetime import UTC, date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from intern_portal.extensions import db
from intern_portal.models import Role

from . import factories

T0 = datetime(2026, 7, 1, 19, 0, tzinfo=UTC)
T1 = datetime(2026, 7, 1, 19, 30, tzinfo=UTC)


def test_migrations_match_the_models(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_every_foreign_key_is_indexed(app):
    inspector = inspect(db.engine)
    unindexed = []
    for table in inspector.get_table_names():
        leading = [tuple(ix["column_names"]) for ix in inspector.get_indexes(table)]
        leading += [tuple(uq["column_names"]) for uq in inspector.get_unique_constraints(table)]
        leading.append(tuple(inspector.get_pk_constraint(table)["constrained_columns"]))
        for foreign_key in inspector.get_foreign_keys(table):
            columns = tuple(foreign_key["constrained_columns"])
            if not any(ix[: len(columns)] == columns for ix in leading):
                unindexed.append(f"{table}.{','.join(columns)}")
    assert unindexed == []


def sql(statement: str, **params) -> None:
    db.session.execute(text(statement), params)
    db.session.flush()


def refused(statement: str, **params) -> None:
    with pytest.raises(IntegrityError):
        sql(statement, **params)
    db.session.rollback()


def insert_user(email: str, name: str | None = "Someone") -> None:
    sql("INSERT INTO users (email, name, time_zone, active, digest_opt_out, created_at) "
        "VALUES (:email, :name, 'UTC', :yes, :no, :now)",
        email=email, name=name, yes=True, no=False, now=T0)


def test_duplicate_email_is_refused_by_the_database(app):
    insert_user("same@example.com")
    refused("INSERT INTO users (email, name, time_zone, active, digest_opt_out, created_at) "
            "VALUES ('same@example.com', 'Twin', 'UTC', :yes, :no, :now)",
            yes=True, no=False, now=T0)


def test_upper_case_email_is_refused_by_the_database(app):
    refused("INSERT INTO users (email, name, time_zone, active, digest_opt_out, created_at) "
            "VALUES ('Upper@Example.com', 'Upper', 'UTC', :yes, :no, :now)",
            yes=True, no=False, now=T0)


def test_missing_name_is_refused_by_the_database(app):
    with pytest.raises(IntegrityError):
        insert_user("nameless@example.com", name=None)
    db.session.rollback()


def test_unknown_role_is_refused_by_the_database(app):
    person = factories.user()
    refused("INSERT INTO user_roles (user_id, role, granted_at) VALUES (:u, 'superuser', :now)",
            u=person.id, now=T0)


def test_same_role_twice_is_refused_by_the_database(app):
    person = factories.user(Role.MENTOR)
    refused("INSERT INTO user_roles (user_id, role, granted_at) VALUES (:u, 'mentor', :now)",
            u=person.id, now=T0)


def test_cohort_ending_before_it_starts_is_refused_by_the_database(app):
    refused("INSERT INTO cohorts (term, year, start_date, end_date, virtual, created_at) "
            "VALUES ('fall', 2026, :start, :end, :no, :now)",
            start=date(2026, 9, 1), end=date(2026, 8, 1), no=False, now=T0)


def test_second_cohort_for_the_same_term_is_refused_by_the_database(app):
    factories.cohort(year=2026)
    refused("INSERT INTO cohorts (term, year, start_date, end_date, virtual, created_at) "
            "VALUES ('summer', 2026, :start, :end, :no, :now)",
            start=date(2026, 6, 2), end=date(2026, 8, 1), no=False, now=T0)


def test_unknown_term_is_refused_by_the_database(app):
    refused("INSERT INTO cohorts (term, year, start_date, end_date, virtual, created_at) "
            "VALUES ('rainy', 2026, :start, :end, :no, :now)",
            start=date(2026, 6, 1), end=date(2026, 8, 1), no=False, now=T0)


def _internship_sql(**overrides):
    values = {"status": "active", "start": date(2026, 6, 1), "end": date(2026, 8, 28)}
    values.update(overrides)
    return values


def test_internship_ending_before_it_starts_is_refused_by_the_database(app):
    intern, manager = factories.user(Role.INTERN), factories.user(Role.MANAGER)
    team, cohort = factories.team(), factories.cohort()
    refused("INSERT INTO internships (intern_id, cohort_id, team_id, manager_id, university, "
            "degree_program, research_area, location, time_zone, start_date, end_date, status, "
            "created_at) VALUES (:i, :c, :t, :m, 'MIT', 'phd', 'NLP', 'Boston', "
            "'America/New_York', :start, :end, :status, :now)",
            i=intern.id, c=cohort.id, t=team.id, m=manager.id, now=T0,
            **_internship_sql(start=date(2026, 8, 28), end=date(2026, 6, 1)))


def test_unknown_internship_status_is_refused_by_the_database(app):
    intern, manager = factories.user(Role.INTERN), factories.user(Role.MANAGER)
    team, cohort = factories.team(), factories.cohort()
    refused("INSERT INTO internships (intern_id, cohort_id, team_id, manager_id, university, "
            "degree_program, research_area, location, time_zone, start_date, end_date, status, "
            "created_at) VALUES (:i, :c, :t, :m, 'MIT', 'phd', 'NLP', 'Boston', "
            "'America/New_York', :start, :end, :status, :now)",
            i=intern.id, c=cohort.id, t=team.id, m=manager.id, now=T0,
            **_internship_sql(status="paused"))


def test_internship_on_a_missing_team_is_refused_by_the_database(app):
    intern, manager = factories.user(Role.INTERN), factories.user(Role.MANAGER)
    cohort = factories.cohort()
    refused("INSERT INTO internships (intern_id, cohort_id, team_id, manager_id, university, "
            "degree_program, research_area, location, time_zone, start_date, end_date, status, "
            "created_at) VALUES (:i, :c, 999999, :m, 'MIT', 'phd', 'NLP', 'Boston', "
            "'America/New_York', :start, :end, :status, :now)",
            i=intern.id, c=cohort.id, m=manager.id, now=T0, **_internship_sql())


def _assignment(internship_id, mentor_id, primary, ended=None):
    sql("INSERT INTO mentor_assignments (internship_id, mentor_id, is_primary, started_at, "
        "ended_at, reason, capacity_override) VALUES (:i, :m, :p, :s, :e, '', :no)",
        i=internship_id, m=mentor_id, p=primary, s=T0, e=ended, no=False)


def test_second_current_primary_mentor_is_refused_by_the_database(app):
    internship = factories.internship()
    first, second = factories.mentor(), factories.mentor()
    _assignment(internship.id, first.id, True)
    with pytest.raises(IntegrityError):
        _assignment(internship.id, second.id, True)
    db.session.rollback()


def test_ended_primary_leaves_room_for_a_new_one(app):
    internship = factories.internship()
    first, second = factories.mentor(), factories.mentor()
    _assignment(internship.id, first.id, True, ended=T1)
    _assignment(internship.id, second.id, True)
    count = db.session.scalar(text("SELECT count(*) FROM mentor_assignments"))
    assert count == 2


def test_same_mentor_twice_on_one_internship_is_refused_by_the_database(app):
    internship = factories.internship()
    mentor = factories.mentor()
    _assignment(internship.id, mentor.id, False)
    with pytest.raises(IntegrityError):
        _assignment(internship.id, mentor.id, False)
    db.session.rollback()


def test_assignment_ending_before_it_started_is_refused_by_the_database(app):
    internship = factories.internship()
    mentor = factories.mentor()
    with pytest.raises(IntegrityError):
        sql("INSERT INTO mentor_assignments (internship_id, mentor_id, is_primary, started_at, "
            "ended_at, reason, capacity_override) VALUES (:i, :m, :p, :s, :e, '', :no)",
            i=internship.id, m=mentor.id, p=True, s=T1, e=T0, no=False)
    db.session.rollback()


def _plan(internship_id):
    sql("INSERT INTO launch_plans (internship_id, project_title, goal_paper, goal_production, "
        "version, created_at) VALUES (:i, 'Plan', :yes, :no, 1, :now)",
        i=internship_id, yes=True, no=False, now=T0)


def test_second_plan_for_an_internship_is_refused_by_the_database(app):
    internship = factories.internship()
    _plan(internship.id)
    with pytest.raises(IntegrityError):
        _plan(internship.id)
    db.session.rollback()


def test_plan_without_a_goal_is_refused_by_the_database(app):
    internship = factories.internship()
    refused("INSERT INTO launch_plans (internship_id, project_title, goal_paper, goal_production, "
            "version, created_at) VALUES (:i, 'Plan', :no, :no, 1, :now)",
            i=internship.id, no=False, now=T0)


def test_acknowledging_a_version_the_plan_never_had_is_refused_by_the_database(app):
    internship = factories.internship()
    refused("INSERT INTO launch_plans (internship_id, project_title, goal_paper, goal_production, "
            "version, created_at, delivered_at, acknowledged_at, acknowledged_version) "
            "VALUES (:i, 'Plan', :yes, :no, 1, :now, :now, :later, 2)",
            i=internship.id, yes=True, no=False, now=T0, later=T1)


def _slot(scientist_id, starts=T0, ends=T1, seats=1):
    sql("INSERT INTO lunch_slots (scientist_id, starts_at, ends_at, time_zone, seats, video_url, "
        "topic, status, created_at) VALUES (:s, :a, :b, 'America/Los_Angeles', :seats, "
        "'https://meet.example.com/x', '', 'open', :now)",
        s=scientist_id, a=starts, b=ends, seats=seats, now=T0)
    return db.session.scalar(text("SELECT max(id) FROM lunch_slots"))


def _booking(slot_id, intern_id, uid, seat=1, status="booked", cancelled_at=None):
    sql("INSERT INTO lunch_bookings (slot_id, seat, intern_id, status, uid, sequence, booked_at, "
        "cancelled_at, cancel_reason) VALUES (:slot, :seat, :intern, :status, :uid, 0, :now, "
        ":cancelled, '')",
        slot=slot_id, seat=seat, intern=intern_id, status=status, uid=uid, now=T0,
        cancelled=cancelled_at)


def test_second_booking_of_a_slot_is_refused_by_the_database(app):
    scientist = factories.mentor()
    first, second = factories.user(Role.INTERN), factories.user(Role.INTERN)
    slot = _slot(scientist.id)
    _booking(slot, first.id, "a@portal")
    with pytest.raises(IntegrityError):
        _booking(slot, second.id, "b@portal")
    db.session.rollback()


def test_cancelled_booking_frees_the_seat(app):
    scientist = factories.mentor()
    first, second = factories.user(Role.INTERN), factories.user(Role.INTERN)
    slot = _slot(scientist.id)
    _booking(slot, first.id, "a@portal", status="cancelled", cancelled_at=T0)
    _booking(slot, second.id, "b@portal")
    live = db.session.scalar(text("SELECT count(*) FROM lunch_bookings WHERE status = 'booked'"))
    assert live == 1


def test_slot_ending_before_it_starts_is_refused_by_the_database(app):
    scientist = factories.mentor()
    with pytest.raises(IntegrityError):
        _slot(scientist.id, starts=T1, ends=T0)
    db.session.rollback()


def test_paper_with_a_production_status_is_refused_by_the_database(app):
    internship = factories.internship()
    refused("INSERT INTO outcomes (project_id, kind, status, title, top_tier, internal, "
            "status_date, created_at, updated_at) VALUES (:p, 'paper', 'in_production', 'T', "
            ":no, :no, :d, :now, :now)",
            p=internship.project.id, no=False, d=date(2026, 7, 1), now=T0)


def test_duplicate_outbox_dedupe_key_is_refused_by_the_database(app):
    statement = ("INSERT INTO outbox_messages (dedupe_key, kind, to_email, subject, body_text, "
                 "due_at, attempts, created_at) VALUES ('lunch:1:2026-07-01', 'lunch', "
                 "'a@example.com', 'S', 'B', :now, 0, :now)")
    sql(statement, now=T0)
    refused(statement, now=T0)
