"""Forms for plan templates, launch plans, milestones and acknowledging."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..models import VenueTier

MILESTONES_HELP = ('One per line: "Week N: title, description" (the title ends at the first '
                   "comma). Due dates follow from each intern's own start date.")


def _tier_choices() -> list[tuple[str, str]]:
    return [("", "No tier"), (VenueTier.TOP_TIER.value, "Top-tier venue"),
            (VenueTier.ANY.value, "Any peer-reviewed venue"),
            (VenueTier.INTERNAL.value, "Internal conference")]


def _tier(value: str | None) -> VenueTier | None:
    return VenueTier(value) if value else None


class GoalsForm(FlaskForm):
    goal_paper = BooleanField("A paper")
    paper_venue = StringField("Venue", validators=[Optional(), Length(max=200)],
                              description="A named venue (e.g. NeurIPS), or pick a tier.")
    venue_tier = SelectField("Venue tier", choices=_tier_choices, coerce=_tier,
                             validate_choice=False)
    goal_production = BooleanField("Work moving into production")
    milestones = TextAreaField("Milestones", validators=[Length(max=20000)],
                               description=MILESTONES_HELP, render_kw={"rows": 8})


class TemplateForm(GoalsForm):
    name = StringField("Template name", validators=[DataRequired(), Length(max=160)])
    focus_area_id = SelectField("Focus area", coerce=int, validate_choice=False)


class PlanForm(GoalsForm):
    project_title = StringField("Project title", validators=[DataRequired(), Length(max=300)])


class NewPlanForm(FlaskForm):
    template_id = SelectField("Template", coerce=int, validate_choice=False)
    project_title = StringField("Project title", validators=[Length(max=300)],
                                description="Leave empty to use the project's present title.")


class DoneForm(FlaskForm):
    note = TextAreaField("Note", validators=[Length(max=2000)], render_kw={"rows": 2})
