"""Signing in and out in a real browser, on a laptop and on a phone."""

from intern_portal.models import Role

from .. import factories
from .conftest import sign_in


def test_wrong_password_shows_a_message_in_the_page(page):
    person = factories.user(Role.INTERN)
    sign_in(page, person.email, "not-the-password")
    alert = page.locator("#password-error")
    assert "don't match an account" in alert.inner_text()
    assert page.get_by_label("Password").get_attribute("aria-invalid") == "true"


def test_intern_signs_in_and_out(page):
    person = factories.user(Role.INTERN, name="Mei Lin")
    sign_in(page, person.email, factories.PASSWORD)
    assert page.get_by_role("heading", name="Hello, Mei").is_visible()
    assert page.get_by_role("heading", name="Your internship").is_visible()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/auth/login")
    assert page.get_by_text("You are signed out.").is_visible()


def test_phone_navigation_opens_from_the_menu_button(phone_page):
    person = factories.user(Role.ADMIN, name="Ada Admin")
    sign_in(phone_page, person.email, factories.PASSWORD)
    sign_out = phone_page.get_by_role("button", name="Sign out")
    assert not sign_out.is_visible()
    phone_page.get_by_role("button", name="Show navigation").click()
    sign_out.wait_for(state="visible")
    assert sign_out.is_visible()
