"""The program's lunch-date rules: weekly cap, lead time, goal and working hours."""

from __future__ import annotations

from dataclasses import dataclass

from .. import settings
from ..kernel import Refusal

KEY = "lunch"


@dataclass(frozen=True)
class LunchRules:
    """Program settings for lunch dates, with the defaults used until a lead changes them."""

    intern_weekly_cap: int = 3
    lead_time_hours: int = 12
    goal_scientists: int = 8
    working_hours_start: int = 9
    working_hours_end: int = 18


def rules() -> LunchRules:
    """Read the lunch settings in one query, falling back to the defaults."""
    return settings.load(KEY, LunchRules)


class SettingsError(Refusal):
    """The settings were refused; field names the form field at fault."""


def save_rules(new: LunchRules, *, actor_id: int | None) -> LunchRules:
    """Store the lunch settings a program lead chose."""
    if new.working_hours_end <= new.working_hours_start:
        raise SettingsError("Working hours must end after they start.", "working_hours_end")
    settings.save(KEY, new, actor_id=actor_id, summary="Changed the lunch-date settings")
    return new
