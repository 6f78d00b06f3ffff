"""Bulk import of 8,000 intern rows into an empty database, then re-imports.

Runs the same job code an upload runs (check every row, then write all in one transaction).
SQLite by default; set BENCH_DATABASE_URL to a PostgreSQL URL for that figure.
"""

from __future__ import annotations

import time
from datetime import date

from intern_portal.extensions import db
from intern_portal.imports import service
from intern_portal.models import (
    Cohort,
    ImportKind,
    ImportStatus,
    Org,
    Role,
    Team,
    Term,
    User,
    UserRole,
)

from .support import bench_app

ROWS = 8000
TEAMS = 40
ZONES = ("America/Los_Angeles", "America/New_York", "Asia/Kolkata", "Europe/Berlin")
HEADER = ("email,name,university,degree_program,research_area,org,team,cohort,manager_email,"
          "location,time_zone,start,end")


def _program() -> None:
    """Add the orgs, teams, managers and cohort the rows name."""
    org = Org(name="Alexa AI")
    db.session.add(org)
    for t in range(TEAMS):
        manager = User(email=f"manager{t}@example.com", name=f"Manager {t}", time_zone="UTC",
                       roles=[UserRole(role=Role.MANAGER)])
        db.session.add(Team(org=org, name=f"Team {t}", manager=manager, location="Seattle",
                            time_zone="America/Los_Angeles"))
    db.session.add(Cohort(term=Term.SUMMER, year=2026, start_date=date(2026, 6, 1),
                          end_date=date(2026, 8, 28)))
    db.session.commit()


def _csv(rows: int, renamed: int = 0) -> str:
    lines = [HEADER]
    for n in range(rows):
        t = n % TEAMS
        name = f"Intern {n}" + (" (renamed)" if n < renamed else "")
        lines.append(f"intern{n}@uni.example.edu,{name},University {n % 97},PhD,"
                     f"knowledge graphs {n % 13},Alexa AI,Team {t},Summer 2026,"
                     f"manager{t}@example.com,Remote,{ZONES[n % 4]},,")
    return "\n".join(lines) + "\n"


def _timed_import(content: str) -> tuple[float, tuple[int, int, int]]:
    job = service.create_job(ImportKind.INTERNS, "interns.csv", content, None)
    started = time.perf_counter()
    assert service.run_queued() == 1
    elapsed = time.perf_counter() - started
    db.session.refresh(job)
    assert job.status is ImportStatus.DONE, job.errors[:3]
    return elapsed, (job.created_count, job.updated_count, job.unchanged_count)


def run() -> None:
    with bench_app() as app:
        print(f"   database: {app.config['SQLALCHEMY_DATABASE_URI'].split(':', 1)[0]}")
        _program()
        content = _csv(ROWS)
        seconds, counts = _timed_import(content)
        print(f"   import of {ROWS:,} intern rows into an empty database: {seconds:.2f} s "
              f"(new/changed/unchanged {counts})")
        seconds, counts = _timed_import(content)
        print(f"   re-import of the same file: {seconds:.2f} s (new/changed/unchanged {counts})")
        seconds, counts = _timed_import(_csv(ROWS, renamed=500))
        print(f"   import with 500 rows changed: {seconds:.2f} s "
              f"(new/changed/unchanged {counts})")
