"""Orgs and teams: names, managers, places, time zones and focus areas."""

import re

from sqlalchemy import func, select

from intern_portal.extensions import db
from intern_portal.models import AuditEntry, FocusArea, Org, Project, Role, Team

from . import factories


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _last_audit() -> AuditEntry:
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()


def _team(team_id: int) -> Team:
    db.session.expire_all()
    return db.session.get(Team, team_id)


def _areas(team: Team) -> dict[str, bool]:
    return {a.name: a.active for a in _team(team.id).focus_areas}


def _team_data(org: Org, **overrides) -> dict:
    data = {"org_id": org.id, "name": "Product Knowledge Graph", "manager_id": 0,
            "location": "Seattle", "time_zone": "America/Los_Angeles",
            "focus_areas": "Entity linking\nGraph embeddings\n"}
    data.update(overrides)
    return data


def _edit_data(team: Team, **overrides) -> dict:
    data = {"org_id": team.org_id, "name": team.name, "manager_id": team.manager_id or 0,
            "location": team.location, "time_zone": team.time_zone,
            "focus_areas": "\n".join(a.name for a in team.focus_areas if a.active)}
    data.update(overrides)
    return data


def test_admin_adds_an_org(client, auth):
    admin = factories.user(Role.ADMIN)
    auth.login_as(admin)
    response = client.post("/admin/orgs/new", data={"name": "Alexa AI"}, follow_redirects=True)
    assert b"Alexa AI is added." in response.data
    org = db.session.scalar(select(Org).where(Org.name == "Alexa AI"))
    entry = _last_audit()
    assert (entry.action, entry.entity_type, entry.entity_id) == ("create", "orgs", org.id)
    assert entry.actor_id == admin.id and entry.after == {"name": "Alexa AI"}


def test_duplicate_org_name_is_refused_whatever_its_case(client, auth):
    factories.org("Alexa AI")
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    orgs, entries = _count(Org), _count(AuditEntry)
    response = client.post("/admin/orgs/new", data={"name": " alexa ai "})
    assert response.status_code == 422
    assert b"There is already an org called alexa ai." in response.data
    assert (_count(Org), _count(AuditEntry)) == (orgs, entries)


def test_renaming_an_org_records_the_old_and_new_name(client, auth):
    org = factories.org("AWS")
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    response = client.post(f"/admin/orgs/{org.id}/edit", data={"name": "Amazon Web Services"})
    assert response.status_code == 302
    entry = _last_audit()
    assert (entry.before, entry.after) == ({"name": "AWS"}, {"name": "Amazon Web Services"})


def test_renaming_an_org_onto_another_is_refused(client, auth):
    factories.org("Devices")
    org = factories.org("Finance")
    auth.login_as(factories.user(Role.ADMIN))
    response = client.post(f"/admin/orgs/{org.id}/edit", data={"name": "Devices"})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Org, org.id).name == "Finance"


def test_admin_adds_a_team_with_manager_and_focus_areas(client, auth):
    org = factories.org("Alexa AI")
    manager = factories.user(Role.MANAGER, name="Mona Manager")
    auth.login_as(factories.user(Role.ADMIN))
    response = client.post("/admin/teams/new", data=_team_data(
        org, manager_id=manager.id, time_zone="Asia/Kolkata", location="Bengaluru",
        focus_areas="Entity linking\n\n  Graph   embeddings \nentity LINKING\n"))
    assert response.status_code == 302
    team = db.session.scalar(select(Team).where(Team.name == "Product Knowledge Graph"))
    assert (team.org_id, team.manager_id, team.location, team.time_zone) == (
        org.id, manager.id, "Bengaluru", "Asia/Kolkata")
    assert _areas(team) == {"Entity linking": True, "Graph embeddings": True}
    entry = _last_audit()
    assert (entry.action, entry.entity_type, entry.entity_id) == ("create", "teams", team.id)
    assert entry.after["manager"] == manager.email
    assert entry.after["focus_areas"] == ["Entity linking", "Graph embeddings"]


def test_team_form_preselects_the_org_it_was_opened_from(client, auth):
    factories.org("Alexa AI")
    org = factories.org("Devices")
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    page = client.get(f"/admin/teams/new?org_id={org.id}").get_data(as_text=True)
    assert f'<option selected value="{org.id}">Devices</option>' in page


def test_team_form_offers_only_people_holding_the_manager_role(client, auth):
    factories.org()
    factories.user(Role.MANAGER, name="Mona Manager")
    factories.user(Role.MANAGER, name="Gone Manager", active=False)
    factories.user(Role.MENTOR, name="Mel Mentor")
    auth.login_as(factories.user(Role.ADMIN))
    page = client.get("/admin/teams/new").get_data(as_text=True)
    assert "Mona Manager" in page
    assert "Mel Mentor" not in page and "Gone Manager" not in page


