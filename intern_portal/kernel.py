"""The service kernel: refusals, the end of a use case, row locks, inserts that skip duplicates.

Every area's service uses these. A use case (the outermost service call a view or a job
makes) ends with `finish()`, which commits or rolls back and refuses; helpers below it only
flush. `lock()`, `lock_ids()` and `for_change()` hold rows for the rest of the transaction
on both databases.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, CursorResult, Executable, Select, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session, class_mapper, scoped_session

from .extensions import db

M = TypeVar("M")
T = TypeVar("T", bound=tuple[Any, ...])


class Refusal(ValueError):
    """A change refused for a reason the person reads; field names the form field at fault.

    Pages show it on the field (or above the form), the API answers 422 with it; each area
    subclasses it under its own name so a route can tell one area's refusals from another's.
    """

    status_code = 422

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def as_json(self) -> dict[str, Any]:
        """The API's error body: the message, and the field it concerns."""
        return {"error": self.message, "fields": {self.field: self.message} if self.field else {}}


AnySession = Session | scoped_session[Any]  # the app's scoped session, or a plain one


def on_postgres(session: AnySession | None = None) -> bool:
    return (session or db.session).get_bind().dialect.name == "postgresql"


CONFLICT = "Someone changed this at the same moment. Reload the page and try again."


def finish(conflict: str = CONFLICT, field: str | None = None,
           kind: type[Refusal] = Refusal) -> None:
    """End a use case: commit, or roll back and refuse when a unique or foreign key says no."""
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise kind(conflict, field) from error


@contextmanager
def refusing(conflict: str, field: str | None = None,
             kind: type[Refusal] = Refusal) -> Iterator[None]:
    """Turn a key clash inside the block (usually a flush) into a refusal, rolled back."""
    try:
        yield
    except IntegrityError as error:
        db.session.rollback()
        raise kind(conflict, field) from error


def write_lock(session: AnySession | None = None) -> None:
    """On SQLite, take the database's single write lock now, before anything is read."""
    active: AnySession = session if session is not None else db.session
    if on_postgres(active):
        return
    raw = active.connection().connection.dbapi_connection
    if raw is not None and not raw.in_transaction:
        active.execute(text("BEGIN IMMEDIATE"))


def for_change(query: Select[T], *, of: Any = None, shared: bool = False,
               session: AnySession | None = None) -> Select[T]:
    """The query, holding the rows it reads until the transaction ends, on both databases.

    PostgreSQL: FOR NO KEY UPDATE, so inserts of rows that point at the held ones are not
    blocked (a plain FOR UPDATE would make them wait), or FOR SHARE when shared (others may
    share the hold, nobody may change the rows). SQLite: the write lock, taken at once.
    """
    if on_postgres(session):
        if shared:
            return query.with_for_update(read=True, of=of)
        return query.with_for_update(key_share=True, of=of)
    write_lock(session)
    return query


def for_claim(query: Select[T]) -> Select[T]:
    """The query, for claiming work rows: PostgreSQL skips rows another worker holds
    (FOR UPDATE SKIP LOCKED); SQLite takes its write lock, one claimer at a time."""
    if on_postgres():
        return query.with_for_update(skip_locked=True)
    write_lock()
    return query


def worker_name() -> str:
    """Who holds a claim on a work row: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def lock_ids(column: InstrumentedAttribute[Any], ids: Iterable[Any]) -> None:
    """Hold the rows with these ids until the transaction ends, in id order (no deadlocks)."""
    wanted = sorted(set(ids))
    if wanted:
        db.session.execute(for_change(select(column).where(column.in_(wanted)).order_by(column)))


def lock(model: type[M], ident: Any, *, shared: bool = False) -> M | None:
    """Load one row held until the transaction ends, read afresh once it is held."""
    primary = class_mapper(model).primary_key[0]
    query = select(model).where(primary == ident).execution_options(populate_existing=True)
    return db.session.scalar(for_change(query, of=model, shared=shared))


def changed_rows(statement: Executable) -> int:
    """Run an UPDATE or DELETE in the caller's transaction; how many rows it changed."""
    return int(cast(CursorResult[Any], db.session.execute(statement)).rowcount)


def insert_ignoring_duplicates(table: Any, rows: Sequence[dict[str, Any]] | dict[str, Any],
                               keys: Sequence[str],
                               returning: ColumnElement[Any] | None = None) -> Any:
    """INSERT … ON CONFLICT (keys) DO NOTHING on either database, in the caller's transaction.

    With one row and `returning`, gives the new row's value, or None when it existed already
    (RETURNING rather than rowcount: psycopg reports -1 for an insert that may do nothing).
    """
    insert = pg_insert if on_postgres() else sqlite_insert
    statement = insert(table).on_conflict_do_nothing(index_elements=list(keys))
    if isinstance(rows, dict):
        statement = statement.values(**rows)
        if returning is not None:
            return db.session.execute(statement.returning(returning)).scalar()
        return db.session.execute(statement)
    if not rows:
        return None
    return db.session.connection().execute(statement, list(rows))
