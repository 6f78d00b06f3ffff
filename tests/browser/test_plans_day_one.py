"""An intern's first day in a real browser: the launch plan is there, and they acknowledge it."""

from datetime import UTC, datetime

import time_machine

from intern_portal.extensions import db
from intern_portal.models import LaunchPlan, Role
from intern_portal.plans import service

from .. import factories
from .conftest import sign_in


def test_intern_signs_in_on_day_one_sees_the_plan_and_acknowledges_it(page):
    manager = factories.user(Role.MANAGER, name="Maya Manager")
    team = factories.team(manager=manager, name="Product Knowledge Graph")
    intern = factories.user(Role.INTERN, name="Arjun Rao", time_zone="Asia/Kolkata")
    internship = factories.internship(intern=intern, team_=team, manager=manager)
    internship.time_zone = "Asia/Kolkata"
    db.session.commit()
    template = factories.plan_template(team, name="Research")
    with time_machine.travel(datetime(2026, 5, 20, tzinfo=UTC), tick=False):
        plan = service.create_plan(internship=internship, template=template,
                                   project_title="Entity linking at scale", actor=manager)
    # 09:15 on 1 June in Kolkata; nobody pressed anything and no scheduler ran.
    with time_machine.travel(datetime(2026, 6, 1, 3, 45, tzinfo=UTC), tick=True):
        sign_in(page, intern.email, factories.PASSWORD)
        card = page.locator(".home-plan")
        assert "Entity linking at scale" in card.inner_text()
        card.get_by_role("link", name="Entity linking at scale").click()
        page.wait_for_url(f"**/plans/{plan.id}")
        assert page.get_by_role("heading", name="Milestones").is_visible()
        assert page.get_by_text("Onboarding", exact=True).is_visible()
        assert page.get_by_text("Delivered Mon 01 Jun 2026, 00:00 IST.").is_visible()
        page.get_by_role("button", name="I have read my plan").click()
        page.wait_for_load_state()
        assert page.get_by_text("your manager can see you have read your plan").is_visible()
        assert page.locator(".plan-acknowledged").is_visible()
        assert not page.get_by_role("button", name="I have read my plan").is_visible()
        page.get_by_role("link", name="Printable view").click()
        page.wait_for_url(f"**/plans/{plan.id}/print")
        assert page.get_by_role("heading", name="Entity linking at scale").is_visible()
        assert page.locator(".portal-nav").count() == 0
    db.session.expire_all()
    stored = db.session.get(LaunchPlan, plan.id)
    assert stored.delivered_at == datetime(2026, 5, 31, 18, 30, tzinfo=UTC)
    assert stored.acknowledged_at is not None
