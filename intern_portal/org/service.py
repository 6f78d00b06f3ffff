"""Creating and changing orgs, teams and their focus areas."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from .. import audit
from ..extensions import db
from ..kernel import Refusal, finish
from ..models import (
    CURRENT_STATUSES,
    FocusArea,
    Internship,
    Org,
    Project,
    Role,
    Team,
    User,
)
from ..timeutil import is_time_zone

FOCUS_AREA_MAX = 160


class OrgError(Refusal):
    """A change to an org or team was refused; field names the form field at fault."""


@dataclass(frozen=True)
class TeamCounts:
    current: int = 0
    total: int = 0


def list_orgs() -> list[Org]:
    """Load every org with its teams, managers and focus areas in a fixed number of queries."""
    return list(
        db.session.scalars(
            select(Org)
            .options(
                selectinload(Org.teams).options(
                    joinedload(Team.manager).lazyload(User.roles),
                    selectinload(Team.focus_areas),
                )
            )
            .order_by(func.lower(Org.name))
        )
    )


def team_counts() -> dict[int, TeamCounts]:
    """Count internships per team: current (offered or active) and all time."""
    rows = db.session.execute(
        select(
            Internship.team_id,
            func.count().filter(Internship.status.in_(CURRENT_STATUSES)),
            func.count(),
        ).group_by(Internship.team_id)
    )
    return {team_id: TeamCounts(current, total) for team_id, current, total in rows}


def org_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(select(Org.id, Org.name).order_by(func.lower(Org.name)))
    return [(org_id, name) for org_id, name in rows]


def manager_choices(keep_id: int | None = None) -> list[tuple[int, str]]:
    """List active people holding the manager role, plus the team's present manager if given."""
    wanted = and_(User.roles.any(role=Role.MANAGER), User.active.is_(True))
    if keep_id is not None:
        wanted = or_(wanted, User.id == keep_id)
    rows = db.session.execute(
        select(User.id, User.name, User.email).where(wanted).order_by(User.name, User.id)
    )
    return [(user_id, f"{name} ({email})") for user_id, name, email in rows]


def _save(actor_id: int | None, action: str, entity: Any, summary: str,
          before: dict | None, after: dict | None, clash: OrgError) -> None:
    """Write the audit row and end the use case; a unique key lost to a race becomes clash."""
    audit.record(actor_id, action, entity, summary, before, after)
    finish(str(clash), clash.field, kind=OrgError)


