"""The service kernel and the shared rules: locks that hold on both databases, refusals,
configuration checked at start-up, one way to build absolute links, one rule per question."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from werkzeug.routing import BuildError

from intern_portal import create_app
from intern_portal.authz import is_staff, manages, manages_team, mentors_now
from intern_portal.config import ConfigError
from intern_portal.extensions import db
from intern_portal.kernel import Refusal, finish, insert_ignoring_duplicates, lock
from intern_portal.links import external_url
from intern_portal.lunch import offer
from intern_portal.lunch import service as lunch
from intern_portal.models import LunchBooking, LunchSlot, OutboxMessage, Role, User, UserRole
from intern_portal.timeutil import LocalTimeError, at_local, day_start, to_utc

from . import factories


def test_a_slot_edit_and_a_booking_of_that_slot_take_turns(app, monkeypatch):
    """The edit holds the slot: a booking arriving meanwhile waits and sees the new time."""
    scientist = factories.mentor()
    intern = factories.user(Role.INTERN, time_zone="America/Los_Angeles")
    starts = (datetime.now(UTC) + timedelta(days=5)).replace(hour=19, minute=0, second=0,
                                                            microsecond=0)
    slot_id = factories.lunch_slot(scientist, starts_at=starts).id
    moved_to = starts + timedelta(hours=1)
    editing, release = threading.Event(), threading.Event()
    checked = offer._check_common

    def paused_check(**kwargs):  # noqa: ANN003
        checked(**kwargs)
        editing.set()  # the edit has read the slot as unbooked and holds it
        assert release.wait(30)

    monkeypatch.setattr(offer, "_check_common", paused_check)
    results: dict[str, object] = {}

    def edit() -> None:
        with app.app_context():
            slot = db.session.get(LunchSlot, slot_id)
            local = moved_to.astimezone(ZoneInfo(slot.time_zone))
            offer.update_slot(slot, db.session.get(User, scientist.id), day=local.date(),
                              start_time=local.time(), minutes=30, seats=1,
                              video_url=slot.video_url)
            results["edit"] = "saved"
            db.session.remove()

    def book() -> None:
        with app.app_context():
            try:
                lunch.book(db.session.get(User, intern.id), slot_id)
                results["book"] = "booked"
            except lunch.BookingRefused as error:
                results["book"] = str(error)
            finally:
                results["book_done_at"] = datetime.now(UTC)
                db.session.remove()

    editor = threading.Thread(target=edit)
    editor.start()
    assert editing.wait(30)
    booker = threading.Thread(target=book)
    booker.start()
    booker.join(0.5)
    waited = booker.is_alive()  # the booking can't go on while the edit holds the slot
    release.set()
    editor.join(30)
    booker.join(30)
    assert not editor.is_alive() and not booker.is_alive()
    assert waited, "the booking went ahead while the slot was being edited"
    assert results["edit"] == "saved" and results["book"] == "booked"
    db.session.expire_all()
    slot = db.session.get(LunchSlot, slot_id)
    booking = db.session.scalars(select(LunchBooking)).one()
    assert slot.starts_at == moved_to and booking.slot_id == slot_id
    invitation = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.to_email == intern.email)).one()
    assert f"DTSTART:{moved_to:%Y%m%dT%H%M%SZ}" in invitation.ics  # invited at the new time


def test_lock_reads_the_row_afresh(app):
    person = factories.user(Role.INTERN, name="Before")
    loaded = db.session.get(User, person.id)
    db.session.commit()
    with app.app_context():  # another request renames them
        other = db.session.get(User, person.id)
        other.name = "After"
        db.session.commit()
        db.session.remove()
    assert loaded.name == "Before"
    held = lock(User, person.id)
    assert held is loaded and held.name == "After"
    db.session.rollback()


def test_finish_turns_a_key_clash_into_a_refusal_and_keeps_nothing(app):
    person = factories.user(Role.INTERN)
    db.session.add(UserRole(user_id=person.id, role=Role.INTERN))  # the role it already has
    with pytest.raises(Refusal) as refused:
        finish("They have that role already.", "roles")
    assert (refused.value.message, refused.value.field) == ("They have that role already.",
                                                            "roles")
    assert refused.value.as_json() == {"error": "They have that role already.",
                                       "fields": {"roles": "They have that role already."}}
    assert not db.session.new and not db.session.dirty


def test_insert_ignoring_duplicates_says_whether_it_added(app):
    person = factories.user(Role.INTERN)
    row = {"user_id": person.id, "role": Role.MENTOR}
    table = UserRole.__table__
    assert insert_ignoring_duplicates(table, row, ["user_id", "role"],
                                      returning=table.c.user_id) == person.id
    assert insert_ignoring_duplicates(table, row, ["user_id", "role"],
                                      returning=table.c.user_id) is None
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(User, person.id).role_set == {Role.INTERN, Role.MENTOR}


def test_people_times_refuse_a_skipped_time_and_computed_times_move_past_it():
    with pytest.raises(LocalTimeError, match="02:30 does not exist on 08 Mar 2026"):
        to_utc(date(2026, 3, 8), time(2, 30), "America/Los_Angeles")
    # A reminder due at 02:30 that night goes at 03:30 PDT, just after the jump.
    assert at_local(date(2026, 3, 8), time(2, 30), "America/Los_Angeles") == datetime(
        2026, 3, 8, 10, 30, tzinfo=UTC)
    # A repeated time is its first occurrence, both ways (01:30 PDT, before falling back).
    first = datetime(2026, 11, 1, 8, 30, tzinfo=UTC)
    assert to_utc(date(2026, 11, 1), time(1, 30), "America/Los_Angeles") == first
    assert at_local(date(2026, 11, 1), 1, "America/Los_Angeles") == first - timedelta(minutes=30)
    # Where the clocks skip midnight (Santiago, September), the day begins when they jump.
    assert day_start(date(2026, 9, 6), "America/Santiago") == datetime(2026, 9, 6, 4,
                                                                       tzinfo=UTC)


def test_manager_rights_need_the_manager_role_as_well_as_the_name(app, client, auth):
    named = factories.user(Role.MENTOR, name="Named But Not A Manager")
    team = factories.team(manager=named)
    internship = factories.internship(team_=team, manager=named)
    assert not manages(named, internship) and not manages_team(named, team)
    auth.login_as(named)
    assert client.get(f"/mentors/internships/{internship.id}").status_code == 403
    mentor = factories.mentor()
    response = client.post(f"/mentors/internships/{internship.id}/assign",
                           data={"mentor_email": mentor.email, "role": "primary",
                                 "reason": "Best fit"})
    assert response.status_code == 403
    lead = factories.user(Role.PROGRAM_LEAD)
    assert is_staff(lead) and not is_staff(named)


def test_a_mentor_whose_assignment_ended_mentors_no_more(app):
    internship = factories.internship()
    mentor = factories.mentor()
    assignment = factories.assign(internship, mentor)
    assert mentors_now(mentor, internship)
    assignment.ended_at = datetime.now(UTC)
    db.session.commit()
    assert not mentors_now(mentor, internship)
    assert [a.mentor_id for a in internship.current_assignments] == []


@pytest.mark.parametrize(("setting", "value", "message"), [
    ("MAIL_TRANSPORT", "smpt", "MAIL_TRANSPORT='smpt' is not a mail transport: use smtp, file "
                               "or console."),
    ("PORTAL_BASE_URL", "interns.example.com", "PORTAL_BASE_URL='interns.example.com' must be"),
    ("PORTAL_TIMEZONE", "Mars/Olympus", "PORTAL_TIMEZONE='Mars/Olympus' is not an IANA"),
])
def test_settings_that_cannot_work_refuse_to_start(monkeypatch, tmp_path, setting, value,
                                                   message):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv(setting, value)
    with pytest.raises(ConfigError) as refused:
        create_app({"SECRET_KEY": "tests"})
    assert message in str(refused.value)


def test_a_number_setting_that_is_not_a_number_refuses_to_start(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("OUTBOX_MAX_ATTEMPTS", "eight")
    with pytest.raises(ConfigError, match="OUTBOX_MAX_ATTEMPTS='eight' must be a whole number"):
        create_app({"SECRET_KEY": "tests"})


def test_links_come_from_the_base_url_in_requests_and_outside_them(app, client, auth):
    app.config["PORTAL_BASE_URL"] = "https://interns.example.com/portal"
    assert external_url("lunch.index") == "https://interns.example.com/portal/lunch/"
    with pytest.raises(BuildError):
        external_url("lunch.no_such_page")
    scientist = factories.mentor()
    intern = factories.user(Role.INTERN)
    slot = factories.lunch_slot(scientist)
    # The requests arrive on an internal host name; the email still points at the portal.
    client.environ_base["HTTP_HOST"] = "10.0.0.7:8000"
    auth.login_as(intern)
    response = client.post(f"/lunch/slots/{slot.id}/book")
    assert response.headers["Location"] == "/lunch/"
    email = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.to_email == intern.email)).one()
    assert "https://interns.example.com/portal/lunch/" in email.body_text
    assert "10.0.0.7" not in email.body_text
