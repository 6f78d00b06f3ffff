"""Demo outcomes of projects with their dated steps and authors, and the Fall cohort's events."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..demo_content import (
    EVENT_TIME_ZONE,
    FALL_EVENTS,
    INTERNAL_VENUE,
    OPEN_SOURCE_URL,
    PATENT_TITLE,
    PRODUCTION_TITLES,
    TEAM_VENUES,
    TODAY,
    TOP_TIER_VENUES,
    TUTORIAL_VENUES,
)
from ..models import (
    Cohort,
    CohortEvent,
    EventKind,
    Internship,
    InternshipStatus,
    Outcome,
    OutcomeAuthor,
    OutcomeKind,
    OutcomeStep,
    Team,
    User,
)
from ..models import OutcomeStatus as S

# The road each kind travels, and the days between one step and the next (low, high).
ROADS: dict[OutcomeKind, tuple[tuple[S, tuple[int, int] | int], ...]] = {
    OutcomeKind.PAPER: ((S.DRAFT, 0), (S.SUBMITTED, (7, 25)), (S.ACCEPTED, (30, 50)),
                        (S.PUBLISHED, (18, 35))),
    OutcomeKind.PRODUCTION: ((S.PROTOTYPE, 0), (S.TOWARD_PRODUCTION, (20, 40)),
                             (S.IN_PRODUCTION, (25, 45))),
    OutcomeKind.TUTORIAL: ((S.PROPOSED, 0), (S.ACCEPTED, (30, 45))),
    OutcomeKind.PATENT: ((S.FILED, 0),),
    OutcomeKind.OPEN_SOURCE: ((S.RELEASED, 0),),
}
PAPER_TARGETS = (S.DRAFT, S.SUBMITTED, S.SUBMITTED, S.ACCEPTED, S.ACCEPTED, S.PUBLISHED,
                 S.PUBLISHED, S.PUBLISHED)
PRODUCTION_TARGETS = (S.PROTOTYPE, S.TOWARD_PRODUCTION, S.TOWARD_PRODUCTION, S.IN_PRODUCTION)
PAPER_SHARE = 0.6
PRODUCTION_SHARE = 0.4
REJECTED_PAPERS = 2


def _title(internship: Internship) -> str:
    """The project title of a demo internship (every one the demo builds has a project)."""
    if internship.project is None:
        raise ValueError(f"demo internship {internship.id} has no project")
    return internship.project.title


class OutcomeMaker:
    """Records what projects produced, as their interns and mentors would have."""

    def __init__(self, rng: random.Random, mentor_of: dict[Internship, User]):
        self.rng = rng
        self.mentor_of = mentor_of
        self.rows: list[object] = []

    def outcome(self, internship: Internship, kind: OutcomeKind, target: S, first: date,
                title: str, venue: str | None = None, url: str | None = None,
                internal: bool = False, top_tier: bool = False) -> Outcome:
        """Walk the kind's road from the first date towards the target, stopping at today."""
        intern, mentor = internship.intern, self.mentor_of[internship]
        steps: list[OutcomeStep] = []
        day = first
        stop = S.SUBMITTED if target is S.REJECTED else target
        for status, gap in ROADS[kind]:
            if isinstance(gap, tuple):
                day += timedelta(days=self.rng.randint(*gap))
            if day > TODAY:
                break
            steps.append(self.step(status, day, intern))
            if status is stop:
                break
        if target is S.REJECTED and steps[-1].status is S.SUBMITTED:
            day += timedelta(days=self.rng.randint(30, 50))
            steps.append(self.step(S.REJECTED, min(day, TODAY), mentor))
        outcome = Outcome(
            project=internship.project, kind=kind, status=steps[-1].status,
            status_date=steps[-1].occurred_on, title=title, venue=venue, url=url,
            top_tier=top_tier, internal=internal, recorded_by_id=intern.id,
            created_at=steps[0].recorded_at, updated_at=steps[-1].recorded_at, steps=steps,
        )
        if kind in (OutcomeKind.PAPER, OutcomeKind.TUTORIAL):
            people = [intern, mentor]
            outcome.authors = [OutcomeAuthor(position=n, user=p, name=p.name)
                               for n, p in enumerate(people, start=1)]
            outcome.authors.append(OutcomeAuthor(position=3, user=internship.manager,
                                                 name=internship.manager.name))
        self.rows.append(outcome)
        return outcome

    def step(self, status: S, day: date, by: User) -> OutcomeStep:
        """Record one dated step, entered the evening it happened."""
        return OutcomeStep(status=status, occurred_on=day, recorded_by_id=by.id,
                           recorded_at=datetime.combine(day, time(self.rng.randint(16, 23)), UTC))

    def summer(self, internships: list[Internship]) -> None:
        """Papers for about 60%, production work for about 40%, and a few of the rarer kinds."""
        done = [i for i in internships if i.status is InternshipStatus.COMPLETED]
        papers = self.rng.sample(done, round(len(done) * PAPER_SHARE))
        rejected = set(self.rng.sample(range(len(papers)), REJECTED_PAPERS))
        for n, internship in enumerate(papers):
            venue = self.rng.choice(TEAM_VENUES[internship.team.name])
            internal = n == len(papers) - 1
            target = S.REJECTED if n in rejected else self.rng.choice(PAPER_TARGETS)
            if internship.end_date.year < TODAY.year and target is not S.REJECTED:
                target = S.PUBLISHED  # last year's papers have long been decided
            if internal:
                venue, target = INTERNAL_VENUE, S.PUBLISHED
            first = internship.end_date - timedelta(days=self.rng.randint(0, 20))
            self.outcome(internship, OutcomeKind.PAPER, target, first,
                         _title(internship), venue if internal else f"{venue} {first.year}",
                         internal=internal, top_tier=venue in TOP_TIER_VENUES)
        production = self.rng.sample(done, round(len(done) * PRODUCTION_SHARE))
        for internship in production:
            title = self.rng.choice(PRODUCTION_TITLES).format(title=_title(internship))
            first = internship.end_date - timedelta(days=self.rng.randint(5, 30))
            self.outcome(internship, OutcomeKind.PRODUCTION,
                         self.rng.choice(PRODUCTION_TARGETS), first, title)
        extras = self.rng.sample(done, 4)
        for venue, internship in zip(TUTORIAL_VENUES, extras, strict=False):
            self.outcome(internship, OutcomeKind.TUTORIAL, S.ACCEPTED,
                         internship.end_date + timedelta(days=self.rng.randint(10, 25)),
                         f"Tutorial: {_title(internship)}", venue)
        patent, release = extras[2], extras[3]
        self.outcome(patent, OutcomeKind.PATENT, S.FILED, patent.end_date + timedelta(days=40),
                     PATENT_TITLE.format(title=_title(patent).lower()))
        slug = "-".join(_title(release).lower().split()[:4])
        self.outcome(release, OutcomeKind.OPEN_SOURCE, S.RELEASED,
                     release.end_date + timedelta(days=21),
                     f"Code and data for “{_title(release)}”",
                     url=OPEN_SOURCE_URL.format(slug="".join(c for c in slug if c.isalnum()
                                                             or c == "-")))

    def fall(self, internships: list[Internship]) -> None:
        """A few early outcomes of Fall projects: paper drafts and prototypes."""
        active = [i for i in internships if i.status is InternshipStatus.ACTIVE]
        for n, internship in enumerate(self.rng.sample(active, 6)):
            first = TODAY - timedelta(days=self.rng.randint(3, 30))
            if n % 2:
                self.outcome(internship, OutcomeKind.PRODUCTION, S.PROTOTYPE, first,
                             self.rng.choice(PRODUCTION_TITLES).format(
                                 title=_title(internship)))
            else:
                venue = TEAM_VENUES[internship.team.name][0]
                self.outcome(internship, OutcomeKind.PAPER, S.DRAFT, first,
                             _title(internship), f"{venue} 2027",
                             top_tier=venue in TOP_TIER_VENUES)


