"""People: the admin and program-lead pages to list, add and edit people."""

import re

from sqlalchemy import func, select

from intern_portal.extensions import db
from intern_portal.models import AuditEntry, Role, User

from . import factories


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _person(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def _last_audit() -> AuditEntry:
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()


def _new_person(**overrides) -> dict:
    data = {"email": "grace@example.com", "name": "Grace Hopper", "roles": ["mentor"],
            "time_zone": "America/New_York", "password": ""}
    data.update(overrides)
    return data


def _edit(person: User, **overrides) -> dict:
    data = {"email": person.email, "name": person.name, "time_zone": person.time_zone,
            "roles": [r.value for r in person.role_set], "active": "y" if person.active else ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_admin_adds_a_person_with_roles_and_time_zone(client, auth):
    admin = factories.user(Role.ADMIN)
    auth.login_as(admin)
    response = client.post("/admin/users/new",
                           data=_new_person(roles=["mentor", "manager"]), follow_redirects=True)
    assert response.status_code == 200
    assert b"Grace Hopper (grace@example.com) is added." in response.data
    grace = _person("grace@example.com")
    assert grace.role_set == {Role.MENTOR, Role.MANAGER}
    assert grace.time_zone == "America/New_York"
    entry = _last_audit()
    assert (entry.action, entry.entity_type, entry.entity_id) == ("create", "users", grace.id)
    assert entry.actor_id == admin.id
    assert entry.after["roles"] == ["manager", "mentor"]


def test_initial_password_lets_the_new_person_sign_in(client, auth):
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    client.post("/admin/users/new", data=_new_person(password="a-long-password"))
    auth.logout()
    assert auth.login("grace@example.com", "a-long-password").status_code == 302


def test_duplicate_email_in_any_case_is_refused(client, auth):
    factories.user(Role.INTERN, email="grace@example.com")
    auth.login_as(factories.user(Role.ADMIN))
    people, entries = _count(User), _count(AuditEntry)
    response = client.post("/admin/users/new", data=_new_person(email="Grace@Example.COM"))
    assert response.status_code == 422
    assert b"Another person already uses this email." in response.data
    assert (_count(User), _count(AuditEntry)) == (people, entries)


def test_unknown_time_zone_is_refused(client, auth):
    auth.login_as(factories.user(Role.ADMIN))
    people = _count(User)
    response = client.post("/admin/users/new", data=_new_person(time_zone="Mars/Olympus_Mons"))
    assert response.status_code == 422
    assert b"is not a time zone" in response.data
    assert _count(User) == people


def test_short_initial_password_is_refused(client, auth):
    auth.login_as(factories.user(Role.ADMIN))
    people = _count(User)
    response = client.post("/admin/users/new", data=_new_person(password="short"))
    assert response.status_code == 422
    assert _count(User) == people


def test_program_lead_cannot_grant_the_admin_role(client, auth):
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    people, entries = _count(User), _count(AuditEntry)
    response = client.post("/admin/users/new", data=_new_person(roles=["admin"]))
    assert response.status_code == 422
    assert b"Only an admin can grant or remove the admin role." in response.data
    assert (_count(User), _count(AuditEntry)) == (people, entries)


def test_program_lead_cannot_make_an_existing_person_admin(client, auth):
    mentor = factories.user(Role.MENTOR)
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    entries = _count(AuditEntry)
    response = client.post(f"/admin/users/{mentor.id}/edit",
                           data=_edit(mentor, roles=["mentor", "admin"]))
    assert response.status_code == 422
    assert b"Only an admin can grant or remove the admin role." in response.data
    assert _person(mentor.email).role_set == {Role.MENTOR}
    assert _count(AuditEntry) == entries


def test_program_lead_cannot_open_an_admins_account(client, auth):
    admin = factories.user(Role.ADMIN)
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    assert client.get(f"/admin/users/{admin.id}/edit").status_code == 403
    response = client.post(f"/admin/users/{admin.id}/edit",
                           data=_edit(admin, new_password="taken-over-account"))
    assert response.status_code == 403
    auth.logout()
    assert auth.login(admin.email, "taken-over-account").status_code != 302


def test_admin_grants_the_admin_role(client, auth):
    lead = factories.user(Role.PROGRAM_LEAD)
    auth.login_as(factories.user(Role.ADMIN))
    response = client.post(f"/admin/users/{lead.id}/edit",
                           data=_edit(lead, roles=["program_lead", "admin"]))
    assert response.status_code == 302
    assert _person(lead.email).role_set == {Role.PROGRAM_LEAD, Role.ADMIN}


def test_editing_a_person_records_before_and_after(client, auth):
    person = factories.user(Role.INTERN, name="Ada L", time_zone="Europe/London")
    admin = factories.user(Role.ADMIN)
    auth.login_as(admin)
    response = client.post(f"/admin/users/{person.id}/edit", data=_edit(
        person, name="Ada Lovelace", time_zone="Asia/Kolkata", roles=["mentor"], active=""))
    assert response.status_code == 302
    ada = _person(person.email)
    assert (ada.name, ada.time_zone, ada.active) == ("Ada Lovelace", "Asia/Kolkata", False)
    assert ada.role_set == {Role.MENTOR}
    entry = _last_audit()
    assert (entry.action, entry.entity_id, entry.actor_id) == ("update", ada.id, admin.id)
    assert entry.before == {"name": "Ada L", "time_zone": "Europe/London", "active": True,
                            "roles": ["intern"]}
    assert entry.after == {"name": "Ada Lovelace", "time_zone": "Asia/Kolkata",
                           "active": False, "roles": ["mentor"]}


def test_unticking_every_role_leaves_the_person_without_roles(client, auth):
    person = factories.user(Role.MENTOR, Role.MANAGER)
    auth.login_as(factories.user(Role.ADMIN))
    client.post(f"/admin/users/{person.id}/edit", data=_edit(person, roles=[]))
    assert _person(person.email).role_set == frozenset()


def test_new_password_set_by_an_admin_works(client, auth):
    person = factories.user(Role.MENTOR)
    auth.login_as(factories.user(Role.ADMIN))
    client.post(f"/admin/users/{person.id}/edit",
                data=_edit(person, new_password="fresh-password-1"))
    assert _last_audit().after == {"password": "reset"}
    auth.logout()
    assert auth.login(person.email, "fresh-password-1").status_code == 302


def test_editing_to_another_persons_email_is_refused(client, auth):
    factories.user(Role.MENTOR, email="taken@example.com")
    person = factories.user(Role.MENTOR, name="Unchanged")
    auth.login_as(factories.user(Role.ADMIN))
    response = client.post(f"/admin/users/{person.id}/edit",
                           data=_edit(person, email="TAKEN@example.com", name="Changed"))
    assert response.status_code == 422
    assert b"Another person already uses this email." in response.data
    assert _person(person.email).name == "Unchanged"


def test_admin_cannot_disable_their_own_account(client, auth):
    admin = factories.user(Role.ADMIN)
    auth.login_as(admin)
    response = client.post(f"/admin/users/{admin.id}/edit", data=_edit(admin, active=""))
    assert response.status_code == 422
    assert b"disable your own account" in response.data
    assert _person(admin.email).active is True


def test_edit_form_shows_the_persons_details(client, auth):
    person = factories.user(Role.MENTOR, name="Katherine Johnson", time_zone="Asia/Kolkata")
    auth.login_as(factories.user(Role.ADMIN))
    page = client.get(f"/admin/users/{person.id}/edit").get_data(as_text=True)
    assert 'value="Katherine Johnson"' in page
    assert '<option selected value="Asia/Kolkata">' in page
    assert re.search(r'<input checked [^>]*value="mentor"', page)
    assert not re.search(r'<input checked [^>]*value="intern"', page)


def test_unknown_person_is_a_404(client, auth):
    auth.login_as(factories.user(Role.ADMIN))
    assert client.get("/admin/users/9999/edit").status_code == 404


def test_people_list_searches_name_and_email(client, auth):
    factories.user(Role.MENTOR, name="Barbara Liskov", email="bl@example.com")
    factories.user(Role.MENTOR, name="Edsger Dijkstra", email="ewd@cs.example.org")
    auth.login_as(factories.user(Role.PROGRAM_LEAD, name="Lead Person"))
    by_name = client.get("/admin/users?q=lisk").get_data(as_text=True)
    assert "Barbara Liskov" in by_name and "Edsger Dijkstra" not in by_name
    by_email = client.get("/admin/users?q=CS.EXAMPLE").get_data(as_text=True)
    assert "Edsger Dijkstra" in by_email and "Barbara Liskov" not in by_email


def test_search_treats_percent_signs_literally(client, auth):
    factories.user(Role.MENTOR, name="Barbara Liskov")
    auth.login_as(factories.user(Role.ADMIN))
    assert "Barbara Liskov" not in client.get("/admin/users?q=%25").get_data(as_text=True)


def test_people_list_filters_by_role(client, auth):
    factories.user(Role.MANAGER, name="Manny Manager")
    factories.user(Role.INTERN, name="Ingrid Intern")
    auth.login_as(factories.user(Role.ADMIN))
    page = client.get("/admin/users?role=manager").get_data(as_text=True)
    assert "Manny Manager" in page and "Ingrid Intern" not in page
    everyone = client.get("/admin/users?role=nonsense").get_data(as_text=True)
    assert "Manny Manager" in everyone and "Ingrid Intern" in everyone


def test_people_list_shows_fifty_a_page(client, auth):
    for n in range(55):
        factories.user(Role.INTERN, name=f"Intern {n:02d}")
    auth.login_as(factories.user(Role.ADMIN, name="Zed Admin"))
    first = client.get("/admin/users").get_data(as_text=True)
    assert "Intern 49" in first and "Intern 50" not in first
    assert "Page 1 of 2" in first
    second = client.get("/admin/users?page=2").get_data(as_text=True)
    assert "Intern 50" in second and "Zed Admin" in second


def test_people_list_uses_a_fixed_number_of_queries(client, auth, count_queries):
    auth.login_as(factories.user(Role.ADMIN))
    for _ in range(3):
        factories.user(Role.MENTOR, Role.MANAGER)
    with count_queries() as few:
        assert client.get("/admin/users").status_code == 200
    for _ in range(30):
        factories.user(Role.INTERN)
    with count_queries() as many:
        assert client.get("/admin/users").status_code == 200
    assert many.count == few.count


def test_program_lead_sees_no_edit_link_for_admins(client, auth):
    admin = factories.user(Role.ADMIN)
    mentor = factories.user(Role.MENTOR)
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    page = client.get("/admin/users").get_data(as_text=True)
    assert f"/admin/users/{mentor.id}/edit" in page
    assert f"/admin/users/{admin.id}/edit" not in page


def test_managers_and_interns_are_kept_out(client, auth):
    person = factories.user(Role.MENTOR)
    for role in (Role.MANAGER, Role.INTERN, Role.MENTOR):
        auth.login_as(factories.user(role))
        assert client.get("/admin/users").status_code == 403
        assert client.get("/admin/users/new").status_code == 403
        assert client.post("/admin/users/new", data=_new_person()).status_code == 403
        assert client.get(f"/admin/users/{person.id}/edit").status_code == 403
        auth.logout()
    assert _person("grace@example.com") is None


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
