"""Mentor assignments: the team page, the rules, the audit trail, and who may change them."""

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from intern_portal.extensions import db
from intern_portal.mentors import service
from intern_portal.models import AuditEntry, LaunchPlan, MentorAssignment, MentorProfile, Role

from . import factories


def _team_world():
    manager = factories.user(Role.MANAGER, name="Maya Manager")
    team = factories.team(manager=manager)
    internship = factories.internship(team_=team, manager=manager)
    return manager, team, internship


def _assign(client, internship, mentor, role="primary", reason="Best fit", **extra):
    data = {"mentor_email": mentor.email, "role": role, "reason": reason, **extra}
    return client.post(f"/mentors/internships/{internship.id}/assign", data=data)


def _current(internship):
    return list(db.session.scalars(
        select(MentorAssignment).where(MentorAssignment.internship_id == internship.id,
                                       MentorAssignment.ended_at.is_(None))
    ))


def test_manager_assigns_a_primary_mentor_with_the_reason_in_the_audit_log(client, auth):
    manager, team, internship = _team_world()
    mentor = factories.mentor(name="Priya Primary")
    auth.login_as(manager)
    response = _assign(client, internship, mentor, reason="Knows entity linking")
    assert response.status_code == 302
    (assignment,) = _current(internship)
    assert assignment.is_primary and assignment.mentor_id == mentor.id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "assign"))
    assert entry.reason == "Knows entity linking"
    assert entry.actor_id == manager.id
    page = client.get(f"/mentors/teams/{team.id}").get_data(as_text=True)
    assert "Priya Primary" in page
    assert "1 of 2 places used" in page


def test_second_primary_mentor_is_refused(client, auth):
    manager, _, internship = _team_world()
    first, second = factories.mentor(), factories.mentor()
    factories.assign(internship, first)
    auth.login_as(manager)
    response = _assign(client, internship, second, role="primary")
    assert response.status_code == 422
    assert "is the primary mentor already" in response.get_data(as_text=True)
    assert [a.mentor_id for a in _current(internship)] == [first.id]


def test_changing_the_primary_ends_the_old_assignment_and_keeps_it(client, auth):
    manager, _, internship = _team_world()
    first, second = factories.mentor(name="Old Primary"), factories.mentor(name="New Primary")
    old = factories.assign(internship, first)
    auth.login_as(manager)
    response = _assign(client, internship, second, role="change", reason="Moved teams")
    assert response.status_code == 302
    db.session.refresh(old)
    assert old.ended_at is not None
    (now,) = _current(internship)
    assert now.mentor_id == second.id and now.is_primary
    page = client.get(f"/mentors/internships/{internship.id}").get_data(as_text=True)
    assert "History" in page and "Old Primary" in page
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["end", "assign"]


def test_additional_mentors_are_added_and_ended_with_a_reason(client, auth):
    manager, _, internship = _team_world()
    primary, extra = factories.mentor(), factories.mentor(name="Evan Extra")
    factories.assign(internship, primary)
    auth.login_as(manager)
    assert _assign(client, internship, extra, role="additional").status_code == 302
    added = next(a for a in _current(internship) if a.mentor_id == extra.id)
    assert not added.is_primary
    refused = client.post(f"/mentors/assignments/{added.id}/end", data={"reason": ""})
    assert refused.status_code == 422
    assert "Say why the assignment ends." in refused.get_data(as_text=True)
    ended = client.post(f"/mentors/assignments/{added.id}/end", data={"reason": "Project done"})
    assert ended.status_code == 302
    assert [a.mentor_id for a in _current(internship)] == [primary.id]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "end"))
    assert entry.reason == "Project done"


def test_mentor_over_capacity_is_refused_without_an_override(client, auth):
    manager, team, internship = _team_world()
    busy = factories.mentor(capacity=1)
    factories.assign(factories.internship(team_=team, manager=manager), busy)
    auth.login_as(manager)
    refused = _assign(client, internship, busy)
    assert refused.status_code == 422
    assert "capacity is 1" in refused.get_data(as_text=True)
    assert _current(internship) == []
    allowed = _assign(client, internship, busy, override="y", reason="Only expert")
    assert allowed.status_code == 302
    (assignment,) = _current(internship)
    assert assignment.capacity_override
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "assign"))
    assert entry.after["capacity_override"] is True
    assert "over capacity" in entry.summary


def test_a_person_cannot_mentor_themselves(client, auth):
    manager, _, internship = _team_world()
    db.session.add(MentorProfile(user=internship.intern, capacity=2))
    db.session.commit()
    auth.login_as(manager)
    response = _assign(client, internship, internship.intern)
    assert response.status_code == 422
    assert "can&#39;t mentor themselves" in response.get_data(as_text=True)
    assert _current(internship) == []


def test_a_mentor_is_not_assigned_twice_to_the_same_internship(client, auth):
    manager, _, internship = _team_world()
    mentor = factories.mentor()
    factories.assign(internship, mentor, primary=False)
    auth.login_as(manager)
    response = _assign(client, internship, mentor, role="additional")
    assert response.status_code == 422
    assert "already an additional mentor" in response.get_data(as_text=True)
    assert len(_current(internship)) == 1


