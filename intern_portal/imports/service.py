"""Import jobs: queue an upload, check every row, then write all rows or none.

A small file is imported during its upload request. A larger one waits as a queued row in
import_jobs until a worker claims it (the scheduler's run_imports job, every few seconds):
the claim names the worker and is renewed as the job moves, and a claim that goes quiet
(its process died) is taken over and the job run again from the start, so a restart of any
process loses no import. Any web process answers the progress poll from the row.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload

from .. import audit
from ..extensions import db
from ..kernel import for_claim, lock, worker_name
from ..models import ImportJob, ImportKind, ImportStatus, User, utcnow
from . import rows as checks
from .write import write_interns, write_mentors

MAX_ERRORS_KEPT = 1000
UNCLAIMED_WARNING = timedelta(minutes=2)  # a queued job nobody picked up: is a worker running?


def create_job(kind: ImportKind, filename: str, content: str, actor_id: int | None,
               *, claim_for: str | None = None) -> ImportJob:
    """Store the upload as a queued job; claim_for keeps it for the worker that runs it now."""
    now = utcnow()
    job = ImportJob(kind=kind, filename=filename[:255], content=content, created_by_id=actor_id,
                    errors=[], created_at=now, updated_at=now, claimed_by=claim_for,
                    claimed_at=now if claim_for else None)
    db.session.add(job)
    db.session.commit()
    return job


def runs_inline(content: str) -> bool:
    """Whether a file is small enough to import during the upload request itself."""
    return content.count("\n") <= current_app.config["IMPORT_INLINE_ROWS"]


def _claim_timeout() -> timedelta:
    return timedelta(seconds=current_app.config["IMPORT_CLAIM_TIMEOUT"])


def claim_next(worker: str, now: datetime) -> int | None:
    """Claim the oldest unfinished job nobody holds (or whose holder went quiet); commit."""
    db.session.commit()
    job_id = db.session.scalar(for_claim(
        select(ImportJob.id)
        .where(ImportJob.status.not_in([ImportStatus.DONE, ImportStatus.FAILED]),
               or_(ImportJob.claimed_at.is_(None), ImportJob.claimed_at < now - _claim_timeout()))
        .order_by(ImportJob.created_at, ImportJob.id)
        .limit(1)
    ))
    if job_id is not None:
        # A job taken over from a worker that died starts again: nothing of it was written.
        db.session.execute(
            update(ImportJob).where(ImportJob.id == job_id)
            .values(claimed_by=worker, claimed_at=now, status=ImportStatus.QUEUED,
                    processed_rows=0, updated_at=now)
        )
    db.session.commit()
    return job_id


def run_queued(now: datetime | None = None, *, worker: str | None = None) -> int:
    """Claim and run queued jobs one after another until none is left; return how many ran."""
    worker = worker or worker_name()
    ran = 0
    while (job_id := claim_next(worker, now or utcnow())) is not None:
        run_job(job_id, worker)
        ran += 1
    return ran


def _progress(job: ImportJob, phase: ImportStatus, done: int = 0) -> None:
    now = utcnow()
    job.status, job.processed_rows, job.updated_at, job.claimed_at = phase, done, now, now
    db.session.commit()


def _finish(job: ImportJob, status: ImportStatus, errors: list[dict[str, Any]]) -> None:
    job.status, job.finished_at, job.updated_at = status, utcnow(), utcnow()
    job.error_count = len(errors)
    job.errors = errors[:MAX_ERRORS_KEPT]
    job.content = ""
    job.processed_rows = job.total_rows


def _still_mine(job_id: int, worker: str) -> ImportJob | None:
    """Lock the job for its last transaction; None when another worker took it over."""
    job = lock(ImportJob, job_id)
    return job if job is not None and job.claimed_by == worker else None


def run_job(job_id: int, worker: str) -> ImportJob | None:
    """Check every row; if all are good, write them and finish the job in one transaction.

    The worker must hold the job's claim; the final transaction locks the job row and checks
    the claim again, so a worker that lost it (it was too slow and another took over) writes
    nothing.
    """
    job = db.session.get(ImportJob, job_id)
    if job is None or job.status is not ImportStatus.QUEUED or job.claimed_by != worker:
        return job
    try:
        _progress(job, ImportStatus.VALIDATING)
        columns = (checks.INTERN_COLUMNS if job.kind is ImportKind.INTERNS
                   else checks.MENTOR_COLUMNS)
        parsed, errors = checks.read(job.content, columns)
        job.total_rows = len(parsed)
        _progress(job, ImportStatus.VALIDATING)
        lookups = checks.load_lookups()
        check = (checks.check_interns if job.kind is ImportKind.INTERNS
                 else checks.check_mentors)
        running: ImportJob = job
        records, row_errors = check(parsed, lookups,
                                    lambda done: _progress(running, ImportStatus.VALIDATING, done))
        errors += row_errors
        if not parsed and not errors:
            errors.append(checks.RowError(2, "", "The file has a header but no rows."))
        if errors:
            errors.sort(key=lambda e: (e.line, e.column))
            if _still_mine(job_id, worker) is None:
                db.session.rollback()
                return None
            _finish(job, ImportStatus.FAILED, [e.as_dict() for e in errors])
            db.session.commit()
            return job
        _progress(job, ImportStatus.WRITING, len(parsed))
        if _still_mine(job_id, worker) is None:
            db.session.rollback()
            return None
        writer = write_interns if job.kind is ImportKind.INTERNS else write_mentors
        counts = writer(records)  # type: ignore[arg-type]  # records match the job's kind
        job.created_count, job.updated_count, job.unchanged_count = counts
        _finish(job, ImportStatus.DONE, [])
        audit.record(job.created_by_id, "import", job,
                     f"Imported {job.kind.value} from {job.filename}: {counts[0]} new, "
                     f"{counts[1]} changed, {counts[2]} unchanged",
                     after={"file": job.filename, "rows": job.total_rows,
                            "created": counts[0], "updated": counts[1],
                            "unchanged": counts[2]})
        db.session.commit()
    except SQLAlchemyError:
        current_app.logger.exception("import job %s failed", job_id)
        db.session.rollback()
        job = db.session.get(ImportJob, job_id)
        if job is None:
            return None
        _finish(job, ImportStatus.FAILED, [{
            "line": 0, "column": "",
            "message": "The database refused the import (another change may have "
                       "landed at the same moment). Nothing was written; upload the file again.",
        }])
        db.session.commit()
    return job


def status(job: ImportJob) -> dict[str, Any]:
    """What the progress poller shows: phase, rows done, and the outcome once finished."""
    return {
        "id": job.id, "status": job.status.value, "finished": job.status.finished,
        "stalled": stalled(job), "percent": job.percent, "processed": job.processed_rows,
        "total": job.total_rows, "created": job.created_count, "updated": job.updated_count,
        "unchanged": job.unchanged_count, "errors": job.error_count,
    }


def stalled(job: ImportJob) -> bool:
    """True when an unfinished job waits with no live worker: never picked up, or abandoned."""
    if job.status.finished:
        return False
    if job.claimed_at is None:
        return utcnow() - job.created_at > UNCLAIMED_WARNING
    return utcnow() - job.claimed_at > _claim_timeout()


def recent_jobs(limit: int = 10) -> list[ImportJob]:
    return list(db.session.scalars(
        select(ImportJob).options(joinedload(ImportJob.created_by).lazyload(User.roles))
        .order_by(ImportJob.created_at.desc(), ImportJob.id.desc()).limit(limit)
    ))
