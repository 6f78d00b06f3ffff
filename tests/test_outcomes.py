"""Recording outcomes: who may, how status moves, the audit trail, and access after the end."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from intern_portal.extensions import db
from intern_portal.models import (
    AuditEntry,
    InternshipStatus,
    Outcome,
    OutcomeKind,
    OutcomeStatus,
    Role,
)
from intern_portal.models.outcomes import STATUSES_BY_KIND, is_final
from intern_portal.outcomes.reminders import _pending_outcomes

from . import factories


@pytest.fixture
def project(app):
    manager = factories.user(Role.MANAGER)
    team = factories.team(manager=manager)
    internship = factories.internship(team_=team, manager=manager)
    mentor = factories.mentor()
    factories.assign(internship, mentor)
    return internship.project, internship.intern, mentor, manager


def _paper(**overrides) -> dict:
    data = {"kind": "paper", "title": "Linking entities at web scale", "venue": "ACL",
            "top_tier": "y", "status": "submitted", "status_date": "2026-09-01",
            "authors": "Priya Raman <{email}>\nAda Lovelace"}
    data.update(overrides)
    return data


def _audit(outcome_id: int) -> list[AuditEntry]:
    return list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == "outcomes",
                                 AuditEntry.entity_id == outcome_id).order_by(AuditEntry.id)))


def test_intern_records_a_paper_with_linked_authors(client, auth, project):
    project_, intern, _, _ = project
    auth.login_as(intern)
    response = client.post(f"/outcomes/project/{project_.id}/new",
                           data=_paper(authors=f"{intern.name} <{intern.email}>\nAda Lovelace"))
    assert response.status_code == 302
    outcome = db.session.scalars(select(Outcome)).one()
    assert (outcome.kind, outcome.status, outcome.top_tier) == (
        OutcomeKind.PAPER, OutcomeStatus.SUBMITTED, True)
    assert [(a.name, a.user_id) for a in outcome.authors] == [
        (intern.name, intern.id), ("Ada Lovelace", None)]
    assert [(s.status, s.occurred_on) for s in outcome.steps] == [
        (OutcomeStatus.SUBMITTED, date(2026, 9, 1))]
    assert [e.action for e in _audit(outcome.id)] == ["create"]
    page = client.get(f"/outcomes/project/{project_.id}").get_data(as_text=True)
    assert "Linking entities at web scale" in page and "top-tier" in page


def test_a_status_that_does_not_fit_the_kind_is_refused(client, auth, project):
    project_, intern, _, _ = project
    auth.login_as(intern)
    response = client.post(f"/outcomes/project/{project_.id}/new",
                           data=_paper(status="in_production", authors=""))
    assert response.status_code == 422
    assert "A paper can be: draft, submitted, accepted, published, rejected." in (
        response.get_data(as_text=True))
    assert db.session.scalars(select(Outcome)).all() == []


def test_unknown_author_email_is_refused_on_the_authors_field(client, auth, project):
    project_, intern, _, _ = project
    auth.login_as(intern)
    response = client.post(f"/outcomes/project/{project_.id}/new",
                           data=_paper(authors="Nobody <nobody@example.com>"))
    assert response.status_code == 422
    assert "No one in the portal has the email nobody@example.com" in (
        response.get_data(as_text=True))
    assert db.session.scalars(select(Outcome)).all() == []


def test_status_moves_forward_with_dated_steps(client, auth, project):
    project_, _, mentor, _ = project
    outcome = factories.outcome(project_, status=OutcomeStatus.SUBMITTED, on=date(2026, 7, 1))
    auth.login_as(mentor)
    for status, day in (("accepted", "2026-09-10"), ("published", "2026-11-20")):
        response = client.post(f"/outcomes/{outcome.id}/status",
                               data={"status": status, "occurred_on": day})
        assert response.status_code == 302
    db.session.refresh(outcome)
    assert outcome.status is OutcomeStatus.PUBLISHED
    assert outcome.status_date == date(2026, 11, 20)
    assert [s.status.value for s in outcome.steps] == ["submitted", "accepted", "published"]
    assert [e.action for e in _audit(outcome.id)] == ["status", "status"]


def test_status_does_not_move_back_without_a_reason(client, auth, project):
    project_, intern, _, _ = project
    outcome = factories.outcome(project_, status=OutcomeStatus.ACCEPTED, on=date(2026, 7, 1))
    auth.login_as(intern)
    response = client.post(f"/outcomes/{outcome.id}/status",
                           data={"status": "submitted", "occurred_on": "2026-08-01"})
    assert response.status_code == 422
    assert "Status moves only forward; to correct it, say why." in response.get_data(as_text=True)
    db.session.refresh(outcome)
    assert outcome.status is OutcomeStatus.ACCEPTED and len(outcome.steps) == 1
    assert _audit(outcome.id) == []


def test_a_correction_with_a_reason_is_kept_in_the_history(client, auth, project):
    project_, _, _, manager = project
    outcome = factories.outcome(project_, status=OutcomeStatus.PUBLISHED, on=date(2026, 7, 1))
    auth.login_as(manager)
    response = client.post(f"/outcomes/{outcome.id}/status", data={
        "status": "accepted", "occurred_on": "2026-07-01",
        "reason": "Camera-ready is not out yet; published was a slip."})
    assert response.status_code == 302
    db.session.refresh(outcome)
    assert outcome.status is OutcomeStatus.ACCEPTED
    reason = outcome.steps[-1].correction_reason
    assert reason == "Camera-ready is not out yet; published was a slip."
    (entry,) = _audit(outcome.id)
    assert (entry.action, entry.before["status"], entry.after["status"]) == (
        "correct", "published", "accepted")
    assert "Correction: Camera-ready" in client.get(f"/outcomes/{outcome.id}").get_data(
        as_text=True)


def test_a_step_cannot_be_dated_before_the_previous_one(client, auth, project):
    project_, intern, _, _ = project
    outcome = factories.outcome(project_, status=OutcomeStatus.SUBMITTED, on=date(2026, 7, 1))
    auth.login_as(intern)
    response = client.post(f"/outcomes/{outcome.id}/status",
                           data={"status": "accepted", "occurred_on": "2026-06-01"})
    assert response.status_code == 422
    assert "a later step cannot come before it" in response.get_data(as_text=True)


def test_rejection_ends_the_road_unless_corrected(client, auth, project):
    project_, intern, _, _ = project
    outcome = factories.outcome(project_, status=OutcomeStatus.SUBMITTED, on=date(2026, 7, 1))
    auth.login_as(intern)
    assert client.post(f"/outcomes/{outcome.id}/status",
                       data={"status": "rejected", "occurred_on": "2026-08-01"}).status_code == 302
    again = client.post(f"/outcomes/{outcome.id}/status",
                        data={"status": "submitted", "occurred_on": "2026-09-01"})
    assert again.status_code == 422
    resubmitted = client.post(f"/outcomes/{outcome.id}/status", data={
        "status": "submitted", "occurred_on": "2026-09-01", "reason": "Resubmitted to EMNLP"})
    assert resubmitted.status_code == 302


def test_editing_details_is_audited_with_what_changed(client, auth, project):
    project_, intern, _, _ = project
    outcome = factories.outcome(project_, status=OutcomeStatus.DRAFT, top_tier=False)
    auth.login_as(intern)
    response = client.post(f"/outcomes/{outcome.id}/edit", data={
        "title": outcome.title, "venue": "NeurIPS", "top_tier": "y", "authors": "Ada Lovelace"})
    assert response.status_code == 302
    (entry,) = _audit(outcome.id)
    assert entry.before == {"top_tier": False, "authors": []}
    assert entry.after == {"top_tier": True, "authors": ["1. Ada Lovelace"]}


def test_internal_flag_is_only_for_papers(client, auth, project):
    project_, intern, _, _ = project
    auth.login_as(intern)
    response = client.post(f"/outcomes/project/{project_.id}/new", data={
        "kind": "production", "title": "Ranking model", "status": "prototype",
        "status_date": "2026-08-01", "internal": "y"})
    assert response.status_code == 422
    assert "Only a paper can be marked as at an internal conference." in (
        response.get_data(as_text=True))


def test_alumnus_keeps_recording_outcomes_after_the_internship(client, auth, app):
    past = factories.internship(cohort_=factories.cohort(year=2024),
                                status=InternshipStatus.COMPLETED)
    auth.login_as(past.intern)
    listing = client.get("/outcomes/").get_data(as_text=True)
    assert past.project.title in listing
    response = client.post(f"/outcomes/project/{past.project.id}/new", data={
        "kind": "production", "title": "Entity linker", "status": "in_production",
        "status_date": "2026-10-01"})
    assert response.status_code == 302
    assert db.session.scalars(select(Outcome)).one().status is OutcomeStatus.IN_PRODUCTION


def test_manager_records_for_a_former_intern(client, auth, project):
    project_, _, _, manager = project
    project_.internship.status = InternshipStatus.COMPLETED
    db.session.commit()
    auth.login_as(manager)
    response = client.post(f"/outcomes/project/{project_.id}/new", data={
        "kind": "patent", "title": "Entity index", "status": "filed",
        "status_date": "2026-10-01"})
    assert response.status_code == 302


def test_other_people_cannot_see_or_record_a_projects_outcomes(client, auth, project):
    project_, _, _, _ = project
    outcome = factories.outcome(project_)
    stranger_intern = factories.internship().intern
    for person in (stranger_intern, factories.mentor(), factories.user(Role.MANAGER)):
        auth.login_as(person)
        assert client.get(f"/outcomes/project/{project_.id}").status_code == 403
        assert client.get(f"/outcomes/{outcome.id}").status_code == 403
        assert client.post(f"/outcomes/project/{project_.id}/new",
                           data=_paper(authors="")).status_code == 403
        auth.logout()
    assert db.session.scalars(select(Outcome)).all() == [outcome]


def test_program_lead_sees_outcomes_but_does_not_record_them(client, auth, project):
    project_, _, _, _ = project
    outcome = factories.outcome(project_)
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    page = client.get(f"/outcomes/project/{project_.id}").get_data(as_text=True)
    assert outcome.title in page and "Record an outcome" not in page
    assert client.post(f"/outcomes/{outcome.id}/status",
                       data={"status": "rejected", "occurred_on": "2026-08-01"}).status_code == 403


def test_future_dates_are_refused(client, auth, project):
    project_, intern, _, _ = project
    auth.login_as(intern)
    response = client.post(f"/outcomes/project/{project_.id}/new",
                           data=_paper(status_date="2099-01-01", authors=""))
    assert response.status_code == 422
    assert "That date is in the future" in response.get_data(as_text=True)


def test_outcomes_are_reachable_from_the_interns_home_page(client, auth, project):
    project_, intern, _, _ = project
    auth.login_as(intern)
    html = client.get("/").get_data(as_text=True)
    assert f'href="/outcomes/project/{project_.id}"' in html


def test_project_page_queries_do_not_grow_with_outcomes(client, auth, project, count_queries):
    project_, intern, _, _ = project
    auth.login_as(intern)
    counts = []
    for more in (3, 27):
        for _ in range(more):
            factories.outcome(project_)
        with count_queries() as q:
            assert client.get(f"/outcomes/project/{project_.id}").status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1]


def test_manager_links_a_return_intern_to_the_earlier_internship(client, auth, app):
    manager = factories.user(Role.MANAGER)
    team = factories.team(manager=manager)
    first = factories.internship(cohort_=factories.cohort(year=2025), team_=team,
                                 manager=manager, status=InternshipStatus.COMPLETED)
    back = factories.internship(intern=first.intern, team_=team, manager=manager)
    other = factories.internship(cohort_=factories.cohort(year=2024))
    auth.login_as(manager)
    assert "Summer 2025" in client.get(f"/outcomes/project/{back.project.id}").get_data(
        as_text=True)
    refused = client.post(f"/outcomes/project/{back.project.id}/previous",
                          data={"previous_internship_id": str(other.id)})
    assert refused.status_code == 422
    response = client.post(f"/outcomes/project/{back.project.id}/previous",
                           data={"previous_internship_id": str(first.id)})
    assert response.status_code == 302
    db.session.refresh(back)
    assert back.previous_internship_id == first.id
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity_type == "internships", AuditEntry.entity_id == back.id)).one()
    assert entry.after == {"previous_internship_id": first.id}
    auth.logout()
    auth.login_as(back.intern)
    assert client.post(f"/outcomes/project/{back.project.id}/previous",
                       data={"previous_internship_id": ""}).status_code == 403


def test_an_accepted_tutorial_is_final_on_the_page_and_for_the_survey(client, auth, project):
    project_, intern, _, _ = project
    tutorial = factories.outcome(project_, kind=OutcomeKind.TUTORIAL,
                                 status=OutcomeStatus.ACCEPTED, on=date(2026, 7, 1))
    assert is_final(OutcomeKind.TUTORIAL, OutcomeStatus.ACCEPTED)
    auth.login_as(intern)
    response = client.post(f"/outcomes/{tutorial.id}/status",
                           data={"status": "rejected", "occurred_on": "2026-08-01"})
    assert response.status_code == 422  # past the end of its road: only a correction
    assert "Status moves only forward; to correct it, say why." in response.get_data(as_text=True)
    db.session.refresh(tutorial)
    assert tutorial.status is OutcomeStatus.ACCEPTED and len(tutorial.steps) == 1
    assert _pending_outcomes([project_.id]) == set()  # and the survey stops asking


@pytest.mark.parametrize(("kind", "final"), [
    (OutcomeKind.PAPER, OutcomeStatus.PUBLISHED), (OutcomeKind.TUTORIAL, OutcomeStatus.ACCEPTED),
    (OutcomeKind.PRODUCTION, OutcomeStatus.IN_PRODUCTION),
    (OutcomeKind.PATENT, OutcomeStatus.GRANTED), (OutcomeKind.OPEN_SOURCE, OutcomeStatus.RELEASED),
])
def test_each_kind_ends_at_its_last_step_or_a_rejection(kind, final):
    road = STATUSES_BY_KIND[kind]
    assert [s for s in road if is_final(kind, s)] == [
        s for s in road if s in (final, OutcomeStatus.REJECTED)]
