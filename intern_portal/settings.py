"""Program settings: one JSON row per group of settings, read into a frozen dataclass."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any, TypeVar

from sqlalchemy import select

from . import audit
from .extensions import db
from .kernel import finish
from .models import ProgramSetting

S = TypeVar("S")


def load(key: str, kind: type[S]) -> S:
    """The saved group of settings, with the dataclass defaults for anything never set."""
    saved = db.session.scalar(select(ProgramSetting.value).where(ProgramSetting.key == key))
    known = {f.name: f for f in fields(kind)}  # type: ignore[arg-type]  # kind is a dataclass
    values: dict[str, Any] = {}
    for name, value in (saved or {}).items():
        if name in known and isinstance(value, int | float | str | bool):
            values[name] = value
    return kind(**values)


def save(key: str, settings: Any, *, actor_id: int | None, summary: str) -> None:
    """Store a group of settings, logging what changed; the caller has validated them."""
    row = db.session.scalar(select(ProgramSetting).where(ProgramSetting.key == key))
    before = dict(row.value) if row is not None else asdict(type(settings)())
    if row is None:
        row = ProgramSetting(key=key, value={})
        db.session.add(row)
    row.value = asdict(settings)
    old, new = audit.changed(before, row.value)
    if new:
        audit.record(actor_id, "update", row, summary, old, new)
    finish()
