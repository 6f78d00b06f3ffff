"""Sessions that can be ended: a copied cookie stops working the moment its session ends."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from intern_portal.extensions import db
from intern_portal.models import LunchBooking, OutboxMessage, Role, User, UserSession

from . import factories
from .conftest import TEST_PASSWORD


def _copy(client, app, *names: str):
    """A second browser holding copies of the first one's cookies (what a thief would do)."""
    other = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        assert cookie is not None, f"no {name} cookie to copy"
        other.set_cookie(name, cookie.value)
    return other


def _signed_in(client) -> bool:
    return client.get("/profile").status_code == 200


def _live(user) -> int:
    return db.session.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)))


def test_a_copied_session_cookie_dies_with_sign_out(app, client, auth):
    person = factories.user(Role.INTERN)
    auth.login_as(person)
    thief = _copy(client, app, "session")
    assert _signed_in(thief)
    auth.logout()
    assert not _signed_in(thief) and not _signed_in(client)
    assert _live(person) == 0


def test_a_copied_remember_me_cookie_dies_with_a_password_change(app, client, auth):
    person = factories.user(Role.INTERN)
    auth.login(person.email, remember=True)
    thief = _copy(client, app, "remember_token")
    assert _signed_in(thief)
    response = client.post("/auth/password", data={
        "current": TEST_PASSWORD, "new": "violet-kettle-harbor", "confirm": "violet-kettle-harbor"})
    assert response.status_code == 302
    assert not _signed_in(thief)
    assert _signed_in(client)  # the browser that changed it stays signed in
    assert _live(person) == 1


def test_remember_me_lasts_thirty_days_and_no_longer(client, auth):
    person = factories.user(Role.INTERN)
    before = datetime.now(UTC)
    auth.login(person.email, remember=True)
    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.expires is not None
    lifetime = cookie.expires - before
    assert timedelta(days=29, hours=23) < lifetime <= timedelta(days=30, minutes=1)
    row = db.session.scalars(select(UserSession)).one()
    assert row.remember and row.expires_at - row.created_at == timedelta(days=30)


def test_an_expired_session_signs_its_browser_out(client, auth):
    person = factories.user(Role.INTERN)
    auth.login_as(person)
    row = db.session.scalars(select(UserSession)).one()
    row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    assert not _signed_in(client)


def test_disabling_a_person_signs_them_out_everywhere(app, client, auth):
    person = factories.user(Role.INTERN)
    auth.login_as(person)
    admin = factories.user(Role.ADMIN)
    staff = app.test_client()
    staff.post("/auth/login", data={"email": admin.email, "password": TEST_PASSWORD})
    response = staff.post(f"/admin/users/{person.id}/edit", data={
        "email": person.email, "name": person.name, "time_zone": "UTC", "roles": ["intern"]})
    assert response.status_code == 302
    assert not db.session.get(User, person.id).active
    assert not _signed_in(client) and _live(person) == 0


def test_an_admin_signs_a_person_out_everywhere(app, client, auth):
    person = factories.user(Role.MENTOR)
    auth.login_as(person)
    phone = _copy(client, app, "session")
    admin = factories.user(Role.ADMIN)
    staff = app.test_client()
    staff.post("/auth/login", data={"email": admin.email, "password": TEST_PASSWORD})
    response = staff.post(f"/admin/users/{person.id}/sign-out")
    assert response.status_code == 302
    assert not _signed_in(client) and not _signed_in(phone)
    assert _signed_in(staff)


def test_a_reset_by_an_admin_signs_out_and_emails_the_person(app, client, auth):
    person = factories.user(Role.INTERN)
    auth.login_as(person)
    admin = factories.user(Role.ADMIN, name="Ada Admin")
    staff = app.test_client()
    staff.post("/auth/login", data={"email": admin.email, "password": TEST_PASSWORD})
    response = staff.post(f"/admin/users/{person.id}/edit", data={
        "email": person.email, "name": person.name, "time_zone": "UTC", "active": "y",
        "roles": ["intern"], "new_password": "violet-kettle-harbor"})
    assert response.status_code == 302
    assert not _signed_in(client)
    [email] = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.to_email == person.email)).all()
    assert email.subject == "Your Intern Portal password was reset"
    assert "Ada Admin reset the password" in email.body_text