def make_outcomes(rng: random.Random, summer: list[Internship], fall: list[Internship],
                  mentor_of: dict[Internship, User]) -> list[object]:
    """Return the outcomes of Summer projects and a few early ones of Fall projects."""
    maker = OutcomeMaker(rng, mentor_of)
    maker.summer(summer)
    maker.fall(fall)
    return maker.rows


def make_events(cohort: Cohort, teams: dict[str, Team], lead: User) -> list[CohortEvent]:
    """Return the Fall cohort's calendar: talks, a fireside chat, networking, one cancelled."""
    zone = ZoneInfo(EVENT_TIME_ZONE)
    events = []
    for n, spec in enumerate(FALL_EVENTS, start=1):
        starts = datetime.combine(spec.day, time(spec.hour), zone).astimezone(UTC)
        created = datetime.combine(cohort.start_date - timedelta(days=5), time(18), UTC)
        event = CohortEvent(
            cohort=cohort, kind=EventKind(spec.kind), title=spec.title,
            description=spec.description, starts_at=starts,
            ends_at=starts + timedelta(minutes=spec.minutes), time_zone=EVENT_TIME_ZONE,
            video_url=f"https://meet.example.com/fall-2026-{n}",
            team=teams[spec.team] if spec.team else None, created_by_id=lead.id,
            created_at=created, updated_at=created,
        )
        if spec.cancelled:
            event.cancelled_at = starts - timedelta(days=3)
            event.sequence = 1
            event.updated_at = event.cancelled_at
        events.append(event)
    return events
