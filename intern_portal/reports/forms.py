"""The slice chooser: a GET form whose choices depend on what the viewer may see."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from sqlalchemy import distinct, select
from wtforms import Field, SelectField
from wtforms.widgets import Select, html_params

from ..extensions import db
from ..models import Cohort, FocusArea, Org, Team
from .service import Scope, Slice


def _optional_int(value: str | int | None) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


class _QuickSelect(Select):
    """The stock select, rendered in one pass over (value, label) choices.

    The team and focus-area lists run to hundreds of options, and WTForms' per-option
    normalising and attribute building cost several milliseconds a page. Same markup.
    """

    def __call__(self, field: Field, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        flags = field.flags
        for k in self.validation_attrs:
            if k not in kwargs and getattr(flags, k, False):
                kwargs[k] = getattr(flags, k)
        coerce, data = field.coerce, field.data
        options = "".join(
            f'<option {"selected " if coerce(value) == data else ""}value="{escape(value)}">'
            f"{escape(label or value)}</option>"
            for value, label in field.choices or ()
        )
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{options}</select>")


_SELECT = _QuickSelect()


class SliceForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    org_id = SelectField("Org", coerce=_optional_int, widget=_SELECT)
    team_id = SelectField("Team", coerce=_optional_int, widget=_SELECT)
    cohort_id = SelectField("Cohort", coerce=_optional_int, widget=_SELECT)
    year = SelectField("Year", coerce=_optional_int, widget=_SELECT)
    focus_area_id = SelectField("Focus area", coerce=_optional_int, widget=_SELECT)

    def fill_choices(self, scope: Scope) -> None:
        """Offer only the orgs, teams and focus areas the viewer may report on."""
        teams = select(Team.id, Team.name, Org.name).join(Org).order_by(Org.name, Team.name)
        areas = (
            select(FocusArea.id, FocusArea.name, Team.name)
            .join(Team, Team.id == FocusArea.team_id)
            .order_by(Team.name, FocusArea.name)
        )
        orgs = select(Org.id, Org.name).order_by(Org.name)
        if scope.team_ids is not None:
            ids = sorted(scope.team_ids)
            teams = teams.where(Team.id.in_(ids))
            areas = areas.where(FocusArea.team_id.in_(ids))
            orgs = orgs.where(Org.id.in_(select(Team.org_id).where(Team.id.in_(ids))))
        self.org_id.choices = [("", "All orgs")] + [(i, n) for i, n in db.session.execute(orgs)]
        self.team_id.choices = [("", "All teams")] + [
            (i, f"{n} · {o}") for i, n, o in db.session.execute(teams)
        ]
        cohorts = db.session.scalars(select(Cohort).order_by(Cohort.start_date.desc()))
        self.cohort_id.choices = [("", "All cohorts")] + [(c.id, c.name) for c in cohorts]
        years = db.session.scalars(select(distinct(Cohort.year)).order_by(Cohort.year.desc()))
        self.year.choices = [("", "All years")] + [(y, str(y)) for y in years]
        self.focus_area_id.choices = [("", "All focus areas")] + [
            (i, f"{n} · {t}") for i, n, t in db.session.execute(areas)
        ]

    def slice(self) -> Slice:
        return Slice(
            org_id=self.org_id.data,
            team_id=self.team_id.data,
            cohort_id=self.cohort_id.data,
            year=self.year.data,
            focus_area_id=self.focus_area_id.data,
        )
