"""The report's tables, defined once so the page and the CSV downloads show the same values."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from flask import url_for
from markupsafe import Markup, escape

from .projects import PROJECT_COLUMNS
from .service import Figures, Group, Report, Slice


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    kind: str  # count, percent or ratio
    drill: str  # the drill-down listing the projects behind the number


SUMMARY = (
    Metric("internships", "Internships", "count", "projects"),
    Metric("projects", "Projects", "count", "projects"),
    Metric("top_tier", "Projects with a published top-tier paper", "count", "top_tier"),
    Metric("top_tier_share", "Share with a published top-tier paper", "percent", "top_tier"),
    Metric("production", "Projects moving toward or in production", "count", "production"),
    Metric("production_share", "Share moving toward or in production", "percent", "production"),
    Metric("both", "Projects with both", "count", "both"),
    Metric("both_share", "Share with both", "percent", "both"),
    Metric("papers_published", "Papers published", "count", "papers_published"),
    Metric("papers_top_tier", "Papers published at a top-tier venue", "count", "top_tier"),
    Metric("papers_internal", "Papers published at an internal conference", "count",
           "papers_internal"),
    Metric("papers_in_review", "Papers submitted or accepted, not yet published", "count",
           "papers_in_review"),
    Metric("tutorials", "Tutorials accepted", "count", "tutorials"),
    Metric("patents", "Patents filed or granted", "count", "patents"),
    Metric("open_source", "Open-source releases", "count", "open_source"),
    Metric("mentors", "Mentors", "count", "projects"),
    Metric("interns_per_mentor", "Interns per mentor", "ratio", "projects"),
    Metric("lunch_per_intern", "Lunch dates per intern", "ratio", "projects"),
    Metric("scientists_per_intern", "Distinct scientists met per intern", "ratio", "projects"),
    Metric("plans_day_one", "Launch plans delivered on day one", "count", "plans_day_one"),
    Metric("day_one_share", "Share of started internships with the plan on day one", "percent",
           "plans_day_one"),
    Metric("return_interns", "Return interns", "count", "return_interns"),
    Metric("return_share", "Return-intern rate", "percent", "return_interns"),
)

_GROUP_KEYS = (
    "projects", "top_tier", "top_tier_share", "production", "production_share", "both",
    "both_share", "papers_published", "papers_internal", "tutorials", "patents",
    "interns_per_mentor", "lunch_per_intern", "scientists_per_intern", "day_one_share",
    "return_share",
)
GROUP_COLUMNS = tuple(m for key in _GROUP_KEYS for m in SUMMARY if m.key == key)


def value(figures: Figures, metric: Metric) -> str:
    """A figure as text: counts as integers, shares as percent with one decimal."""
    raw = getattr(figures, metric.key)
    if raw is None:
        return ""
    if metric.kind == "percent":
        return f"{raw * 100:.1f}"
    if metric.kind == "ratio":
        return f"{raw:.2f}"
    return str(raw)


def shown(figures: Figures, metric: Metric) -> str:
    """A figure as the page shows it."""
    text = value(figures, metric)
    if not text:
        return "—"
    return f"{text} %" if metric.kind == "percent" else text


@dataclass(frozen=True)
class GroupRow:
    label: str
    cells: Markup  # one <td> per GROUP_COLUMNS, each value linking to the projects behind it


_DRILLS = tuple((m, f'{escape(m.drill)}">') for m in GROUP_COLUMNS)


def _cells(href: Markup, figures: Figures) -> Markup:
    # Built here, not in Jinja: a 200-team table has 3,200 cells, and Jinja's per-cell cost
    # dominated the page's render time. shown() gives formatted numbers or a dash, so the
    # values need no escaping.
    head = f'<td class="text-end"><a href="{href}&amp;metric='
    return Markup("".join([f"{head}{drill}{shown(figures, m)}</a></td>" for m, drill in _DRILLS]))


def group_rows(groups: list[Group], slice_: Slice, param: str) -> list[GroupRow]:
    """Rows of a by-year or by-team table, each linking to the slice narrowed to its key."""
    return [
        GroupRow(g.label, _cells(
            escape(url_for("reports.projects", **slice_.params(**{param: g.key}))), g.figures
        ))
        for g in groups
    ]


def _lines(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def summary_csv(report: Report) -> Iterator[str]:
    rows: list[list[Any]] = [["metric", "label", "value"]]
    rows += [[m.key, m.label, value(report.total, m)] for m in SUMMARY]
    return _lines(rows)


def groups_csv(groups: list[Group], heading: str) -> Iterator[str]:
    rows: list[list[Any]] = [[heading, *(m.key for m in GROUP_COLUMNS)]]
    rows += [[g.label, *(value(g.figures, m) for m in GROUP_COLUMNS)] for g in groups]
    return _lines(rows)


def mentor_load_csv(report: Report) -> Iterator[str]:
    return _lines([["interns", "mentors"], *report.mentor_load])


def projects_csv(projects: Iterable[dict[str, Any]]) -> Iterator[str]:
    header = [list(PROJECT_COLUMNS)]
    return _lines(
        row for rows in (header, ([p[c] for c in PROJECT_COLUMNS] for p in projects))
        for row in rows
    )
