"""Each demo login signs in through the page and lands on that role's home page."""

import pytest

from intern_portal.demo import load_demo_data
from intern_portal.demo_content import DEMO_EMAILS, DEMO_PASSWORDS
from intern_portal.models import Role

from .conftest import sign_in

HOME_SECTION = {
    Role.INTERN: "Your internship",
    Role.MENTOR: "Your mentees",
    Role.MANAGER: "Your teams",
    Role.PROGRAM_LEAD: "Program overview",
    Role.ADMIN: "Administration",
}


@pytest.fixture
def demo(app):
    load_demo_data()


@pytest.mark.parametrize("role", list(HOME_SECTION), ids=lambda r: r.value)
def test_demo_login_lands_on_its_role_home(page, demo, role):
    sign_in(page, DEMO_EMAILS[role], DEMO_PASSWORDS[role])
    assert page.url.endswith("/")
    assert page.get_by_role("heading", name=HOME_SECTION[role]).is_visible()
    others = [text for r, text in HOME_SECTION.items() if r != role and r != Role.ADMIN]
    for text in others:
        if role == Role.ADMIN and text == "Program overview":
            continue  # an admin sees the program overview too
        assert page.get_by_role("heading", name=text).count() == 0
    page.screenshot(path=f"test-results/home-{role.value}.png", full_page=True)


def test_demo_intern_sees_their_primary_mentor(page, demo):
    sign_in(page, DEMO_EMAILS[Role.INTERN], DEMO_PASSWORDS[Role.INTERN])
    mentors = page.locator("dd", has_text="primary")
    assert mentors.count() == 1