def _org_name(name: str, exclude_id: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise OrgError("Give the org a name.", "name")
    clash = db.session.scalar(select(Org.id).where(func.lower(Org.name) == name.lower()))
    if clash is not None and clash != exclude_id:
        raise OrgError(f"There is already an org called {name}.", "name")
    return name


def create_org(*, name: str, actor_id: int | None) -> Org:
    """Create an org with a unique name."""
    org = Org(name=_org_name(name))
    db.session.add(org)
    _save(actor_id, "create", org, f"Created org {org.name}", None, {"name": org.name},
          OrgError(f"There is already an org called {org.name}.", "name"))
    return org


def update_org(org: Org, *, name: str, actor_id: int | None) -> Org:
    """Rename an org."""
    name = _org_name(name, exclude_id=org.id)
    if name == org.name:
        return org
    before = {"name": org.name}
    org.name = name
    _save(actor_id, "update", org, f"Renamed org {before['name']} to {name}", before,
          {"name": name}, OrgError(f"There is already an org called {name}.", "name"))
    return org


def _team_state(team: Team) -> dict[str, Any]:
    areas = team.focus_areas
    return {
        "org": team.org.name,
        "name": team.name,
        "manager": team.manager.email if team.manager else None,
        "location": team.location,
        "time_zone": team.time_zone,
        "focus_areas": sorted(a.name for a in areas if a.active),
        "retired_focus_areas": sorted(a.name for a in areas if not a.active),
    }


def clean_focus_areas(names: Iterable[str]) -> list[str]:
    """Strip and de-duplicate focus-area names (whatever their case), keeping their order."""
    seen: set[str] = set()
    cleaned = []
    for raw in names:
        name = " ".join(raw.split())
        if not name or name.lower() in seen:
            continue
        if len(name) > FOCUS_AREA_MAX:
            raise OrgError(
                f"Keep each focus area under {FOCUS_AREA_MAX} characters: {name[:40]}…",
                "focus_areas",
            )
        seen.add(name.lower())
        cleaned.append(name)
    return cleaned


def _check_team(org_id: int, name: str, manager_id: int | None, time_zone: str,
                team: Team | None) -> tuple[Org, str, User | None]:
    org = db.session.get(Org, org_id)
    if org is None:
        raise OrgError("Pick an org.", "org_id")
    name = name.strip()
    if not name:
        raise OrgError("Give the team a name.", "name")
    clash = db.session.scalar(
        select(Team.id).where(Team.org_id == org_id, func.lower(Team.name) == name.lower())
    )
    if clash is not None and (team is None or clash != team.id):
        raise OrgError(f"{org.name} already has a team called {name}.", "name")
    manager = db.session.get(User, manager_id) if manager_id else None
    unchanged = team is not None and manager_id == team.manager_id
    if manager_id and not unchanged and (
        manager is None or not manager.active or not manager.has_role(Role.MANAGER)
    ):
        raise OrgError("Pick an active person who holds the manager role.", "manager_id")
    if not is_time_zone(time_zone):
        raise OrgError(f"{time_zone!r} is not a time zone.", "time_zone")
    return org, name, manager


def _apply_focus_areas(team: Team, names: list[str]) -> None:
    """Match lines to areas; an area a project uses is retired (inactive), others are deleted."""
    exact = {a.name: a for a in team.focus_areas}
    by_lower: dict[str, FocusArea] = {}
    for area in sorted(team.focus_areas, key=lambda a: a.active):  # active ones win
        by_lower[area.name.lower()] = area
    kept: set[int] = set()
    for name in names:
        found = exact.get(name) or by_lower.get(name.lower())
        if found is None:
            area = FocusArea(name=name, active=True)
            team.focus_areas.append(area)
        else:
            area = found
            area.active, area.name = True, name  # a change of case renames in place
        kept.add(id(area))
    dropped = [a for a in team.focus_areas if id(a) not in kept and a.active]
    saved = [a.id for a in dropped if a.id is not None]
    used = set(
        db.session.scalars(
            select(Project.focus_area_id).where(Project.focus_area_id.in_(saved)).distinct()
        )
    ) if saved else set()
    for area in dropped:
        if area.id in used:
            area.active = False
        else:
            team.focus_areas.remove(area)


def create_team(*, org_id: int, name: str, manager_id: int | None, location: str,
                time_zone: str, focus_areas: Iterable[str], actor_id: int | None) -> Team:
    """Create a team in an org, with its manager, place, time zone and focus areas."""
    org, name, manager = _check_team(org_id, name, manager_id, time_zone, None)
    areas = clean_focus_areas(focus_areas)
    location = location.strip()
    if not location:
        raise OrgError("Say where the team sits.", "location")
    team = Team(org=org, name=name, manager=manager, location=location, time_zone=time_zone,
                focus_areas=[FocusArea(name=n, active=True) for n in areas])
    db.session.add(team)
    after = _team_state(team)
    del after["retired_focus_areas"]  # a new team has none
    _save(actor_id, "create", team, f"Created team {name} in {org.name}", None, after,
          OrgError(f"{org.name} already has a team called {name}.", "name"))
    return team


def update_team(team: Team, *, org_id: int, name: str, manager_id: int | None, location: str,
                time_zone: str, focus_areas: Iterable[str], actor_id: int | None) -> Team:
    """Change a team; unlisted focus areas are deleted, or retired if projects use them."""
    org, name, manager = _check_team(org_id, name, manager_id, time_zone, team)
    areas = clean_focus_areas(focus_areas)
    location = location.strip()
    if not location:
        raise OrgError("Say where the team sits.", "location")
    before = _team_state(team)
    with db.session.no_autoflush:  # nothing reaches the database before the audit row
        team.org, team.name, team.manager = org, name, manager
        team.location, team.time_zone = location, time_zone
        _apply_focus_areas(team, areas)
    old, new = audit.changed(before, _team_state(team))
    if not new:
        return team
    _save(actor_id, "update", team, f"Edited team {name} in {org.name}", old, new,
          OrgError(f"{org.name} already has a team called {name}.", "name"))
    return team
