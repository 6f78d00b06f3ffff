"""Snapshots of a plan per version, and a readable diff between two of them."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from ..models import LaunchPlan, VenueTier

TIER_LABELS = {
    VenueTier.TOP_TIER.value: "a top-tier venue",
    VenueTier.ANY.value: "any peer-reviewed venue",
    VenueTier.INTERNAL.value: "an internal conference",
}


def plan_snapshot(plan: LaunchPlan) -> dict[str, Any]:
    """The plan's content as JSON: title, goals and milestones."""
    return {
        "project_title": plan.project_title,
        "goal_paper": bool(plan.goal_paper),
        "paper_venue": plan.paper_venue or "",
        "venue_tier": plan.venue_tier.value if plan.venue_tier else "",
        "goal_production": bool(plan.goal_production),
        "milestones": [
            {"week": m.week, "title": m.title, "description": m.description or "",
             "due_date": m.due_date.isoformat()}
            for m in sorted(plan.milestones, key=lambda m: (m.due_date, m.week, m.title))
        ],
    }


def paper_goal_text(goal_paper: bool, venue: str | None, tier: str | None) -> str:
    """Say the paper goal in words, e.g. "A paper at NeurIPS (a top-tier venue)"."""
    if not goal_paper:
        return ""
    tier_text = TIER_LABELS.get(tier or "", "")
    if venue and tier_text:
        return f"A paper at {venue} ({tier_text})"
    return f"A paper at {venue or tier_text or 'a venue to be named'}"


def _lines(snapshot: dict[str, Any]) -> list[str]:
    lines = [f"Project: {snapshot['project_title']}"]
    paper = paper_goal_text(snapshot["goal_paper"], snapshot["paper_venue"], snapshot["venue_tier"])
    if paper:
        lines.append(f"Goal: {paper}")
    if snapshot["goal_production"]:
        lines.append("Goal: Work moving into production")
    for m in snapshot["milestones"]:
        text = f"Week {m['week']} (due {m['due_date']}): {m['title']}"
        lines.append(f"{text} — {m['description']}" if m["description"] else text)
    return lines


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added" or "removed"
    text: str


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[DiffLine]:
    """Line-by-line changes from one snapshot to the next, in reading order."""
    kinds = {" ": "same", "+": "added", "-": "removed"}
    return [
        DiffLine(kinds[line[0]], line[2:])
        for line in difflib.ndiff(_lines(old), _lines(new))
        if line[0] in kinds
    ]
