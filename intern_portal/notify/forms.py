"""The reminder timings form."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange

from .settings import LIMITS

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _number(label: str, name: str, description: str = "") -> IntegerField:
    low, high = LIMITS[name]
    return IntegerField(label, validators=[InputRequired(), NumberRange(low, high)],
                        description=description or f"From {low} to {high}.")


class TimingsForm(FlaskForm):
    send_hour = _number("Hour for day-based reminders", "send_hour",
                        "Local hour (0–23) in each recipient's own time zone.")
    lunch_day_before_hour = _number("Lunch date tomorrow: hour the evening before",
                                    "lunch_day_before_hour")
    lunch_minutes_before = _number("Lunch date starting soon: minutes before",
                                   "lunch_minutes_before")
    plan_days_before_start = _number("Plan not ready: days before the intern starts",
                                     "plan_days_before_start")
    plan_ack_days = _number("Plan not acknowledged: days after delivery", "plan_ack_days")
    milestone_days_before = _number("Milestone due: days before", "milestone_days_before")
    milestone_overdue_days = _number("Milestone overdue: days after", "milestone_overdue_days")
    digest_weekday = SelectField("Mentor digest: day", coerce=int,
                                 choices=lambda: list(enumerate(WEEKDAYS)))
    digest_hour = _number("Mentor digest: hour", "digest_hour")
    survey_repeat_days = _number("Outcome survey: repeat every (days)", "survey_repeat_days")
    survey_for_days = _number("Outcome survey: keep asking for (days after the end)",
                              "survey_for_days")
