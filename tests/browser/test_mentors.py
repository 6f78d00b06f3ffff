"""A manager assigns a primary mentor through the pages."""

from intern_portal.models import Role

from .. import factories
from .conftest import sign_in


def test_manager_assigns_a_primary_mentor_through_the_page(page):
    manager = factories.user(Role.MANAGER, email="maya@example.com", name="Maya Manager")
    team = factories.team(manager=manager, name="Product Knowledge Graph")
    internship = factories.internship(team_=team, manager=manager)
    intern_name = internship.intern.name
    factories.mentor(name="Priya Graphs", team_=team, expertise="knowledge graphs, entity linking")
    factories.mentor(name="Sam Speech", expertise="speech recognition", time_zone="Asia/Kolkata")

    sign_in(page, "maya@example.com", factories.PASSWORD)
    page.get_by_role("link", name="Mentors", exact=True).click()
    assert page.get_by_role("heading", name="Product Knowledge Graph").is_visible()
    row = page.locator("tr", has_text=intern_name)
    assert "None yet" in row.inner_text()

    row.get_by_role("link", name=f"Mentors of {intern_name}").click()
    suggestions = page.locator("table.suggestions tbody tr")
    assert "Priya Graphs" in suggestions.first.inner_text()
    assert "Same team" in suggestions.first.inner_text()
    page.get_by_role("link", name="Choose Priya Graphs").click()
    assert page.get_by_label("Mentor's email").input_value().endswith("@example.com")
    page.get_by_label("Primary mentor", exact=True).check()
    page.get_by_label("Reason", exact=True).fill("Works on knowledge graphs")
    page.get_by_role("button", name="Assign").click()

    assert page.get_by_text("Priya Graphs is now primary mentor").is_visible()
    page.get_by_role("link", name="Product Knowledge Graph").click()
    row = page.locator("tr", has_text=intern_name)
    assert "Priya Graphs" in row.locator("td.primary-mentor").inner_text()
    page.screenshot(path="test-results/mentors-team.png", full_page=True)
