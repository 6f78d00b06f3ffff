"""Mentor suggestions for one intern, and the optimal cohort-wide proposal."""

import re
from datetime import date

import numpy as np
from sqlalchemy import select

from intern_portal.extensions import db
from intern_portal.mentors import suggest
from intern_portal.mentors.suggest import optimal_assignment, shared_hours, words
from intern_portal.models import Internship, MentorAssignment, Role

from . import factories


def _primary_of(internship: Internship) -> int | None:
    return db.session.scalar(
        select(MentorAssignment.mentor_id).where(
            MentorAssignment.internship_id == internship.id, MentorAssignment.is_primary,
            MentorAssignment.ended_at.is_(None))
    )


def test_research_words_are_compared_without_filler_or_plurals():
    assert words("Knowledge graphs, and entity linking") == {"knowledge", "graph", "entity",
                                                             "linking"}


def test_shared_working_hours_cross_the_date_line():
    assert shared_hours("America/Los_Angeles", "America/New_York", date(2026, 7, 1)) == 5
    assert shared_hours("Asia/Kolkata", "America/Los_Angeles", date(2026, 7, 1)) == 0
    assert shared_hours("Asia/Tokyo", "America/Los_Angeles", date(2026, 1, 14)) == 1  # PST


def test_suggestions_rank_by_fit_and_show_the_reasons(client, auth):
    manager = factories.user(Role.MANAGER)
    team = factories.team(manager=manager)
    internship = factories.internship(team_=team, manager=manager)
    factories.mentor(name="Far Away", expertise="speech recognition",
                     time_zone="Asia/Kolkata")
    factories.mentor(name="Near Match", team_=team, expertise="entity linking, knowledge graphs")
    auth.login_as(manager)
    page = client.get(f"/mentors/internships/{internship.id}").get_data(as_text=True)
    assert page.index("Near Match") < page.index("Far Away")
    assert "Research: entity, graph, knowledge, linking" in page
    assert "Same team" in page
    assert "8 h of shared working hours" in page
    assert "No shared working hours" in page
    assert "2 of 2 places free" in page


def test_full_mentors_come_after_those_with_room(client, auth):
    manager = factories.user(Role.MANAGER)
    team = factories.team(manager=manager)
    internship = factories.internship(team_=team, manager=manager)
    full = factories.mentor(name="Full Expert", capacity=1, team_=team,
                            expertise="entity linking, knowledge graphs")
    factories.assign(factories.internship(team_=team, manager=manager), full)
    factories.mentor(name="Free Generalist", expertise="optimisation")
    auth.login_as(manager)
    page = client.get(f"/mentors/internships/{internship.id}").get_data(as_text=True)
    assert page.index("Free Generalist") < page.index("Full Expert")
    assert "Full (1 of 1)" in page


def _mentors(n: int, team):
    for k in range(n):
        factories.mentor(expertise=f"topic{k} graphs", team_=team if k % 2 else None,
                         time_zone=["Asia/Kolkata", "America/New_York"][k % 2])


def test_suggestion_queries_do_not_grow_with_the_mentors(client, auth, count_queries):
    manager = factories.user(Role.MANAGER)
    team = factories.team(manager=manager)
    internship = factories.internship(team_=team, manager=manager)
    _mentors(3, team)
    auth.login_as(manager)
    url = f"/mentors/internships/{internship.id}"
    with count_queries() as small:
        assert client.get(url).status_code == 200
    _mentors(30, team)
    with count_queries() as large:
        assert client.get(url).status_code == 200
    assert large.count == small.count


def test_optimal_assignment_beats_greedy_on_a_small_case():
    # Greedy takes the best pair (row 0 with mentor 0, fit 10) and leaves row 1 with 0.
    fit = np.array([[10.0, 9.0], [8.0, 0.0]])
    assert optimal_assignment(fit, np.array([1, 1])) == [1, 0]  # 17 beats greedy's 10


