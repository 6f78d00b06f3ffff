"""Lunch dates: scientists' weekly windows, the slots cut from them, and bookings."""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import Date, Index, Integer, String, Text, Time, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .cohorts import Cohort
from .types import UTCDateTime, check, enum_type, fk, utcnow
from .users import User


class LunchWindow(Model):
    """A weekly window in the scientist's own time zone, cut into slots."""

    __tablename__ = "lunch_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    scientist_id: Mapped[int] = fk("users.id")
    cohort_id: Mapped[int | None] = fk("cohorts.id", nullable=True)
    weekdays: Mapped[int] = mapped_column(Integer)  # bit 0 = Monday … bit 6 = Sunday
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    time_zone: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    slot_minutes: Mapped[int] = mapped_column(Integer, default=30)
    seats: Mapped[int] = mapped_column(Integer, default=1)
    video_url: Mapped[str] = mapped_column(String(500))
    topic: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    scientist: Mapped[User] = relationship()
    cohort: Mapped[Cohort | None] = relationship()

    __table_args__ = (
        check("weekdays > 0 AND weekdays < 128", "weekdays_mask"),
        check("end_time > start_time", "times_in_order"),
        check("valid_until >= valid_from", "dates_in_order"),
        check("slot_minutes >= 10 AND slot_minutes <= 240", "slot_length"),
        check("seats >= 1", "seats_positive"),
    )


class LunchBlackout(Model):
    """A date on which a scientist hosts no lunch dates."""

    __tablename__ = "lunch_blackouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    scientist_id: Mapped[int] = fk("users.id")
    day: Mapped[date] = mapped_column(Date)

    __table_args__ = (UniqueConstraint("scientist_id", "day"),)


class SlotStatus(enum.StrEnum):
    OPEN = "open"
    WITHDRAWN = "withdrawn"


class LunchSlot(Model):
    __tablename__ = "lunch_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    scientist_id: Mapped[int] = fk("users.id")
    window_id: Mapped[int | None] = fk("lunch_windows.id", nullable=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    time_zone: Mapped[str] = mapped_column(String(64))
    seats: Mapped[int] = mapped_column(Integer, default=1)
    video_url: Mapped[str] = mapped_column(String(500))
    topic: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[SlotStatus] = mapped_column(
        enum_type(SlotStatus, "slot_status"), default=SlotStatus.OPEN
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    scientist: Mapped[User] = relationship()
    window: Mapped[LunchWindow | None] = relationship()
    bookings: Mapped[list[LunchBooking]] = relationship(back_populates="slot")

    __table_args__ = (
        UniqueConstraint("scientist_id", "starts_at"),
        check("ends_at > starts_at", "times_in_order"),
        check("seats >= 1", "seats_positive"),
    )


class BookingStatus(enum.StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class LunchBooking(Model):
    """An intern's seat at a slot; a seat holds one live booking, enforced by the database."""

    __tablename__ = "lunch_bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = fk("lunch_slots.id")
    seat: Mapped[int] = mapped_column(Integer, default=1)
    intern_id: Mapped[int] = fk("users.id")
    status: Mapped[BookingStatus] = mapped_column(
        enum_type(BookingStatus, "booking_status"), default=BookingStatus.BOOKED, index=True
    )
    uid: Mapped[str] = mapped_column(String(120), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    booked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = fk("users.id", nullable=True)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")

    slot: Mapped[LunchSlot] = relationship(back_populates="bookings")
    intern: Mapped[User] = relationship(foreign_keys=[intern_id])

    __table_args__ = (
        check("seat >= 1", "seat_positive"),
        check("sequence >= 0", "sequence_non_negative"),
        check(
            "(status = 'cancelled') = (cancelled_at IS NOT NULL)", "cancelled_has_time"
        ),
        Index(
            "uq_lunch_bookings_live_seat",
            "slot_id",
            "seat",
            unique=True,
            sqlite_where=text("status <> 'cancelled'"),
            postgresql_where=text("status <> 'cancelled'"),
        ),
    )
