"""Demo launch plans: team templates, plans delivered on day one (mostly), milestones ticked off."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from ..demo_content import APPLIED_TEMPLATE, DONE_NOTES, RESEARCH_TEMPLATE, TEAM_VENUES, TODAY
from ..models import (
    Internship,
    InternshipStatus,
    LaunchPlan,
    PlanMilestone,
    PlanTemplate,
    PlanVersion,
    Team,
    TemplateMilestone,
    Term,
    User,
    VenueTier,
)
from ..plans.delivery import due_delivery_at
from ..plans.service import due_date_for_week
from ..plans.versions import plan_snapshot

LATE_PLAN_SHARE = 0.1
UNACKNOWLEDGED_FALL = 3
BEHIND_FALL = 6
OPEN_SUMMER_SHARE = 0.04
WINTER_WRITTEN_SHARE = 0.6
BOTH_TEMPLATES_SHARE = 0.6


def _utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), UTC)


def templates(rng: random.Random, teams: dict[str, Team]) -> dict[str, list[PlanTemplate]]:
    """Give each team its research template and, for most, an applied one."""
    made: dict[str, list[PlanTemplate]] = {}
    for name, team in teams.items():
        specs: list[tuple[str, bool, bool, tuple[tuple[int, str, str], ...]]] = [
            RESEARCH_TEMPLATE]
        if rng.random() < BOTH_TEMPLATES_SHARE:
            specs.append(APPLIED_TEMPLATE)
        made[name] = []
        for title, paper, production, milestones in specs:
            template = PlanTemplate(
                team=team, name=title, goal_paper=paper, goal_production=production,
                paper_venue=TEAM_VENUES[name][0] if paper else None,
                venue_tier=VenueTier.TOP_TIER if paper else None,
                created_at=_utc(date(2025, 4, 21), 17),
                milestones=[TemplateMilestone(week=w, title=t, description=d)
                            for w, t, d in milestones],
            )
            made[name].append(template)
    return made


class PlanMaker:
    """Writes the plans of every internship, given the templates and who wrote each plan."""

    def __init__(self, rng: random.Random, team_templates: dict[str, list[PlanTemplate]],
                 mentor_of: dict[Internship, User], demo_intern: User, spotlight: Team):
        self.rng = rng
        self.templates = team_templates
        self.mentor_of = mentor_of
        self.demo_intern = demo_intern
        self.spotlight = spotlight
        self.rows: list[object] = []
        self.delivered: list[LaunchPlan] = []
        self.unacknowledged: set[Internship] = set()
        self.behind: set[Internship] = set()

    def make(self, internships: list[Internship]) -> list[object]:
        """Return the plans and milestones for the given internships."""
        fall = [i for i in internships if i.cohort.term is Term.FALL
                and i.status is not InternshipStatus.WITHDRAWN and i.intern is not self.demo_intern]
        # The demo manager's team shows one of each on its overview.
        own = [i for i in fall if i.team is self.spotlight]
        self.unacknowledged = set(self.rng.sample(fall, UNACKNOWLEDGED_FALL - 1)) | {own[0]}
        self.behind = set(self.rng.sample(fall, BEHIND_FALL - 1)) | {own[-1]}
        for internship in internships:
            if internship.status is InternshipStatus.WITHDRAWN:
                continue
            if internship.cohort.term is Term.WINTER:
                if self.rng.random() < WINTER_WRITTEN_SHARE:
                    self.plan(internship, _utc(TODAY - timedelta(days=self.rng.randint(1, 20)), 18))
                continue
            late = (self.rng.random() < LATE_PLAN_SHARE
                    and internship.intern is not self.demo_intern)
            if late:
                written = _utc(internship.start_date + timedelta(days=self.rng.randint(1, 3)), 19)
            else:
                written = _utc(internship.start_date - timedelta(days=self.rng.randint(3, 12)), 18)
            plan = self.plan(internship, written)
            self.deliver(plan, internship)
        return self.rows

    def plan(self, internship: Internship, written: datetime) -> LaunchPlan:
        """Write the plan from one of the team's templates, milestones due from the start."""
        template = self.rng.choice(self.templates[internship.team.name])
        plan = LaunchPlan(
            internship=internship, template=template,
            project_title=internship.project.title if internship.project else template.name,
            goal_paper=template.goal_paper, paper_venue=template.paper_venue,
            venue_tier=template.venue_tier, goal_production=template.goal_production,
            version=1, created_by_id=self.mentor_of[internship].id, created_at=written,
            milestones=[
                PlanMilestone(week=m.week, title=m.title, description=m.description,
                              due_date=due_date_for_week(internship.start_date, m.week))
                for m in template.milestones
            ],
        )
        self.rows.append(plan)
        return plan

    def deliver(self, plan: LaunchPlan, internship: Internship) -> None:
        """Deliver as the scheduler would, acknowledge, and tick off the past milestones."""
        plan.delivered_at = due_delivery_at(plan)
        self.delivered.append(plan)
        fall = internship.cohort.term is Term.FALL
        is_demo = internship.intern is self.demo_intern
        if internship not in self.unacknowledged:
            plan.acknowledged_at = plan.delivered_at + timedelta(
                hours=self.rng.randint(14, 44), minutes=self.rng.randint(0, 59))
            plan.acknowledged_version = plan.version
        past = [m for m in plan.milestones if m.due_date < TODAY]
        open_ones: set[int] = set()
        if is_demo:
            open_ones = {len(past) - 1}
        elif internship in self.behind:
            open_ones = {len(past) - 1, len(past) - 1 - self.rng.randint(1, 2)}
        for n, milestone in enumerate(past):
            if n in open_ones or (not fall and self.rng.random() < OPEN_SUMMER_SHARE):
                continue
            done = milestone.due_date - timedelta(days=self.rng.randint(0, 3))
            done_at = max(_utc(done, self.rng.randint(16, 23), self.rng.randint(0, 59)),
                          plan.delivered_at + timedelta(hours=2))
            by_intern = self.rng.random() < 0.8
            milestone.done_at = done_at
            milestone.done_by = internship.intern if by_intern else self.mentor_of[internship]
            milestone.done_note = self.rng.choice(DONE_NOTES)


    def versions(self) -> list[PlanVersion]:
        """Snapshot each delivered plan as version 1, as delivery does; plans need ids first."""
        return [PlanVersion(plan_id=plan.id, version=1, snapshot=plan_snapshot(plan),
                            created_at=plan.delivered_at) for plan in self.delivered]
