"""Bulk import of interns and mentors: checks, all-or-nothing, idempotence, progress, export."""

import io
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from intern_portal.extensions import db
from intern_portal.imports import service as imports
from intern_portal.jobs import run_imports, run_once
from intern_portal.models import (
    AuditEntry,
    DegreeProgram,
    ImportJob,
    ImportKind,
    ImportStatus,
    Internship,
    MentorProfile,
    Role,
    User,
    utcnow,
)

from . import factories
from .conftest import make_app
from .workers import JobLoop

INTERN_HEADER = ("email,name,university,degree_program,research_area,org,team,cohort,"
                 "manager_email,location,time_zone,start,end")
MENTOR_HEADER = "email,name,team,expertise,capacity,time_zone"


@pytest.fixture
def program(app):
    """An org, a team, the Summer 2026 cohort, its manager and a program lead."""
    manager = factories.user(Role.MANAGER, email="maya@example.com")
    org = factories.org("Alexa AI")
    team = factories.team(org_=org, manager=manager, name="Product Knowledge Graph")
    cohort = factories.summer_2026()
    lead = factories.user(Role.PROGRAM_LEAD)
    return {"manager": manager, "team": team, "cohort": cohort, "lead": lead}


def intern_row(n: int, **change) -> str:
    values = {
        "email": f"intern{n}@uni.example.edu", "name": f"Intern {n}",
        "university": "IISc Bangalore", "degree_program": "PhD",
        "research_area": "entity linking", "org": "Alexa AI",
        "team": "Product Knowledge Graph", "cohort": "Summer 2026",
        "manager_email": "maya@example.com", "location": "Bengaluru",
        "time_zone": "Asia/Kolkata", "start": "2026-06-01", "end": "2026-08-28",
    }
    values.update(change)
    return ",".join(values[c] for c in INTERN_HEADER.split(","))


def csv_file(*rows: str, header: str = INTERN_HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def upload(client, content: str, kind: str = "interns", name: str = "interns.csv"):
    return client.post("/mentors/import", data={
        "kind": kind, "file": (io.BytesIO(content.encode()), name)},
        content_type="multipart/form-data")


def job_of(response) -> ImportJob:
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    return db.session.get(ImportJob, job_id)


def internship_count() -> int:
    return db.session.scalar(select(func.count(Internship.id)))


def test_import_creates_interns_without_passwords(client, auth, program):
    auth.login_as(program["lead"])
    job = job_of(upload(client, csv_file(intern_row(1), intern_row(2, start="", end=""))))
    assert job.status is ImportStatus.DONE
    assert (job.created_count, job.updated_count, job.unchanged_count) == (2, 0, 0)
    person = db.session.scalar(select(User).where(User.email == "intern1@uni.example.edu"))
    assert person.password_hash is None
    assert person.role_set == {Role.INTERN}
    assert person.time_zone == "Asia/Kolkata"
    internship = db.session.scalar(select(Internship).where(Internship.intern_id == person.id))
    assert internship.team_id == program["team"].id
    assert internship.manager_id == program["manager"].id
    assert internship.degree_program is DegreeProgram.PHD
    page = client.get(f"/mentors/import/{job.id}").get_data(as_text=True)
    assert "<strong>2</strong> new" in page
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "import"))
    assert entry.after["created"] == 2 and entry.actor_id == program["lead"].id


def test_reimporting_the_same_file_changes_nothing(client, auth, program):
    auth.login_as(program["lead"])
    content = csv_file(intern_row(1), intern_row(2))
    job_of(upload(client, content))
    again = job_of(upload(client, content))
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    assert internship_count() == 2
    assert db.session.scalar(select(func.count(User.id)).where(
        User.email.like("%@uni.example.edu"))) == 2


def test_a_changed_row_updates_that_person(client, auth, program):
    auth.login_as(program["lead"])
    job_of(upload(client, csv_file(intern_row(1), intern_row(2))))
    job = job_of(upload(client, csv_file(
        intern_row(1, name="Intern One Renamed", research_area="graph neural networks"),
        intern_row(2))))
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 1)
    person = db.session.scalar(select(User).where(User.email == "intern1@uni.example.edu"))
    assert person.name == "Intern One Renamed"
    internship = db.session.scalar(select(Internship).where(Internship.intern_id == person.id))
    assert internship.research_area == "graph neural networks"


