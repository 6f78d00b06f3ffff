"""An intern books a lunch date in a real browser and finds it in their list."""

from datetime import UTC, datetime, timedelta

from intern_portal.models import Role

from .. import factories
from .conftest import sign_in


def test_intern_books_a_lunch_date_and_sees_it_in_their_list(page):
    scientist = factories.mentor(name="Rosa Researcher")
    starts = (datetime.now(UTC) + timedelta(days=4)).replace(hour=19, minute=0, second=0,
                                                             microsecond=0)
    factories.lunch_slot(scientist, starts_at=starts, topic="Retrieval-augmented generation")
    person = factories.user(Role.INTERN, name="Ivy Intern", time_zone="Asia/Kolkata")
    sign_in(page, person.email, factories.PASSWORD)

    page.get_by_role("link", name="Lunch dates", exact=True).click()
    page.get_by_role("link", name="Find a lunch date").click()
    row = page.locator("#open-slots tbody tr").filter(has_text="Rosa Researcher")
    assert "IST" in row.inner_text()
    row.get_by_role("button", name="Book").click()
    page.wait_for_url("**/lunch/")

    assert page.get_by_text("Booked: lunch with Rosa Researcher").is_visible()
    upcoming = page.locator("#upcoming-lunches")
    assert "Rosa Researcher" in upcoming.inner_text()
    assert "Retrieval-augmented generation" in upcoming.inner_text()
