"""SQL helpers the reports need on both SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ..timeutil import day_start

SQLITE_LOCAL_MIDNIGHT = "portal_local_midnight"


class local_midnight(FunctionElement):  # noqa: N801  (reads as the SQL function it renders)
    """The UTC instant at which a date column (plus days) begins in a time-zone column."""

    inherit_cache = True


@compiles(local_midnight)
def _local_midnight_postgres(element: local_midnight, compiler: Any, **kw: Any) -> str:
    day, zone, days = (compiler.process(c, **kw) for c in element.clauses)
    return f"timezone({zone}, CAST({day} + {days} AS timestamp))"


@compiles(local_midnight, "sqlite")
def _local_midnight_sqlite(element: local_midnight, compiler: Any, **kw: Any) -> str:
    day, zone, days = (compiler.process(c, **kw) for c in element.clauses)
    return f"{SQLITE_LOCAL_MIDNIGHT}({day}, {zone}, {days})"


class utc_day(FunctionElement):  # noqa: N801
    """The calendar day (in UTC) of a UTC timestamp column."""

    type = Date()
    inherit_cache = True


@compiles(utc_day)
def _utc_day_postgres(element: utc_day, compiler: Any, **kw: Any) -> str:
    (utc,) = list(element.clauses)
    return f"CAST(timezone('UTC', {compiler.process(utc, **kw)}) AS DATE)"


@compiles(utc_day, "sqlite")
def _utc_day_sqlite(element: utc_day, compiler: Any, **kw: Any) -> str:
    # SQLite keeps UTC timestamps as "YYYY-MM-DD HH:MM:SS…" text: the day is the first ten.
    (utc,) = list(element.clauses)
    return f"substr({compiler.process(utc, **kw)}, 1, 10)"


def _sqlite_local_midnight(day: str | None, zone: str | None, days: int) -> str | None:
    # Written as SQLite stores UTC timestamps, so text comparison orders them correctly.
    if day is None or not zone:
        return None
    start = day_start(date.fromisoformat(day) + timedelta(days=days), zone)
    return start.strftime("%Y-%m-%d %H:%M:%S.%f")


@event.listens_for(Engine, "connect")
def _register_sqlite_functions(dbapi_connection: Any, connection_record: Any) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.create_function(
            SQLITE_LOCAL_MIDNIGHT, 3, _sqlite_local_midnight, deterministic=True
        )
