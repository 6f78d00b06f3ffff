"""Reminder timings a program lead can change, kept as one program setting."""

from __future__ import annotations

from dataclasses import dataclass

from .. import settings

KEY = "reminders"


@dataclass(frozen=True)
class ReminderTimings:
    """When each kind of reminder goes out; hours are in the recipient's own time zone."""

    send_hour: int = 9
    lunch_day_before_hour: int = 17
    lunch_minutes_before: int = 15
    plan_days_before_start: int = 3
    plan_ack_days: int = 2
    milestone_days_before: int = 2
    milestone_overdue_days: int = 1
    digest_weekday: int = 0
    digest_hour: int = 8
    survey_repeat_days: int = 90
    survey_for_days: int = 365


LIMITS: dict[str, tuple[int, int]] = {
    "send_hour": (0, 23),
    "lunch_day_before_hour": (0, 23),
    "lunch_minutes_before": (5, 120),
    "plan_days_before_start": (1, 30),
    "plan_ack_days": (1, 30),
    "milestone_days_before": (1, 14),
    "milestone_overdue_days": (1, 14),
    "digest_weekday": (0, 6),
    "digest_hour": (0, 23),
    "survey_repeat_days": (30, 365),
    "survey_for_days": (0, 730),
}


def load_timings() -> ReminderTimings:
    """The saved timings, with defaults for anything never set."""
    return settings.load(KEY, ReminderTimings)


def save_timings(timings: ReminderTimings, actor_id: int | None) -> ReminderTimings:
    """Store new timings (each within its limits) and log the change."""
    for name, (low, high) in LIMITS.items():
        value = getattr(timings, name)
        if not low <= value <= high:
            raise ValueError(f"{name} must be from {low} to {high}.")
    settings.save(KEY, timings, actor_id=actor_id, summary="Changed reminder timings")
    return timings
