"""Reports pages: the outcome report, its drill-downs and its CSV downloads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_login import current_user

from ..authz import allow
from ..models import Role
from . import charts, tables
from .forms import SliceForm
from .projects import DRILL_METRICS, iter_projects, projects_page
from .service import Report, Scope, authorize_team, build_report, scope_for

bp = Blueprint("reports", __name__)

VIEWERS = (Role.PROGRAM_LEAD, Role.ADMIN, Role.MANAGER)
CSV_TABLES = ("summary", "years", "teams", "mentors", "projects")


def _slice_form() -> tuple[SliceForm, Scope]:
    scope = scope_for(current_user)
    authorize_team(scope, request.args.get("team_id", type=int))
    form = SliceForm(formdata=request.args)
    form.fill_choices(scope)
    form.validate()
    return form, scope


def _metric() -> str:
    metric = request.args.get("metric", "projects")
    if metric not in DRILL_METRICS:
        abort(404, description=f"There is no report figure called {metric!r}.")
    return metric


@bp.route("/")
@allow(*VIEWERS)
def index():
    form, scope = _slice_form()
    if form.errors:
        return render_template("reports/index.html", form=form, report=None, scope=scope), 422
    report = build_report(form.slice(), scope)
    return render_template(
        "reports/index.html", form=form, report=report, scope=scope, tables=tables,
        trend=charts.trend_by_year(report.years),
        comparison=charts.comparison_across_teams(report.teams),
    )


@bp.route("/projects")
@allow(*VIEWERS)
def projects():
    form, scope = _slice_form()
    metric = _metric()
    if form.errors:
        return render_template("reports/projects.html", form=form, rows=[], total=0,
                               metric=metric, page=1, pages=1, metrics=DRILL_METRICS), 422
    page = max(request.args.get("page", 1, type=int), 1)
    rows, total = projects_page(form.slice(), scope, metric, page)
    return render_template(
        "reports/projects.html", form=form, rows=rows, total=total, metric=metric,
        page=page, pages=max((total + 49) // 50, 1), metrics=DRILL_METRICS,
        slice=form.slice(),
    )


def _csv(lines: Iterator[str], name: str) -> Response:
    filename = f"{name}-{date.today().isoformat()}.csv"
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _table_lines(table: str, report: Report) -> Iterator[str]:
    if table == "years":
        return tables.groups_csv(report.years, "year")
    if table == "teams":
        return tables.groups_csv(report.teams, "team")
    if table == "mentors":
        return tables.mentor_load_csv(report)
    return tables.summary_csv(report)


@bp.route("/export.csv")
@allow(*VIEWERS)
def export():
    table = request.args.get("table", "summary")
    if table not in CSV_TABLES:
        abort(404, description=f"There is no report table called {table!r}.")
    form, scope = _slice_form()
    if form.errors:
        abort(400, description="; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    if table == "projects":
        rows = iter_projects(form.slice(), scope, _metric())
        return _csv(tables.projects_csv(rows), f"projects-{_metric()}")
    return _csv(_table_lines(table, build_report(form.slice(), scope)), f"report-{table}")
