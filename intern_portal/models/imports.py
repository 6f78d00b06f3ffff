"""Bulk imports of interns or mentors from CSV: queued rows that a worker claims and runs."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .types import UTCDateTime, check, enum_type, fk, utcnow
from .users import User


class ImportKind(enum.StrEnum):
    INTERNS = "interns"
    MENTORS = "mentors"


class ImportStatus(enum.StrEnum):
    QUEUED = "queued"
    VALIDATING = "validating"
    WRITING = "writing"
    DONE = "done"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (ImportStatus.DONE, ImportStatus.FAILED)


class ImportJob(Model):
    """One uploaded CSV: its progress, its outcome, and the errors found in it."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ImportKind] = mapped_column(enum_type(ImportKind, "import_kind"))
    status: Mapped[ImportStatus] = mapped_column(
        enum_type(ImportStatus, "import_status"), default=ImportStatus.QUEUED, index=True
    )
    filename: Mapped[str] = mapped_column(String(255), default="")
    # The upload waits here until a worker reads it; cleared once the import finishes.
    content: Mapped[str] = mapped_column(Text, default="")
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    processed_rows: Mapped[int] = mapped_column(Integer, default=0)
    created_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_count: Mapped[int] = mapped_column(Integer, default=0)
    unchanged_count: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = fk("users.id", nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Which worker runs the job, and when it last showed signs of life (a stale claim is taken
    # over, so a worker that died does not strand the job).
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()

    __table_args__ = (
        check("processed_rows >= 0 AND processed_rows <= total_rows", "progress_in_range"),
    )

    @property
    def percent(self) -> int:
        if self.status.finished:
            return 100
        if self.status is ImportStatus.WRITING:
            return 95
        return int(90 * self.processed_rows / self.total_rows) if self.total_rows else 0
