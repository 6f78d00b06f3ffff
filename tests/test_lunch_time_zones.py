"""Time zones: windows keep their local time across DST; interns see slots in their own zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from intern_portal.extensions import db
from intern_portal.lunch import browse, offer
from intern_portal.models import LunchSlot, Role

from . import factories

BEFORE_SEASON = datetime(2026, 1, 1, tzinfo=UTC)
TUESDAY, THURSDAY, SUNDAY = 1, 3, 6


def window(scientist, zone: str, first: date, last: date, weekdays: set[int],
           start: time = time(12), end: time = time(13)) -> offer.WindowResult:
    return offer.create_window(
        scientist, weekdays=weekdays, start_time=start, end_time=end, time_zone=zone,
        valid_from=first, valid_until=last, slot_minutes=30, seats=1,
        video_url="https://meet.example.com/lunch", now=BEFORE_SEASON)


def slot_starts(scientist) -> list[datetime]:
    return list(db.session.scalars(select(LunchSlot.starts_at)
                                   .where(LunchSlot.scientist_id == scientist.id)
                                   .order_by(LunchSlot.starts_at)))


def local(instant: datetime, zone: str) -> str:
    return instant.astimezone(ZoneInfo(zone)).strftime("%a %d %b %H:%M")


# Tuesdays either side of the 2026 changes: US clocks go forward 8 March, back 1 November.
@pytest.mark.parametrize(
    ("host_zone", "first", "last", "intern_times"),
    [
        ("America/Los_Angeles", date(2026, 3, 3), date(2026, 3, 10),
         ["Wed 04 Mar 01:30", "Wed 04 Mar 02:00", "Wed 11 Mar 00:30", "Wed 11 Mar 01:00"]),
        ("America/Los_Angeles", date(2026, 10, 27), date(2026, 11, 3),
         ["Wed 28 Oct 00:30", "Wed 28 Oct 01:00", "Wed 04 Nov 01:30", "Wed 04 Nov 02:00"]),
        ("America/New_York", date(2026, 3, 3), date(2026, 3, 10),
         ["Tue 03 Mar 22:30", "Tue 03 Mar 23:00", "Tue 10 Mar 21:30", "Tue 10 Mar 22:00"]),
        ("America/New_York", date(2026, 10, 27), date(2026, 11, 3),
         ["Tue 27 Oct 21:30", "Tue 27 Oct 22:00", "Tue 03 Nov 22:30", "Tue 03 Nov 23:00"]),
    ],
    ids=["seattle-bengaluru-march", "seattle-bengaluru-november", "boston-gurugram-march",
         "boston-gurugram-november"],
)
def test_weekly_window_stays_at_noon_local_and_moves_for_india(app, host_zone, first, last,
                                                               intern_times):
    scientist = factories.mentor(time_zone=host_zone)
    result = window(scientist, host_zone, first, last, {TUESDAY})
    starts = slot_starts(scientist)
    assert result.created == 4
    assert [local(s, host_zone)[-5:] for s in starts] == ["12:00", "12:30"] * 2
    assert [local(s, "Asia/Kolkata") for s in starts] == intern_times


def test_times_the_clocks_skip_are_not_offered(app):
    scientist = factories.mentor()
    result = window(scientist, "America/Los_Angeles", date(2026, 3, 8), date(2026, 3, 8),
                    {SUNDAY}, start=time(1, 30), end=time(3, 30))
    zone = "America/Los_Angeles"
    assert [local(s, zone)[-5:] for s in slot_starts(scientist)] == ["01:30", "03:00"]
    assert result.skipped_missing == ["08 Mar 2026 02:00", "08 Mar 2026 02:30"]


def test_one_off_slot_at_a_skipped_time_is_refused(app):
    scientist = factories.mentor()
    with pytest.raises(offer.OfferError, match="does not exist on 08 Mar 2026"):
        offer.create_slot(scientist, day=date(2026, 3, 8), start_time=time(2, 30), minutes=30,
                          time_zone="America/Los_Angeles", seats=1,
                          video_url="https://meet.example.com/x", now=BEFORE_SEASON)


def test_times_that_happen_twice_are_offered_once(app):
    scientist = factories.mentor()
    result = window(scientist, "America/Los_Angeles", date(2026, 11, 1), date(2026, 11, 1),
                    {SUNDAY}, start=time(1), end=time(2))
    starts = slot_starts(scientist)
    assert result.created == 2
    # The first 01:00 and 01:30 (daylight time, UTC-7), not the repeats an hour later.
    assert [s.strftime("%H:%M") for s in starts] == ["08:00", "08:30"]


def test_one_off_slot_at_a_repeated_time_takes_the_first(app):
    scientist = factories.mentor()
    slot = offer.create_slot(scientist, day=date(2026, 11, 1), start_time=time(1, 30),
                             minutes=30, time_zone="America/Los_Angeles", seats=1,
                             video_url="https://meet.example.com/x", now=BEFORE_SEASON)
    assert slot.starts_at == datetime(2026, 11, 1, 8, 30, tzinfo=UTC)


def test_time_of_day_filter_is_in_the_interns_zone_across_dst(app):
    scientist = factories.mentor()
    window(scientist, "America/Los_Angeles", date(2026, 3, 3), date(2026, 3, 10), {TUESDAY})
    viewer = factories.user(Role.INTERN, time_zone="Asia/Kolkata")
    early = browse.open_slots(viewer, browse.SlotFilter(hour_from=1, hour_to=2),
                              now=BEFORE_SEASON)
    assert [local(r.slot.starts_at, "Asia/Kolkata") for r in early.items] == [
        "Wed 04 Mar 01:30", "Wed 11 Mar 01:00"]


def test_date_filter_is_the_interns_local_day(app):
    scientist = factories.mentor()
    window(scientist, "America/Los_Angeles", date(2026, 3, 3), date(2026, 3, 5),
           {TUESDAY, THURSDAY})
    viewer = factories.user(Role.INTERN, time_zone="Asia/Kolkata")
    page = browse.open_slots(viewer, browse.SlotFilter(day=date(2026, 3, 4)),
                             now=BEFORE_SEASON)
    # Tuesday lunch in Seattle is Wednesday night in Bengaluru.
    assert len(page.items) == 2
    assert {r.slot.starts_at.astimezone(ZoneInfo("Asia/Kolkata")).date() for r in page.items
            } == {date(2026, 3, 4)}


def test_slots_outside_working_hours_are_marked(app):
    scientist = factories.mentor()
    window(scientist, "America/Los_Angeles", date(2026, 3, 3), date(2026, 3, 3), {TUESDAY})
    in_india = factories.user(Role.INTERN, time_zone="Asia/Kolkata")
    in_seattle = factories.user(Role.INTERN, time_zone="America/Los_Angeles")
    filters = browse.SlotFilter()
    assert all(r.outside_hours for r in
               browse.open_slots(in_india, filters, now=BEFORE_SEASON).items)
    assert not any(r.outside_hours for r in
                   browse.open_slots(in_seattle, filters, now=BEFORE_SEASON).items)
