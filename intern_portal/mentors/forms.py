"""Forms for assigning and ending mentors, accepting a proposal, and uploading a CSV."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..models import ImportKind

# The page offers "primary" while the intern has none, and "change" once they have one.
ROLE_CHOICES = [("primary", "Primary mentor"),
                ("change", "New primary mentor (ends the current primary's assignment)"),
                ("additional", "Additional mentor")]


class AssignForm(FlaskForm):
    mentor_email = EmailField("Mentor's email", validators=[DataRequired(), Length(max=254)],
                              description="Pick one from the suggestions below, or type it.")
    role = RadioField("As", choices=lambda: ROLE_CHOICES, default="primary",
                      validators=[DataRequired()])
    reason = StringField("Reason", validators=[DataRequired(message="Say why: the reason goes "
                                                                    "in the audit log."),
                                               Length(max=500)])
    override = BooleanField("Assign over capacity (recorded)")


class EndForm(FlaskForm):
    reason = StringField("Reason for ending", validators=[
        DataRequired(message="Say why the assignment ends."), Length(max=500)])


class ProposalForm(FlaskForm):
    reason = StringField("Reason", default="Cohort mentor proposal, reviewed",
                         validators=[DataRequired(message="Say why: the reason goes in the "
                                                          "audit log."), Length(max=500)])
    override = BooleanField("Allow mentors over capacity (recorded)")


class ImportForm(FlaskForm):
    kind = SelectField("What the file holds",
                       choices=lambda: [(ImportKind.INTERNS.value, "Interns"),
                                        (ImportKind.MENTORS.value, "Mentors")])
    file = FileField("CSV file", validators=[
        FileRequired(message="Choose a CSV file."),
        FileAllowed(["csv"], message="Upload a .csv file."),
    ])
