"""The cohort event form."""

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional

from ..models import EventKind
from ..timeutil import time_zone_choices
from .events import KIND_LABELS


def _optional_id(value: str | int | None) -> int | None:
    return int(value) if value not in (None, "", "None") else None


class EventForm(FlaskForm):
    kind = SelectField("Kind", coerce=EventKind,
                       choices=lambda: [(k.value, label) for k, label in KIND_LABELS.items()])
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField("Description", validators=[Length(max=5000)])
    day = DateField("Day", validators=[InputRequired()])
    start = TimeField("Starts at", validators=[InputRequired()])
    end = TimeField("Ends at", validators=[InputRequired()])
    time_zone = SelectField("Time zone", validators=[DataRequired()],
                            description="The day and times above are in this zone; everyone "
                                        "sees them in their own.")
    video_url = StringField("Video link", validators=[Optional(), URL(), Length(max=500)],
                            filters=[lambda v: v.strip() if isinstance(v, str) else v])
    org_id = SelectField("Org", coerce=_optional_id, validate_choice=False,
                         description="Leave empty for the whole cohort.")
    team_id = SelectField("Team", coerce=_optional_id, validate_choice=False,
                          description="Narrows the audience to one team.")

    def __init__(self, *args, orgs=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = time_zone_choices()
        self.org_id.choices = [("", "Whole cohort"), *orgs]
        self.team_id.choices = [("", "Any team"), *teams]
