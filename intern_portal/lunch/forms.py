"""Lunch-date forms: offering slots, booking filters, cancelling, moving, settings."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
    widgets,
)
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional

from ..timeutil import time_zone_choices
from .offer import MAX_SEATS, WEEKDAY_NAMES

HOURS = [("", "Any time")] + [(str(h), f"{h:02d}:00") for h in range(24)]


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()



class _SlotFields(FlaskForm):
    seats = IntegerField("Seats", default=1,
                         validators=[InputRequired(), NumberRange(1, MAX_SEATS)],
                         description="More than one makes a group lunch.")
    video_url = URLField("Video-meeting link", validators=[DataRequired(), URL(), Length(max=500)])
    topic = StringField("Topic (optional)", validators=[Optional(), Length(max=200)])


class WindowForm(_SlotFields):
    weekdays = MultiCheckboxField("Weekdays", coerce=int,
                                  choices=lambda: list(enumerate(WEEKDAY_NAMES)),
                                  validators=[DataRequired(message="Pick at least one weekday.")])
    start_time = TimeField("From", validators=[InputRequired()])
    end_time = TimeField("Until", validators=[InputRequired()])
    time_zone = SelectField("Time zone", validators=[DataRequired()])
    cohort_id = SelectField("Cohort", coerce=lambda v: int(v) if v else None,
                            description="Leave the dates empty to use the cohort's dates.")
    valid_from = DateField("First date", validators=[Optional()])
    valid_until = DateField("Last date", validators=[Optional()])
    slot_minutes = IntegerField("Minutes each", default=30,
                                validators=[InputRequired(), NumberRange(10, 240)])

    def __init__(self, *args, cohorts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = time_zone_choices()
        self.cohort_id.choices = [("", "No cohort")] + [(c.id, c.name) for c in cohorts]


class SlotForm(_SlotFields):
    day = DateField("Date", validators=[InputRequired()])
    start_time = TimeField("Starts at", validators=[InputRequired()])
    minutes = IntegerField("Minutes", default=30,
                           validators=[InputRequired(), NumberRange(10, 240)])
    time_zone = SelectField("Time zone", validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = time_zone_choices()


class BlockDateForm(FlaskForm):
    day = DateField("Date to block", validators=[InputRequired()])


class HostCapForm(FlaskForm):
    cap = IntegerField("Most lunch dates I host per week", validators=[Optional(),
                                                                       NumberRange(0, 100)],
                       description="Leave empty for no cap.")


class CancelForm(FlaskForm):
    reason = TextAreaField("Why are you cancelling?",
                           validators=[DataRequired(message="Say why; the other side reads it."),
                                       Length(max=1000)])


class RescheduleForm(FlaskForm):
    slot_id = SelectField("New time", coerce=int, validate_choice=False,
                          validators=[InputRequired(message="Pick a new time.")])


class FilterForm(FlaskForm):
    """The slot browser's filters, read from the query string."""

    class Meta:
        csrf = False

    scientist = StringField("Scientist", validators=[Optional(), Length(max=120)])
    scientist_id = IntegerField(validators=[Optional()], widget=widgets.HiddenInput())
    org_id = IntegerField("Org", validators=[Optional()])
    team_id = IntegerField("Team", validators=[Optional()])
    area = StringField("Research area", validators=[Optional(), Length(max=120)])
    day = DateField("Date", validators=[Optional()])
    hour_from = SelectField("From (your time)", choices=lambda: HOURS,
                            coerce=lambda v: int(v) if v not in (None, "") else None)
    hour_to = SelectField("Until (your time)", choices=lambda: HOURS,
                          coerce=lambda v: int(v) if v not in (None, "") else None)
    not_met = BooleanField("Only scientists I have not met yet")


class RulesForm(FlaskForm):
    intern_weekly_cap = IntegerField("Lunch dates per intern per week",
                                     validators=[InputRequired(), NumberRange(1, 50)])
    lead_time_hours = IntegerField("Book at least this many hours ahead",
                                   validators=[InputRequired(), NumberRange(0, 336)])
    goal_scientists = IntegerField("Goal: distinct scientists each intern meets",
                                   validators=[InputRequired(), NumberRange(1, 200)])
    working_hours_start = IntegerField("Working hours start (hour, intern's time)",
                                       validators=[InputRequired(), NumberRange(0, 23)])
    working_hours_end = IntegerField("Working hours end (hour, intern's time)",
                                     validators=[InputRequired(), NumberRange(1, 24)])
