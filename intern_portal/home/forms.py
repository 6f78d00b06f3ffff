"""A person's own profile."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..timeutil import time_zone_choices


class ProfileForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    time_zone = SelectField(
        "Time zone",
        validators=[DataRequired()],
        description="Dates and times everywhere in the portal are shown in this zone.",
    )
    digest_opt_out = BooleanField("Don't send me the weekly digest email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = time_zone_choices()