def test_an_additional_mentor_can_be_made_primary(client, auth):
    manager, _, internship = _team_world()
    mentor = factories.mentor()
    factories.assign(internship, mentor, primary=False)
    auth.login_as(manager)
    assert _assign(client, internship, mentor, role="primary").status_code == 302
    (assignment,) = _current(internship)
    assert assignment.is_primary and assignment.mentor_id == mentor.id


def test_unknown_mentor_email_is_refused_on_the_field(client, auth):
    manager, _, internship = _team_world()
    auth.login_as(manager)
    response = client.post(f"/mentors/internships/{internship.id}/assign",
                           data={"mentor_email": "nobody@example.com", "role": "primary",
                                 "reason": "x"})
    assert response.status_code == 422
    assert "No active mentor has the email nobody@example.com." in response.get_data(as_text=True)


def test_another_teams_manager_cannot_change_assignments(client, auth):
    _, team, internship = _team_world()
    stranger = factories.user(Role.MANAGER)
    mentor = factories.mentor()
    auth.login_as(stranger)
    assert _assign(client, internship, mentor).status_code == 403
    assert client.get(f"/mentors/teams/{team.id}").status_code == 403
    assert client.get(f"/mentors/internships/{internship.id}").status_code == 403
    assert _current(internship) == []


def test_program_lead_may_change_any_teams_assignments(client, auth):
    _, _, internship = _team_world()
    lead = factories.user(Role.PROGRAM_LEAD)
    mentor = factories.mentor()
    auth.login_as(lead)
    assert _assign(client, internship, mentor).status_code == 302
    assert len(_current(internship)) == 1


def test_team_page_shows_plan_status_and_additional_mentors(client, auth):
    manager, team, internship = _team_world()
    primary, extra = factories.mentor(name="Pat Primary"), factories.mentor(name="Ed Extra")
    factories.assign(internship, primary)
    factories.assign(internship, extra, primary=False)
    other = factories.internship(team_=team, manager=manager)
    db.session.add(LaunchPlan(internship=internship, project_title="Plan", goal_paper=True,
                              delivered_at=datetime.now(UTC)))
    db.session.commit()
    auth.login_as(manager)
    page = client.get(f"/mentors/teams/{team.id}").get_data(as_text=True)
    assert "Pat Primary" in page and "Ed Extra" in page
    assert "Delivered" in page and "Not written" in page
    assert other.intern.name in page and "None yet" in page


def _crowded_team(manager, team, interns: int):
    mentors = [factories.mentor(capacity=3, team_=team) for _ in range(3)]
    for n in range(interns):
        internship = factories.internship(team_=team, manager=manager, project_title=None)
        factories.assign(internship, mentors[n % 3])
        factories.assign(internship, mentors[(n + 1) % 3], primary=False)


def test_team_page_queries_do_not_grow_with_the_team(client, auth, count_queries):
    manager = factories.user(Role.MANAGER)
    team = factories.team(manager=manager)
    _crowded_team(manager, team, 3)
    auth.login_as(manager)
    with count_queries() as small:
        assert client.get(f"/mentors/teams/{team.id}").status_code == 200
    _crowded_team(manager, team, 27)
    with count_queries() as large:
        assert client.get(f"/mentors/teams/{team.id}").status_code == 200
    assert large.count == small.count


def test_manager_with_one_team_goes_straight_to_its_page(client, auth):
    manager, team, _ = _team_world()
    auth.login_as(manager)
    response = client.get("/mentors/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/mentors/teams/{team.id}")


def test_intern_sees_their_mentors_team_and_local_time_now(client, auth):
    team = factories.team(name="Speech Science")
    internship = factories.internship()
    mentor = factories.mentor(name="Priya Primary", team_=team, time_zone="Asia/Kolkata")
    factories.assign(internship, mentor)
    with time_machine.travel(datetime(2026, 7, 1, 12, 0, tzinfo=UTC), tick=False):
        auth.login_as(internship.intern)
        page = client.get("/").get_data(as_text=True)
    assert "Speech Science" in page
    assert "Wed 17:30 there now" in page


def test_a_primary_assigned_at_the_same_moment_is_refused_by_the_database(app):
    manager, _, internship = _team_world()
    mine, theirs = factories.mentor(), factories.mentor()
    loaded = service.load_internship(internship.id)
    assert loaded.primary_assignment is None
    with Session(db.engine) as other:  # another request wins the race
        other.add(MentorAssignment(
            internship_id=internship.id, mentor_id=theirs.id, is_primary=True,
            started_at=datetime.now(UTC), reason="", capacity_override=False))
        other.commit()
    profile = service.find_mentor(mine.email)
    with pytest.raises(service.MentorError, match="at the same moment"):
        service.assign(loaded, profile, primary=True, reason="Fit", actor=manager)
    assert [a.mentor_id for a in _current(internship)] == [theirs.id]