def test_team_manager_must_hold_the_manager_role(client, auth):
    org = factories.org()
    mentor = factories.user(Role.MENTOR)
    auth.login_as(factories.user(Role.ADMIN))
    teams = _count(Team)
    response = client.post("/admin/teams/new", data=_team_data(org, manager_id=mentor.id))
    assert response.status_code == 422
    assert _count(Team) == teams


def test_duplicate_team_name_in_the_org_is_refused(client, auth):
    org = factories.org("Alexa AI")
    factories.team(org, name="Product Knowledge Graph")
    auth.login_as(factories.user(Role.ADMIN))
    teams, areas, entries = _count(Team), _count(FocusArea), _count(AuditEntry)
    response = client.post("/admin/teams/new",
                           data=_team_data(org, name="product knowledge graph"))
    assert response.status_code == 422
    assert b"Alexa AI already has a team called product knowledge graph." in response.data
    assert (_count(Team), _count(FocusArea), _count(AuditEntry)) == (teams, areas, entries)


def test_same_team_name_in_another_org_is_fine(client, auth):
    factories.team(factories.org("Alexa AI"), name="Product Knowledge Graph")
    other = factories.org("AWS")
    auth.login_as(factories.user(Role.ADMIN))
    assert client.post("/admin/teams/new", data=_team_data(other)).status_code == 302
    assert _count(Team) == 2


def test_team_with_unknown_time_zone_is_refused(client, auth):
    org = factories.org()
    auth.login_as(factories.user(Role.ADMIN))
    teams = _count(Team)
    response = client.post("/admin/teams/new", data=_team_data(org, time_zone="Asia/Atlantis"))
    assert response.status_code == 422
    assert b"&#39;Asia/Atlantis&#39; is not a time zone." in response.data
    assert _count(Team) == teams


def test_moving_a_team_onto_a_name_taken_in_the_other_org_is_refused(client, auth):
    target = factories.org("AWS")
    factories.team(target, name="Search")
    team = factories.team(factories.org("Devices"), name="Search")
    auth.login_as(factories.user(Role.ADMIN))
    response = client.post(f"/admin/teams/{team.id}/edit", data=_edit_data(team, org_id=target.id))
    assert response.status_code == 422
    assert _team(team.id).org.name == "Devices"


def test_editing_a_team_records_what_changed(client, auth):
    old, new = factories.user(Role.MANAGER), factories.user(Role.MANAGER)
    team = factories.team(manager=old, focus_areas=("Entity linking",))
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    response = client.post(f"/admin/teams/{team.id}/edit", data=_edit_data(
        team, manager_id=new.id, location="Boston", time_zone="America/New_York"))
    assert response.status_code == 302
    saved = _team(team.id)
    assert (saved.manager_id, saved.location, saved.time_zone) == (
        new.id, "Boston", "America/New_York")
    entry = _last_audit()
    assert entry.before == {"manager": old.email, "location": "Seattle",
                            "time_zone": "America/Los_Angeles"}
    assert entry.after == {"manager": new.email, "location": "Boston",
                           "time_zone": "America/New_York"}


def test_saving_a_team_unchanged_writes_no_audit_row(client, auth):
    team = factories.team(focus_areas=("Entity linking",))
    auth.login_as(factories.user(Role.ADMIN))
    entries = _count(AuditEntry)
    assert client.post(f"/admin/teams/{team.id}/edit", data=_edit_data(team)).status_code == 302
    assert _count(AuditEntry) == entries


def test_team_keeps_a_manager_who_has_since_lost_the_role(client, auth):
    former = factories.user(Role.MENTOR)
    team = factories.team(manager=former)
    auth.login_as(factories.user(Role.ADMIN))
    response = client.post(f"/admin/teams/{team.id}/edit", data=_edit_data(team, location="NYC"))
    assert response.status_code == 302
    assert (_team(team.id).manager_id, _team(team.id).location) == (former.id, "NYC")


def test_focus_areas_are_added_and_removed_line_by_line(client, auth):
    team = factories.team(focus_areas=("Entity linking", "Old idea"))
    auth.login_as(factories.user(Role.ADMIN))
    client.post(f"/admin/teams/{team.id}/edit",
                data=_edit_data(team, focus_areas="Entity linking\nQuestion answering"))
    assert _areas(team) == {"Entity linking": True, "Question answering": True}
    entry = _last_audit()
    assert entry.before == {"focus_areas": ["Entity linking", "Old idea"]}
    assert entry.after == {"focus_areas": ["Entity linking", "Question answering"]}


def test_changing_the_case_of_a_focus_area_renames_it_in_place(client, auth):
    team = factories.team(focus_areas=("entity linking",))
    area_id = team.focus_areas[0].id
    auth.login_as(factories.user(Role.ADMIN))
    client.post(f"/admin/teams/{team.id}/edit", data=_edit_data(team, focus_areas="Entity Linking"))
    assert [(a.id, a.name) for a in _team(team.id).focus_areas] == [(area_id, "Entity Linking")]