def test_a_program_lead_cannot_reset_another_leads_password(app, client, auth):
    other_lead = factories.user(Role.PROGRAM_LEAD)
    before = db.session.get(User, other_lead.id).password_hash
    auth.login_as(factories.user(Role.PROGRAM_LEAD))
    response = client.post(f"/admin/users/{other_lead.id}/edit", data={
        "email": other_lead.email, "name": other_lead.name, "time_zone": "UTC", "active": "y",
        "roles": ["program_lead"], "new_password": "violet-kettle-harbor"})
    assert response.status_code == 422
    assert "Only an admin can reset the password of an admin or a program lead." in \
        response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, other_lead.id).password_hash == before


def test_the_sessions_page_lists_and_ends_other_sessions(app, client, auth):
    person = factories.user(Role.INTERN)
    laptop = app.test_client()
    laptop.post("/auth/login", data={"email": person.email, "password": TEST_PASSWORD},
                headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
                                       "AppleWebKit/537.36 (KHTML, like Gecko) "
                                       "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"})
    auth.login_as(person)
    page = client.get("/auth/sessions").get_data(as_text=True)
    assert "Edge on Windows" in page and "This browser" in page
    assert client.post("/auth/sessions/end-others").status_code == 302
    assert not _signed_in(laptop) and _signed_in(client)
    assert _live(person) == 1


def test_a_new_session_gets_a_new_form_token(csrf_app):
    client = csrf_app.test_client()
    person = factories.user(Role.INTERN)

    def token() -> str:
        html = client.get("/auth/login" if not _signed_in(client) else "/profile").get_data(
            as_text=True)
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)

    before = token()
    client.post("/auth/login", data={"email": person.email, "password": TEST_PASSWORD,
                                     "csrf_token": before})
    during = token()
    assert during != before
    client.post("/auth/logout", data={"csrf_token": during})
    assert not _signed_in(client)
    # The signed-out session's token no longer passes for the next person at this browser.
    response = client.post("/auth/login", data={
        "email": person.email, "password": TEST_PASSWORD, "csrf_token": during})
    assert response.status_code == 400 and "Form expired" in response.get_data(as_text=True)
    assert not _signed_in(client)


def test_a_form_sent_after_the_session_ended_returns_to_its_page_not_a_405(csrf_app):
    """The Book button pressed after signing out in another tab: back to the slots, told why."""
    browser = csrf_app.test_client()
    other_tab = csrf_app.test_client()
    intern = factories.user(Role.INTERN)
    slot = factories.lunch_slot()

    def token(client, url: str) -> str:
        html = client.get(url).get_data(as_text=True)
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)

    browser.post("/auth/login", data={"email": intern.email, "password": TEST_PASSWORD,
                                      "csrf_token": token(browser, "/auth/login")})
    form_token = token(browser, "/lunch/slots")
    for name in ("session",):  # the same browser's other tab signs out
        other_tab.set_cookie(name, browser.get_cookie(name).value)
    other_tab.post("/auth/logout", data={"csrf_token": form_token})
    browser.delete_cookie("session")  # the signed-out session's cookie is gone in the browser

    response = browser.post(f"/lunch/slots/{slot.id}/book", data={"csrf_token": form_token},
                            headers={"Referer": "http://localhost/lunch/slots?day=2026-07-01"})
    assert response.status_code == 302
    assert response.headers["Location"] == (
        "/auth/login?next=/lunch/slots?day%3D2026-07-01&lost=1")
    assert "You were signed out before that went through" in browser.get(
        response.headers["Location"]).get_data(as_text=True)
    landed = browser.post(response.headers["Location"], data={
        "email": intern.email, "password": TEST_PASSWORD,
        "csrf_token": token(browser, response.headers["Location"])}, follow_redirects=True)
    assert landed.request.path == "/lunch/slots" and landed.status_code == 200
    assert "You were signed out before that went through" in landed.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(LunchBooking)) == 0


def test_a_signed_out_post_without_a_form_token_also_lands_on_its_page(client):
    response = client.post("/lunch/slots/1/book",
                           headers={"Referer": "http://localhost/lunch/slots"})
    assert response.headers["Location"] == "/auth/login?next=/lunch/slots&lost=1"
