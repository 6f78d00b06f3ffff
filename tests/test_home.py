"""Each role's home page shows that role's work, in a constant number of queries."""

from intern_portal.models import InternshipStatus, Role

from . import factories


def test_intern_sees_their_team_manager_and_mentors(client, auth):
    manager = factories.user(Role.MANAGER, name="Maya Manager")
    team = factories.team(manager=manager, name="Product Knowledge Graph")
    internship = factories.internship(team_=team, manager=manager)
    primary = factories.mentor(name="Priya Primary", time_zone="Asia/Kolkata")
    extra = factories.mentor(name="Evan Extra")
    factories.assign(internship, primary, primary=True)
    factories.assign(internship, extra, primary=False)
    auth.login_as(internship.intern)
    body = client.get("/").get_data(as_text=True)
    assert "Your internship" in body and "Product Knowledge Graph" in body
    assert "Maya Manager" in body
    assert body.index("Priya Primary") < body.index("Evan Extra")
    assert "Asia/Kolkata".replace("_", " ") in body


def test_intern_without_mentor_is_told_one_is_coming(client, auth):
    internship = factories.internship()
    auth.login_as(internship.intern)
    assert "Your manager will assign your mentors soon." in client.get("/").get_data(as_text=True)


def test_mentor_sees_current_mentees_only(client, auth):
    mentor = factories.mentor()
    current = factories.internship(intern=factories.user(Role.INTERN, name="Current Mentee"))
    finished = factories.internship(intern=factories.user(Role.INTERN, name="Past Mentee"),
                                    status=InternshipStatus.COMPLETED)
    factories.assign(current, mentor)
    factories.assign(finished, mentor)
    auth.login_as(mentor)
    body = client.get("/").get_data(as_text=True)
    assert "Your mentees" in body and "Current Mentee" in body
    assert "Past Mentee" not in body


def test_manager_sees_interns_and_who_lacks_a_primary_mentor(client, auth):
    manager = factories.user(Role.MANAGER)
    team = factories.team(manager=manager, name="Forecasting Science")
    factories.internship(intern=factories.user(Role.INTERN, name="No Mentor Yet"),
                         team_=team, manager=manager)
    auth.login_as(manager)
    body = client.get("/").get_data(as_text=True)
    assert "Forecasting Science" in body and "No Mentor Yet" in body and "None yet" in body


def test_program_lead_sees_cohort_counts(client, auth):
    lead = factories.user(Role.PROGRAM_LEAD)
    cohort = factories.cohort(year=2026)
    for _ in range(3):
        factories.internship(cohort_=cohort)
    auth.login_as(lead)
    body = client.get("/").get_data(as_text=True)
    assert "Program overview" in body and "Summer 2026" in body


def test_person_without_a_role_is_told_so(client, auth):
    person = factories.user()
    auth.login_as(person)
    assert "Your account has no role yet." in client.get("/").get_data(as_text=True)


def _manager_with_interns(manager, team, n):
    for _ in range(n):
        internship = factories.internship(team_=team, manager=manager)
        factories.assign(internship, factories.mentor())


def test_home_queries_do_not_grow_with_the_data(client, auth, count_queries):
    everyone = factories.user(Role.ADMIN, Role.PROGRAM_LEAD, Role.MANAGER, Role.MENTOR,
                              Role.INTERN)
    team = factories.team(manager=everyone)
    _manager_with_interns(everyone, team, 2)
    auth.login_as(everyone)
    with count_queries() as small:
        assert client.get("/").status_code == 200
    _manager_with_interns(everyone, team, 20)
    with count_queries() as large:
        assert client.get("/").status_code == 200
    assert large.count == small.count
