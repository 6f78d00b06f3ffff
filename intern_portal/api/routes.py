"""The JSON API, authenticated by bearer tokens."""

from typing import Any

from flask import Blueprint
from flask_login import current_user
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from ..authz import PUBLIC, SIGNED_IN, allow
from ..extensions import db
from ..models import Cohort, Role
from . import auth

bp = Blueprint("api", __name__)
bp.record_once(auth.answer_401_without_redirect)
bp.before_request(auth.sign_in_from_token)
bp.after_request(auth.add_challenge)


@bp.get("/health")
@allow(PUBLIC)
def health() -> tuple[dict[str, str], int]:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "error", "database": "error"}, 503
    return {"status": "ok", "database": "ok"}, 200


@bp.get("/me")
@allow(SIGNED_IN)
def me() -> dict[str, Any]:
    return {
        "id": current_user.id,
        "email": current_user.email,
        "name": current_user.name,
        "time_zone": current_user.time_zone,
        "roles": sorted(r.value for r in current_user.role_set),
    }


@bp.get("/cohorts")
@allow(Role.ADMIN, Role.PROGRAM_LEAD, Role.MANAGER)
def cohorts() -> dict[str, list[dict[str, Any]]]:
    rows = db.session.scalars(select(Cohort).order_by(Cohort.start_date, Cohort.id))
    return {"cohorts": [_cohort(c) for c in rows]}


def _cohort(cohort: Cohort) -> dict[str, Any]:
    return {
        "id": cohort.id,
        "name": cohort.name,
        "term": cohort.term.value,
        "year": cohort.year,
        "start_date": cohort.start_date.isoformat(),
        "end_date": cohort.end_date.isoformat(),
        "virtual": cohort.virtual,
    }