def test_removing_a_focus_area_a_project_uses_retires_it(client, auth):
    team = factories.team(focus_areas=("Entity linking", "Graph embeddings"))
    used = next(a for a in team.focus_areas if a.name == "Entity linking")
    internship = factories.internship(team_=team)
    internship.project.focus_area_id = used.id
    db.session.commit()
    auth.login_as(factories.user(Role.ADMIN))
    response = client.post(f"/admin/teams/{team.id}/edit",
                           data=_edit_data(team, focus_areas="Graph embeddings"))
    assert response.status_code == 302
    assert _areas(team) == {"Entity linking": False, "Graph embeddings": True}
    assert db.session.get(Project, internship.project.id).focus_area_id == used.id
    assert _last_audit().after["retired_focus_areas"] == ["Entity linking"]
    page = client.get(f"/admin/teams/{team.id}/edit").get_data(as_text=True)
    assert "Retired (projects still use them):\n          Entity linking" in page


def test_listing_a_retired_focus_area_again_brings_it_back(client, auth):
    team = factories.team(focus_areas=("Entity linking",))
    area = team.focus_areas[0]
    area.active = False
    db.session.commit()
    auth.login_as(factories.user(Role.ADMIN))
    client.post(f"/admin/teams/{team.id}/edit", data=_edit_data(team, focus_areas="Entity linking"))
    assert [(a.id, a.active) for a in _team(team.id).focus_areas] == [(area.id, True)]


def test_an_overlong_focus_area_is_refused(client, auth):
    team = factories.team(focus_areas=("Entity linking",))
    auth.login_as(factories.user(Role.ADMIN))
    response = client.post(f"/admin/teams/{team.id}/edit",
                           data=_edit_data(team, focus_areas="x" * 200, location="Elsewhere"))
    assert response.status_code == 422
    assert b"Keep each focus area under 160 characters" in response.data
    assert _areas(team) == {"Entity linking": True}
    assert _team(team.id).location == "Seattle"


def test_orgs_page_lists_teams_with_manager_place_zone_areas_and_interns(client, auth):
    manager = factories.user(Role.MANAGER, name="Mona Manager")
    team = factories.team(factories.org("Alexa AI"), manager=manager, name="PKG",
                          focus_areas=("Entity linking", "Graph embeddings"))
    factories.internship(team_=team)
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    page = client.get("/admin/orgs").get_data(as_text=True)
    for text in ("Alexa AI", "PKG", "Mona Manager", "Seattle", "America/Los Angeles",
                 "<li>Entity linking</li>", "<li>Graph embeddings</li>", "1 / 1"):
        assert text in page


def test_orgs_page_uses_a_fixed_number_of_queries(client, auth, count_queries):
    auth.login_as(factories.user(Role.ADMIN))
    cohort = factories.cohort()

    def build(n: int) -> None:
        for _ in range(n):
            org = factories.org()
            team = factories.team(org, manager=factories.user(Role.MANAGER),
                                  focus_areas=("A", "B"))
            factories.internship(team_=team, cohort_=cohort)

    build(3)
    with count_queries() as few:
        assert client.get("/admin/orgs").status_code == 200
    build(27)
    with count_queries() as many:
        assert client.get("/admin/orgs").status_code == 200
    assert many.count == few.count


def test_unknown_org_and_team_are_404(client, auth):
    auth.login_as(factories.user(Role.ADMIN))
    assert client.get("/admin/orgs/999/edit").status_code == 404
    assert client.get("/admin/teams/999/edit").status_code == 404


def test_adding_a_team_before_any_org_leads_to_the_org_form(client, auth):
    auth.login_as(factories.user(Role.ADMIN))
    response = client.get("/admin/teams/new")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/orgs/new")


def test_managers_and_interns_cannot_change_orgs_or_teams(client, auth):
    team = factories.team()
    for role in (Role.MANAGER, Role.INTERN):
        auth.login_as(factories.user(role))
        for url in ("/admin/orgs", "/admin/orgs/new", f"/admin/orgs/{team.org_id}/edit",
                    "/admin/teams/new", f"/admin/teams/{team.id}/edit"):
            assert client.get(url).status_code == 403, url
        assert client.post("/admin/orgs/new", data={"name": "Sneaky"}).status_code == 403
        auth.logout()
    assert _count(Org) == 1


def test_org_form_carries_a_csrf_token_and_needs_it(csrf_app):
    client = csrf_app.test_client()
    admin = factories.user(Role.ADMIN)
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/auth/login", data={"email": admin.email, "password": factories.PASSWORD,
                                     "csrf_token": token})
    form = client.get("/admin/orgs/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    assert client.post("/admin/orgs/new", data={"name": "Forged"}).status_code == 400
    response = client.post("/admin/orgs/new", data={"name": "Devices", "csrf_token": token})
    assert response.status_code == 302
    assert db.session.scalars(select(Org.name)).all() == ["Devices"]