def test_optimal_assignment_respects_capacity_and_leaves_the_rest():
    fit = np.array([[5.0], [4.0], [3.0]])
    assert optimal_assignment(fit, np.array([2])) == [0, 0, None]


def _cohort_case():
    """Two interns and two mentors with one place each, where greedy is worse (see below)."""
    manager = factories.user(Role.MANAGER)
    team = factories.team(manager=manager)
    both = factories.internship(team_=team, manager=manager)
    both.research_area = "graph neural networks"
    graph_db = factories.internship(team_=team, manager=manager)
    graph_db.research_area = "graph databases"
    db.session.commit()
    x = factories.mentor(name="Xavier Graphs", capacity=1, expertise="graph neural networks")
    y = factories.mentor(name="Yolanda Neural", capacity=1, expertise="neural networks")
    return manager, both, graph_db, x, y


def test_cohort_proposal_maximises_total_fit_where_greedy_would_not(client, auth):
    # Greedy gives X to the GNN intern (fit 40 + 20 + 15) and leaves the graph-database intern
    # with Y (no shared word); the optimum gives the GNN intern Y and the other X.
    manager, both, graph_db, x, y = _cohort_case()
    auth.login_as(manager)
    page = client.get(f"/mentors/cohorts/{both.cohort_id}/proposal").get_data(as_text=True)

    def picked(internship):
        select_html = re.search(rf'name="mentor-{internship.id}">(.*?)</select>', page, re.S)
        return int(re.search(r'value="(\d+)" selected', select_html.group(1)).group(1))

    assert picked(both) == y.id
    assert picked(graph_db) == x.id
    response = client.post(f"/mentors/cohorts/{both.cohort_id}/proposal", data={
        f"mentor-{both.id}": str(y.id), f"mentor-{graph_db.id}": str(x.id),
        "reason": "Cohort proposal",
    })
    assert response.status_code == 302
    assert _primary_of(both) == y.id
    assert _primary_of(graph_db) == x.id
    after = client.get(f"/mentors/cohorts/{both.cohort_id}/proposal").get_data(as_text=True)
    assert "Every intern here has a primary mentor." in after


def test_accepting_a_proposal_over_capacity_writes_nothing(client, auth):
    manager, both, graph_db, x, _ = _cohort_case()
    auth.login_as(manager)
    response = client.post(f"/mentors/cohorts/{both.cohort_id}/proposal", data={
        f"mentor-{both.id}": str(x.id), f"mentor-{graph_db.id}": str(x.id),
        "reason": "Cohort proposal",
    })
    assert response.status_code == 422
    assert "Nothing was assigned" in response.get_data(as_text=True)
    assert _primary_of(both) is None and _primary_of(graph_db) is None


def test_a_manager_only_sees_their_own_interns_in_the_proposal(client, auth):
    manager, both, _, _, _ = _cohort_case()
    other = factories.internship(cohort_=both.cohort)
    auth.login_as(manager)
    page = client.get(f"/mentors/cohorts/{both.cohort_id}/proposal").get_data(as_text=True)
    assert both.intern.name in page
    assert other.intern.name not in page


def test_a_cohort_too_large_for_one_proposal_is_proposed_team_by_team(
        client, auth, monkeypatch):
    monkeypatch.setattr(suggest, "PROPOSAL_LIMIT", 1)
    lead = factories.user(Role.PROGRAM_LEAD)
    first, second = factories.internship(), factories.internship()
    auth.login_as(lead)
    page = client.get(f"/mentors/cohorts/{first.cohort_id}/proposal").get_data(as_text=True)
    assert "propose them team by team" in page
    assert first.team.name in page and second.team.name in page
    one = client.get(f"/mentors/cohorts/{first.cohort_id}/proposal?team_id={first.team_id}")
    assert first.intern.name in one.get_data(as_text=True)
    assert second.intern.name not in one.get_data(as_text=True)
