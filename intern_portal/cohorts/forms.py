"""The cohort form."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange

from ..models import Term
from .service import YEARS


def _term_choices() -> list[tuple[str, str]]:
    return [(t.value, t.value.capitalize()) for t in Term]


class CohortForm(FlaskForm):
    term = SelectField("Term", coerce=Term, choices=_term_choices)
    year = IntegerField("Year", validators=[InputRequired(), NumberRange(*YEARS)])
    start_date = DateField("Starts on", validators=[InputRequired()])
    end_date = DateField("Ends on", validators=[InputRequired()],
                         description="Internships take these dates unless set otherwise.")
    virtual = BooleanField("Virtual cohort (everyone works remotely)")
