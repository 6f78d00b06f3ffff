"""Sign-in, sign-out, throttling, remember-me and password change."""

import logging
from datetime import timedelta

from sqlalchemy import func, select, update

from intern_portal.extensions import db
from intern_portal.models import AuditEntry, Role, SignInFailure, User, utcnow

from . import factories
from .conftest import TEST_PASSWORD


def test_sign_in_lands_on_home_page(client, auth, app):
    person = factories.user(Role.INTERN, name="Asha Rao")
    response = auth.login(person.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/")
    assert "Hello, Asha" in page.get_data(as_text=True)
    assert db.session.get(User, person.id).last_sign_in_at is not None


def test_email_is_matched_whatever_its_case(client, auth):
    person = factories.user(Role.INTERN, email="mixed@example.com")
    assert auth.login("  MIXED@Example.com ").status_code == 302
    assert person.email == "mixed@example.com"


def test_wrong_password_and_unknown_email_get_the_same_message(client, auth):
    person = factories.user(Role.INTERN)
    wrong = auth.login(person.email, "not-the-password")
    unknown = auth.login("nobody@example.com", "not-the-password")
    assert wrong.status_code == unknown.status_code == 422
    message = "That email and password don&#39;t match an account."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_empty_sign_in_form_shows_field_messages(client):
    response = client.post("/auth/login", data={})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This field is required." in body
    assert 'aria-invalid="true"' in body


def test_repeated_failures_throttle_even_the_right_password(client, auth, app):
    person = factories.user(Role.INTERN)
    for _ in range(app.config["SIGN_IN_MAX_FAILURES"]):
        auth.login(person.email, "wrong-password")
    response = auth.login(person.email, TEST_PASSWORD)
    assert response.status_code == 422
    assert "Too many failed sign-ins. Try again in 15 minutes." in response.get_data(as_text=True)


def test_throttle_lifts_once_the_window_has_passed(client, auth, app):
    person = factories.user(Role.INTERN)
    for _ in range(app.config["SIGN_IN_MAX_FAILURES"]):
        auth.login(person.email, "wrong-password")
    db.session.execute(update(SignInFailure).values(at=utcnow() - timedelta(minutes=16)))
    db.session.commit()
    assert auth.login(person.email).status_code == 302


def test_one_address_trying_many_emails_is_throttled(client, auth, app):
    limit = app.config["SIGN_IN_MAX_FAILURES"] * 4
    for n in range(limit):
        auth.login(f"guess{n}@example.com", "wrong-password")
    person = factories.user(Role.INTERN)
    response = auth.login(person.email)
    assert "Too many failed sign-ins" in response.get_data(as_text=True)


def test_success_clears_earlier_failures(client, auth):
    person = factories.user(Role.INTERN)
    auth.login(person.email, "wrong-password")
    auth.login(person.email)
    left = db.session.scalar(select(func.count()).select_from(SignInFailure))
    assert left == 0


def test_disabled_account_cannot_sign_in(client, auth):
    person = factories.user(Role.INTERN, active=False)
    response = auth.login(person.email)
    assert response.status_code == 422
    assert "This account is disabled" in response.get_data(as_text=True)


def test_passwords_are_stored_hashed_and_never_logged(client, auth, caplog):
    caplog.set_level(logging.DEBUG)
    person = factories.user(Role.INTERN)
    auth.login(person.email, "a-wrong-secret-123")
    stored = db.session.get(User, person.id).password_hash
    assert TEST_PASSWORD not in stored and stored.startswith("pbkdf2:")
    assert "a-wrong-secret-123" not in caplog.text


def test_sign_out_needs_a_post(client, auth):
    person = factories.user(Role.INTERN)
    auth.login(person.email)
    assert client.get("/auth/logout").status_code == 405
    response = auth.logout()
    assert response.headers["Location"] == "/auth/login"
    assert client.get("/").status_code == 302


def test_remember_me_sets_a_lasting_cookie(client, auth):
    person = factories.user(Role.INTERN)
    auth.login(person.email, remember=True)
    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.expires is not None
    client.delete_cookie("session")
    assert client.get("/").status_code == 200


def test_without_remember_me_no_lasting_cookie(client, auth):
    person = factories.user(Role.INTERN)
    auth.login(person.email)
    assert client.get_cookie("remember_token") is None


def test_next_takes_you_back_but_never_off_site(client, auth):
    person = factories.user(Role.INTERN)
    response = client.get("/profile")
    assert response.headers["Location"].startswith("/auth/login?next=")
    back = client.post("/auth/login?next=/profile",
                       data={"email": person.email, "password": TEST_PASSWORD})
    assert back.headers["Location"] == "/profile"
    auth.logout()
    away = client.post("/auth/login?next=https://evil.example.net/",
                       data={"email": person.email, "password": TEST_PASSWORD})
    assert away.headers["Location"] == "/"


def test_password_change_needs_the_current_password(client, auth):
    person = factories.user(Role.INTERN)
    auth.login(person.email)
    response = client.post("/auth/password", data={
        "current": "not-it-at-all", "new": "a-brand-new-pass", "confirm": "a-brand-new-pass"})
    assert response.status_code == 422
    assert "Your current password is not right." in response.get_data(as_text=True)
    auth.logout()
    assert auth.login(person.email).status_code == 302


def test_password_change_refuses_short_or_mismatched(client, auth):
    person = factories.user(Role.INTERN)
    auth.login(person.email)
    short = client.post("/auth/password", data={
        "current": TEST_PASSWORD, "new": "short", "confirm": "short"})
    assert short.status_code == 422
    assert "at least 10 characters" in short.get_data(as_text=True)
    differ = client.post("/auth/password", data={
        "current": TEST_PASSWORD, "new": "a-brand-new-pass", "confirm": "another-new-pass"})
    assert "The two new passwords differ." in differ.get_data(as_text=True)
    before = person.password_hash
    db.session.expire_all()
    assert db.session.get(User, person.id).password_hash == before


def test_password_change_works_and_is_audited(client, auth):
    person = factories.user(Role.INTERN)
    auth.login(person.email)
    response = client.post("/auth/password", data={
        "current": TEST_PASSWORD, "new": "a-brand-new-pass", "confirm": "a-brand-new-pass"})
    assert response.status_code == 302
    auth.logout()
    assert auth.login(person.email).status_code == 422
    assert auth.login(person.email, "a-brand-new-pass").status_code == 302
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "password_change"))
    assert entry.actor_id == person.id
    assert "a-brand-new-pass" not in str(entry.after) + str(entry.before)


def test_profile_sets_own_time_zone(client, auth):
    person = factories.user(Role.INTERN, time_zone="America/Los_Angeles")
    auth.login(person.email)
    response = client.post("/profile", data={"name": "Asha R.", "time_zone": "Asia/Kolkata"})
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(User, person.id)
    assert (saved.name, saved.time_zone) == ("Asha R.", "Asia/Kolkata")
    assert "Times shown in Asia/Kolkata" in client.get("/").get_data(as_text=True)


def test_profile_refuses_an_unknown_time_zone(client, auth):
    person = factories.user(Role.INTERN, time_zone="America/Los_Angeles")
    auth.login(person.email)
    response = client.post("/profile", data={"name": "Asha", "time_zone": "Mars/Base"})
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, person.id).time_zone == "America/Los_Angeles"


def test_forbidden_page_names_the_role_needed(client, auth):
    person = factories.user(Role.INTERN)
    auth.login(person.email)
    response = client.get("/admin/audit")
    body = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "This page is for: Admin." in body