BAD_ROWS = [
    ("unknown team", intern_row(1, team="No Such Team"), "team", "No team 'No Such Team'"),
    ("unknown cohort", intern_row(1, cohort="Spring 1999"), "cohort", "No cohort 'Spring 1999'"),
    ("unknown manager", intern_row(1, manager_email="ghost@example.com"), "manager_email",
     "No active manager has the email"),
    ("bad email", intern_row(1, email="not-an-email"), "email", "is not an email address"),
    ("unknown time zone", intern_row(1, time_zone="Mars/Olympus"), "time_zone",
     "is not a time zone"),
    ("end before start", intern_row(1, start="2026-08-01", end="2026-07-01"), "end",
     "must come after the start"),
    ("bad degree", intern_row(1, degree_program="Wizard"), "degree_program", "is not one of"),
    ("bad date", intern_row(1, start="June 1st"), "start", "is not a date"),
]


@pytest.mark.parametrize("case", BAD_ROWS, ids=[c[0] for c in BAD_ROWS])
def test_a_bad_row_is_reported_by_line_and_column_and_nothing_is_written(
        client, auth, program, case):
    _, bad, column, message = case
    auth.login_as(program["lead"])
    job = job_of(upload(client, csv_file(intern_row(7), bad, intern_row(8))))
    assert job.status is ImportStatus.FAILED
    assert [(e["line"], e["column"]) for e in job.errors] == [(3, column)]
    assert message in job.errors[0]["message"]
    assert internship_count() == 0
    page = client.get(f"/mentors/import/{job.id}").get_data(as_text=True)
    assert "Nothing was written" in page and message.split("'")[0] in page


def test_duplicate_email_in_the_file_names_both_lines(client, auth, program):
    auth.login_as(program["lead"])
    job = job_of(upload(client, csv_file(intern_row(1), intern_row(2), intern_row(1))))
    assert job.status is ImportStatus.FAILED
    assert [(e["line"], e["column"]) for e in job.errors] == [(4, "email")]
    assert "also on line 2" in job.errors[0]["message"]
    assert internship_count() == 0


def test_wrong_header_names_the_missing_and_unknown_columns(client, auth, program):
    auth.login_as(program["lead"])
    header = INTERN_HEADER.replace("manager_email", "boss")
    job = job_of(upload(client, csv_file(intern_row(1), header=header)))
    assert job.status is ImportStatus.FAILED
    found = {(e["line"], e["column"]) for e in job.errors}
    assert found == {(1, "manager_email"), (1, "boss")}
    assert internship_count() == 0


