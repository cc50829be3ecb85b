"""Indicators per client and ISO week, on hand-made call logs with known answers: the week on
the client's clock (DST weeks of 167 and 169 hours), a call across midnight into the next
week, repeat calls within and after 7 days, feedback linked through a note of the call."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kccdesk.core.actor import Actor
from kccdesk.core.clock import fixed_clock
from kccdesk.notes.rules import check_note
from kccdesk.service.desk import Desk, NotAllowed
from kccdesk.storage import open_store
from kccdesk.teamlead.feedback import FeedbackChange
from kccdesk.teamlead.indicators import IsoWeek, WeekRefused, compute, parse_week

BIKES = "fietsenmakerij-van-dijk"
AMS = ZoneInfo("Europe/Amsterdam")
LEAD = Actor("ilse", shift_lead=True, team_lead=True)
W48 = IsoWeek(2026, 48)  # Monday 23 to Sunday 29 November 2026
#: long after every 7-day window of W48 closed
LATER = datetime(2026, 12, 20, 10, tzinfo=UTC)
#: the client file was imported well before the weeks the tests look at (its roster audit)
IMPORTED = datetime(2026, 1, 5, 9, tzinfo=UTC)

A, B, D, E, F = "+31612345001", "+31612345002", "+31612345004", "+31612345005", "+31612345006"


def local(*parts: int, fold: int = 0) -> datetime:
    return datetime(*parts, tzinfo=AMS, fold=fold)


def log(store, start: datetime, minutes: float, caller: str = "", **kw):
    """A logged call of the bike shop with explicit times; its uuid is unique."""
    kw.setdefault("uuid", f"call-{start.isoformat()}-{caller}")
    return store.log_call(
        BIKES, start, kw.pop("outcome", "answered"), ended_at=start + timedelta(minutes=minutes),
        caller=caller, **kw,
    )  # fmt: skip


def note(store, client, at: datetime, call=None, override: str = ""):
    checked = check_note(client, "lisa", "Piet", "0612345678", "bel terug", at=at)
    return store.add_note(checked, at=at, call_uuid=call.uuid if call else "", override=override)


def desk_on(store, now: datetime = LATER, actor: Actor = LEAD) -> Desk:
    return Desk(store, clock=fixed_clock(now), actor=actor)


@pytest.fixture
def bikes_store(database_url, demo_clients):
    store = open_store(database_url)
    store.import_clients([demo_clients[BIKES]], now=IMPORTED)
    yield store
    store.close()


def known_week(store, client) -> dict[str, object]:
    """The hand-made week W48 of the bike shop (see the expected figures in the test)."""
    c1 = log(store, local(2026, 11, 23, 9), 5, A, timing="softphone")
    c2 = log(
        store, local(2026, 11, 23, 10), 10, B, outcome="transferred", transferred_to="lisa",
        warnings_overridden="Lisa heeft geen dienst", stopped="omar: geen dienst",
    )  # fmt: skip
    c3 = log(
        store, local(2026, 11, 25, 11), 2, B, outcome="note", warnings_overridden="afwezig: kees",
        stopped="kees: afwezig; omar: doorverbinden mislukt (486 Rejected)",
    )  # fmt: skip
    log(store, local(2026, 11, 26, 12), 4, "")  # no caller number: not judgeable
    log(store, local(2026, 11, 27, 13), 0, "+31612345003", outcome="missed", timing="softphone")
    c6 = log(store, local(2026, 11, 29, 23, 50), 30, D)  # runs into Monday of W49
    c7 = log(store, local(2026, 11, 28, 10), 6, E, timing="softphone")
    # Outside the week: the calls that decide whether W48's calls were repeated.
    log(store, local(2026, 11, 22, 23, 59), 3, F)  # Sunday before: W47
    log(store, c1.started_at + timedelta(days=7, hours=1), 3, A)  # after 7 days: no repeat
    log(store, c6.started_at + timedelta(days=7, minutes=1), 3, D)  # after 7 days: no repeat
    log(store, local(2026, 12, 4, 10), 3, E)  # 6 days after c7, in W49: a repeat
    # Notes: one in c3 with the call's override (counted once), one outside any call with
    # an override, one taken after midnight in c6 (a W49 note), one re-taken (counted once).
    replaced = note(store, client, local(2026, 11, 24, 9))
    store.claim_due(LATER)
    store.mark_failed(replaced.id, "550 unknown user", LATER)
    assert store.mark_replaced(replaced.id)
    n1 = note(store, client, local(2026, 11, 25, 11, 1), c3, override="afwezig: kees")
    note(store, client, local(2026, 11, 24, 15), override="ontvanger afwezig")
    n3 = note(store, client, local(2026, 11, 30, 0, 10), c6)
    desk = desk_on(store)
    f1 = desk.add_feedback(BIKES, "verkeerde-ontvanger", "ging naar Lisa", note_id=n1.id)
    f2 = desk.add_feedback(BIKES, "fout-nummer", "nummer klopte niet", note_id=n3.id)
    f3 = desk.add_feedback(BIKES, "anders", "klant vergiste zich", call_id=c1.id)
    desk.update_feedback(f3.id, FeedbackChange(status="onterecht"))
    return {"calls": (c1, c2, c3, c6, c7), "feedback": (f1, f2, f3)}


def test_known_week_on_hand_made_call_log(bikes_store, demo_clients):
    made = known_week(bikes_store, demo_clients[BIKES])
    c1, c2, c3, c6, c7 = made["calls"]
    f1, f2, _ = made["feedback"]
    found = desk_on(bikes_store).indicators(BIKES, "2026-W48")
    assert (found.start, found.end) == (
        local(2026, 11, 23).astimezone(UTC),
        local(2026, 11, 30).astimezone(UTC),
    )
    assert (found.calls, found.missed) == (6, 1)  # the missed call is apart
    assert found.average_handling_seconds == pytest.approx((5 + 10 + 2 + 4 + 30 + 6) * 60 / 6)
    assert (found.timing_softphone, found.timing_desk, found.timed) == (2, 4, 6)
    assert found.notes == 2  # the re-taken note once, the W49 note not
    assert (found.transfers, found.stopped_transfers, found.failed_transfers) == (1, 2, 1)
    assert found.overrides == 3  # c2, c3 (and its note), the note outside a call
    assert (found.feedback, found.feedback_unfounded) == (2, 1)  # f2 happened in W49
    assert (found.judgeable, found.not_judgeable) == (5, 1)
    by_call = {j.call_id: j for j in found.judgements}
    assert by_call[c1.id].first_time_right  # its feedback was unfounded, A's next call too late
    assert by_call[c2.id].repeated_by == c3.id
    assert by_call[c3.id].feedback == (f1.id,)  # through the note taken in the call
    assert by_call[c6.id].feedback == (f2.id,)  # a note after midnight, in the call's week
    assert by_call[c6.id].repeated_by is None  # D called again 7 days and a minute later
    assert by_call[c7.id].repeated_by is not None  # E called again 6 days later, in W49
    assert (found.first_time_right, found.with_feedback, found.repeated) == (1, 2, 2)
    assert found.first_time_right_pct == 20.0
    assert not found.provisional
    data = found.as_dict()
    assert data["timing"] == {"softphone": 2, "desk": 4}
    assert data["first_time_right"]["pct"] == 20.0
    assert "zonder nummer" in data["definitions"]["first_time_right"]
    assert "geen agentroosters" in data["definitions"]["not_measured"]


def test_light_reads_are_the_records_without_what_the_desk_showed(bikes_store, demo_clients):
    """The indicators read calls and notes without `shown` (as plain tuples): the same records
    otherwise, on both engines."""
    known_week(bikes_store, demo_clients[BIKES])
    bikes_store.log_call(BIKES, LATER, "answered", ended_at=LATER, shown={"at": "x"})
    full_calls, full_notes = bikes_store.calls(), bikes_store.notes()
    assert any(c.shown for c in full_calls)
    assert bikes_store.calls(shown=False) == [replace(c, shown=None) for c in full_calls]
    assert bikes_store.notes(shown=False) == [replace(n, shown=None) for n in full_notes]
    some = [full_calls[0].id, full_calls[2].id]
    assert [c.id for c in bikes_store.calls(BIKES, ids=some)] == some


def test_calls_after_the_week_are_read_only_for_numbers_of_the_week(
    bikes_store, demo_clients, monkeypatch
):
    """Only the week's numbers can make a repeat call; with too many numbers to list, every
    call after the week is read instead. Either way the same figures."""
    import kccdesk.service.reports

    known_week(bikes_store, demo_clients[BIKES])
    listed = desk_on(bikes_store).indicators(BIKES, "2026-W48")
    monkeypatch.setattr(kccdesk.service.reports, "MAX_LISTED_CALLERS", 1)
    unlisted = desk_on(bikes_store).indicators(BIKES, "2026-W48")
    assert listed == unlisted and listed.repeated == 2


def test_next_week_counts_the_call_across_midnight_once(bikes_store, demo_clients):
    known_week(bikes_store, demo_clients[BIKES])
    w49 = desk_on(bikes_store).indicators(BIKES, "2026-W49")
    assert w49.calls == 3  # A and D after 7 days, E within: not c6
    assert w49.notes == 1 and w49.feedback == 1  # the note after midnight and its feedback
    assert w49.overrides == 0


def test_provisional_until_the_repeat_window_has_closed(bikes_store):
    log(bikes_store, local(2026, 11, 29, 20), 3, A)
    early = desk_on(bikes_store, local(2026, 12, 1, 9)).indicators(BIKES, "2026-W48")
    assert early.provisional and early.first_time_right_pct == 100.0
    done = desk_on(bikes_store, local(2026, 12, 7, 0)).indicators(BIKES, "2026-W48")
    assert not done.provisional


def test_default_week_is_last_week_on_the_clients_clock(bikes_store):
    # Monday 00:30 in Amsterdam is still Sunday in UTC: last week is W48, not W47.
    found = desk_on(bikes_store, local(2026, 11, 30, 0, 30)).indicators(BIKES)
    assert found.week == W48


@pytest.mark.parametrize(
    ("week", "hours"),
    [("2026-W13", 167), ("2026-W43", 169), ("2026-W44", 168), ("2026-W48", 168)],
)
def test_week_bounds_follow_the_wall_clock(week, hours):
    start, end = parse_week(week).bounds(AMS)
    assert (end - start) == timedelta(hours=hours)
    assert start.astimezone(AMS).hour == 0 and start.astimezone(AMS).weekday() == 0
    assert end.astimezone(AMS).hour == 0 and end.astimezone(AMS).weekday() == 0


def test_spring_dst_week_has_167_hours_and_its_own_edges(bikes_store):
    log(bikes_store, local(2026, 3, 22, 23, 59), 2, A)  # Sunday before: W12
    log(bikes_store, local(2026, 3, 23, 0, 0), 2, B)  # the first instant of W13
    log(bikes_store, local(2026, 3, 29, 1, 50), 20, D)  # 01:50 CET → 03:10 CEST: 20 minutes
    log(bikes_store, local(2026, 3, 29, 23, 59), 2, E)  # the last minute, on summer time
    log(bikes_store, local(2026, 3, 30, 0, 0), 2, F)  # W14
    found = desk_on(bikes_store).indicators(BIKES, "2026-W13")
    assert found.hours == 167
    assert found.calls == 3
    assert found.average_handling_seconds == pytest.approx((2 + 20 + 2) * 60 / 3)


def test_autumn_dst_week_has_169_hours_and_its_own_edges(bikes_store):
    log(bikes_store, local(2026, 10, 25, 2, 30, fold=1), 10, A)  # the second 02:30 (CET)
    log(bikes_store, local(2026, 10, 25, 23, 30), 2, B)  # Sunday 23:30 CET = 22:30 UTC
    log(bikes_store, local(2026, 10, 26, 0, 30), 2, D)  # Monday: W44
    found = desk_on(bikes_store).indicators(BIKES, "2026-W43")
    assert found.hours == 169
    assert found.calls == 2
    assert desk_on(bikes_store).indicators(BIKES, "2026-W44").calls == 1


def test_repeat_exactly_at_seven_days_counts_and_a_minute_later_does_not(bikes_store):
    first = log(bikes_store, local(2026, 11, 23, 9), 3, A)
    log(bikes_store, first.started_at + timedelta(days=7), 3, A)
    other = log(bikes_store, local(2026, 11, 23, 10), 3, B)
    log(bikes_store, other.started_at + timedelta(days=7, minutes=1), 3, B)
    found = desk_on(bikes_store).indicators(BIKES, "2026-W48")
    verdict = {j.call_id: j.first_time_right for j in found.judgements}
    assert verdict == {first.id: False, other.id: True}


def test_week_without_calls_has_no_percentage(bikes_store):
    found = desk_on(bikes_store).indicators(BIKES, "2026-W48")
    assert (found.calls, found.first_time_right_pct, found.average_handling_seconds) == (
        0,
        None,
        None,
    )


def test_weekly_series_last_eight_weeks_oldest_first(bikes_store, demo_clients):
    known_week(bikes_store, demo_clients[BIKES])
    desk = desk_on(bikes_store, local(2026, 12, 8, 9))  # a Tuesday of W50
    points = desk.weekly_series(BIKES)
    assert [p.week for p in points] == [f"2026-W{n}" for n in range(42, 50)]
    assert points[-2] == ("2026-W48", 6, 20.0, 2)
    assert points[-1].week == "2026-W49" and points[-1].calls == 3
    assert points[0] == ("2026-W42", 0, None, 0)
    with pytest.raises(Exception, match="aantal weken"):
        desk.weekly_series(BIKES, weeks=0)


def test_indicators_and_series_are_for_team_leads(bikes_store):
    agent = desk_on(bikes_store, actor=Actor("piet", shift_lead=True))
    for call in (
        lambda: agent.indicators(BIKES, "2026-W48"),
        lambda: agent.weekly_series(BIKES),
        lambda: agent.report(BIKES, "2026-W48"),
    ):
        with pytest.raises(NotAllowed, match="alleen teamleiders"):
            call()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-W54", "'2026-W54' bestaat niet: 2026 heeft de weken W01 tot en met W53"),
        ("2027-W53", "2027 heeft de weken W01 tot en met W52"),
        ("2026-W00", "'2026-W00' bestaat niet"),
        ("2026-48", "geen ISO-week; schrijf JJJJ-Www"),
        ("week 48", "geen ISO-week"),
        ("2026-W4", "geen ISO-week"),
        ("", "geen ISO-week"),
        ("1999-W10", "jaar 1999 ligt buiten 2000–2100"),
        ("2101-W01", "jaar 2101 ligt buiten 2000–2100"),
    ],
)
def test_bad_weeks_are_refused_with_what_and_where(text, message):
    with pytest.raises(WeekRefused, match=message):
        parse_week(text, "--week")
    with pytest.raises(WeekRefused, match=r"^--week"):
        parse_week(text, "--week")


def test_good_weeks_parse():
    assert parse_week("2026-W53") == IsoWeek(2026, 53)
    assert parse_week(" 2026-w01 ").monday.isoformat() == "2025-12-29"
    assert parse_week("2100-W52").label == "2100-W52"
    assert IsoWeek(2027, 1).shifted(-1) == IsoWeek(2026, 53)


def test_compute_is_plain_python():
    """The domain function needs no database: records in, figures out."""
    found = compute(BIKES, W48, AMS, [], [], [], LATER)
    assert found.calls == 0 and found.hours == 168
