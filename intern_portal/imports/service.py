"""Import jobs: queue an upload, check every row, then write all rows or none; and export."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload

from .. import audit
from ..extensions import db
from ..models import ImportJob, ImportKind, ImportStatus, User, utcnow
from . import rows as checks
from .write import write_interns, write_mentors

MAX_ERRORS_KEPT = 1000
STALLED_AFTER = timedelta(minutes=5)
INLINE_ROWS = 1000  # smaller files are imported during the upload request itself


def create_job(kind: ImportKind, filename: str, content: str, actor_id: int | None) -> ImportJob:
    """Store the upload as a queued job, so any web process can report on it."""
    job = ImportJob(kind=kind, filename=filename[:255], content=content,
                    created_by_id=actor_id, errors=[])
    db.session.add(job)
    db.session.commit()
    return job


def runs_inline(content: str) -> bool:
    limit = current_app.config.get("IMPORT_INLINE_ROWS", INLINE_ROWS)
    return content.count("\n") <= limit


def start_in_background(app: Flask, job_id: int) -> threading.Thread:
    """Run the job on a worker thread with its own app context and database session."""

    def work() -> None:
        with app.app_context():
            run_job(job_id)
            db.session.remove()

    thread = threading.Thread(target=work, name=f"import-{job_id}", daemon=True)
    thread.start()
    return thread


def _progress(job: ImportJob, phase: ImportStatus, done: int = 0) -> None:
    job.status, job.processed_rows, job.updated_at = phase, done, utcnow()
    db.session.commit()


def _finish(job: ImportJob, status: ImportStatus, errors: list[dict[str, Any]]) -> None:
    job.status, job.finished_at, job.updated_at = status, utcnow(), utcnow()
    job.error_count = len(errors)
    job.errors = errors[:MAX_ERRORS_KEPT]
    job.content = ""
    job.processed_rows = job.total_rows


def run_job(job_id: int) -> ImportJob:
    """Check every row; if all are good, write them and finish the job in one transaction."""
    job = db.session.get(ImportJob, job_id)
    if job is None or job.status is not ImportStatus.QUEUED:
        return job  # type: ignore[return-value]
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
        records, row_errors = check(parsed, lookups,
                                    lambda done: _progress(job, ImportStatus.VALIDATING, done))
        errors += row_errors
        if not parsed and not errors:
            errors.append(checks.RowError(2, "", "The file has a header but no rows."))
        if errors:
            errors.sort(key=lambda e: (e.line, e.column))
            _finish(job, ImportStatus.FAILED, [e.as_dict() for e in errors])
            db.session.commit()
            return job
        _progress(job, ImportStatus.WRITING, len(parsed))
        writer = write_interns if job.kind is ImportKind.INTERNS else write_mentors
        counts = writer(records)  # type: ignore[arg-type]
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
    """True when an unfinished job has not moved for a while (its process went away)."""
    return not job.status.finished and utcnow() - job.updated_at > STALLED_AFTER


def recent_jobs(limit: int = 10) -> list[ImportJob]:
    return list(db.session.scalars(
        select(ImportJob).options(joinedload(ImportJob.created_by).lazyload(User.roles))
        .order_by(ImportJob.created_at.desc(), ImportJob.id.desc()).limit(limit)
    ))
