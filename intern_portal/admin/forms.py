"""Forms for people, orgs, teams and the audit-log filter."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..auth.service import MIN_PASSWORD_LENGTH
from ..models import Role
from ..timeutil import time_zone_choices


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as checkboxes; the field macro renders it as a fieldset."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()



def _role_choices() -> list[tuple[str, str]]:
    return [(r.value, r.label) for r in Role]


class UserForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    roles = MultiCheckboxField("Roles", choices=_role_choices)
    # The service checks the zone, so a bad one gets a clear message, not "Not a valid choice".
    time_zone = SelectField("Time zone", validators=[DataRequired()], choices=time_zone_choices,
                            validate_choice=False)
    password = PasswordField(
        "Initial password",
        validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
        description=f"Optional; at least {MIN_PASSWORD_LENGTH} characters. "
        "Without one the person can't sign in yet.",
    )


class UserEditForm(UserForm):
    password = None
    active = BooleanField("Active (may sign in)")
    new_password = PasswordField(
        "New password",
        validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
        description="Leave empty to keep the present password.",
    )


class PeopleFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField("Name or email", validators=[Optional(), Length(max=120)])
    role = SelectField("Role", choices=lambda: [("", "Any role"), *_role_choices()],
                       validate_choice=False)


class OrgForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])


class TeamForm(FlaskForm):
    org_id = SelectField("Org", coerce=int, validators=[DataRequired()])
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    manager_id = SelectField("Manager", coerce=int,
                             description="People who hold the manager role.")
    location = StringField("Location", validators=[DataRequired(), Length(max=120)],
                           description="City or site, e.g. Seattle or Bengaluru.")
    time_zone = SelectField("Time zone", validators=[DataRequired()], choices=time_zone_choices,
                            validate_choice=False)
    focus_areas = TextAreaField(
        "Focus areas",
        validators=[Length(max=20000)],
        description="One per line. Removing an area a project uses retires it: "
        "its projects keep it, new projects can't pick it.",
        render_kw={"rows": 6},
    )


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    entity_type = SelectField("Entity", validate_choice=False)
    actor = SearchField("Actor email", validators=[Optional(), Length(max=254)])
