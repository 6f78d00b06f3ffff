"""Forms for recording an outcome, editing it, and moving its status."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import URL, InputRequired, Length, Optional

from ..models import OutcomeKind, OutcomeStatus

KIND_LABELS = {
    OutcomeKind.PAPER: "Paper",
    OutcomeKind.TUTORIAL: "Tutorial",
    OutcomeKind.PRODUCTION: "Production stage",
    OutcomeKind.PATENT: "Patent",
    OutcomeKind.OPEN_SOURCE: "Open-source release",
}


def status_label(status: OutcomeStatus) -> str:
    return {"toward_production": "Moving toward production"}.get(
        status.value, status.value.replace("_", " ").capitalize()
    )


def _statuses(statuses: tuple[OutcomeStatus, ...] | None = None) -> list[tuple[str, str]]:
    return [(s.value, status_label(s)) for s in (statuses or tuple(OutcomeStatus))]


class _Details(FlaskForm):
    title = StringField("Title", validators=[InputRequired(), Length(max=300)])
    venue = StringField("Venue", validators=[Optional(), Length(max=200)],
                        description="Conference, journal, or internal event.")
    url = StringField("Link", validators=[Optional(), URL(), Length(max=500)])
    top_tier = BooleanField("Top-tier venue")
    internal = BooleanField("Internal conference")
    authors = TextAreaField(
        "Authors", validators=[Optional(), Length(max=4000)],
        description="One per line, in order. Add an email (Ada Lovelace <ada@example.com>) "
                    "to link someone in the portal.",
    )


class OutcomeForm(_Details):
    kind = SelectField("Kind", coerce=OutcomeKind,
                       choices=lambda: [(k.value, label) for k, label in KIND_LABELS.items()])
    status = SelectField("Status", coerce=OutcomeStatus, choices=_statuses)
    status_date = DateField("On", validators=[InputRequired()],
                            description="When it reached this status.")


class EditOutcomeForm(_Details):
    """The details of an outcome; its status moves through StatusForm."""


class StatusForm(FlaskForm):
    status = SelectField("New status", coerce=OutcomeStatus, choices=_statuses)
    occurred_on = DateField("On", validators=[InputRequired()])
    reason = TextAreaField("Reason for the correction", validators=[Optional(), Length(max=2000)],
                           description="Needed only when going back or changing a final status.")

    def limit_to(self, statuses: tuple[OutcomeStatus, ...]) -> None:
        self.status.choices = _statuses(statuses)


def _optional_int(value: str | int | None) -> int | None:
    return None if value in (None, "", "None") else int(value)


class PreviousInternshipForm(FlaskForm):
    previous_internship_id = SelectField("Earlier internship", coerce=_optional_int,
                                         choices=lambda: [("", "None: a first internship")])