def test_a_file_that_is_not_utf8_is_refused_on_the_form(client, auth, program):
    auth.login_as(program["lead"])
    response = client.post("/mentors/import", data={
        "kind": "interns", "file": (io.BytesIO("é".encode("latin-1")), "interns.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "UTF-8" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ImportJob.id))) == 0


def test_mentor_import_creates_profiles_and_is_idempotent(client, auth, program):
    auth.login_as(program["lead"])
    content = csv_file(
        "rao@example.com,Asha Rao,Alexa AI / Product Knowledge Graph,\"entity linking, graphs\","
        "3,Asia/Kolkata",
        "lee@example.com,Sam Lee,,speech,2,America/New_York",
        header=MENTOR_HEADER)
    first = job_of(upload(client, content, kind="mentors", name="mentors.csv"))
    assert (first.created_count, first.updated_count, first.unchanged_count) == (2, 0, 0)
    profile = db.session.scalar(select(MentorProfile).join(MentorProfile.user)
                                .where(User.email == "rao@example.com"))
    assert profile.capacity == 3 and profile.team_id == program["team"].id
    assert profile.user.role_set == {Role.MENTOR}
    again = job_of(upload(client, content, kind="mentors", name="mentors.csv"))
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    changed = job_of(upload(client, content.replace(",3,", ",4,"), kind="mentors"))
    assert (changed.created_count, changed.updated_count, changed.unchanged_count) == (0, 1, 1)
    db.session.refresh(profile)
    assert profile.capacity == 4


def test_mentor_import_reports_a_bad_capacity_and_unknown_team(client, auth, program):
    auth.login_as(program["lead"])
    content = csv_file("a@example.com,A,Nowhere,x,2,UTC", "b@example.com,B,,x,lots,UTC",
                       header=MENTOR_HEADER)
    job = job_of(upload(client, content, kind="mentors"))
    assert [(e["line"], e["column"]) for e in job.errors] == [(2, "team"), (3, "capacity")]
    assert db.session.scalar(select(func.count(MentorProfile.id))) == 0


def test_exported_interns_reimport_unchanged(client, auth, program):
    auth.login_as(program["lead"])
    job_of(upload(client, csv_file(*(intern_row(n) for n in range(1, 6)))))
    exported = client.get(f"/mentors/export/interns.csv?cohort_id={program['cohort'].id}")
    assert exported.mimetype == "text/csv"
    text = exported.get_data(as_text=True)
    assert text.splitlines()[0] == INTERN_HEADER
    assert len(text.splitlines()) == 6
    again = job_of(upload(client, text))
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 5)


def test_exported_mentors_reimport_unchanged(client, auth, program):
    factories.mentor(team_=program["team"], expertise="graphs", capacity=3)
    factories.mentor(expertise="speech")
    auth.login_as(program["lead"])
    text = client.get("/mentors/export/mentors.csv").get_data(as_text=True)
    again = job_of(upload(client, text, kind="mentors"))
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)


def test_a_large_file_is_queued_for_a_worker_and_reports_progress(app, client, auth, program):
    app.config["IMPORT_INLINE_ROWS"] = 2
    auth.login_as(program["lead"])
    job_id = job_of(upload(client, csv_file(*(intern_row(n) for n in range(40))))).id
    status = client.get(f"/mentors/import/{job_id}/status").get_json()
    assert status["status"] == "queued" and internship_count() == 0
    with JobLoop(app, run_imports):
        deadline = time.monotonic() + 30
        while not status["finished"] and time.monotonic() < deadline:
            time.sleep(0.05)
            status = client.get(f"/mentors/import/{job_id}/status").get_json()
    assert status["status"] == "done" and status["percent"] == 100
    assert status["created"] == 40 and status["processed"] == status["total"] == 40
    assert internship_count() == 40


def test_a_queued_import_survives_a_restart_of_the_web_process(app, database_url, program):
    lead = program["lead"]
    web = make_app(database_url, IMPORT_INLINE_ROWS=2)
    client = web.test_client()
    client.post("/auth/login", data={"email": lead.email, "password": factories.PASSWORD})
    job_id = job_of(upload(client, csv_file(*(intern_row(n) for n in range(30))))).id
    with web.app_context():  # the web process goes away: its connections, threads and memory
        db.session.remove()
        db.engine.dispose()
    del client, web

    scheduler = make_app(database_url)
    assert run_once(scheduler)["run_imports"] == 1
    job = db.session.get(ImportJob, job_id)
    assert job.status is ImportStatus.DONE and job.created_count == 30
    assert internship_count() == 30


def test_an_import_abandoned_by_a_dead_worker_is_taken_over_and_run_once(app, program):
    content = csv_file(*(intern_row(n) for n in range(5)))
    job = imports.create_job(ImportKind.INTERNS, "interns.csv", content, program["lead"].id,
                             claim_for="dead-host:4242")
    job.status = ImportStatus.VALIDATING
    job.claimed_at = utcnow() - timedelta(minutes=10)  # its worker stopped renewing the claim
    db.session.commit()
    assert imports.stalled(job)

    assert imports.run_queued(worker="live-host:1") == 1
    assert imports.run_queued(worker="live-host:2") == 0  # finished: nobody runs it again
    db.session.refresh(job)
    assert job.status is ImportStatus.DONE and job.claimed_by == "live-host:1"
    assert internship_count() == 5


def test_a_job_held_by_a_live_worker_is_left_alone(app, program):
    job = imports.create_job(ImportKind.INTERNS, "interns.csv", csv_file(intern_row(1)),
                             program["lead"].id, claim_for="busy-host:7")
    assert imports.run_queued(worker="other-host:1") == 0
    assert imports.run_job(job.id, "other-host:1").status is ImportStatus.QUEUED
    assert internship_count() == 0 and not imports.stalled(job)


def test_interns_and_managers_cannot_import(client, auth, program):
    auth.login_as(program["manager"])
    assert upload(client, csv_file(intern_row(1))).status_code == 403
    assert internship_count() == 0
