"""The team lead's feedback log through the service: every category end to end (note or
call → feedback → reconstruction → structural after the third), the late roster change told
apart from our mistake, and refusals that store nothing."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kccdesk.calls.session import CallSession
from kccdesk.calls.shown import Shown
from kccdesk.clients.model import Absence
from kccdesk.core.actor import Actor
from kccdesk.core.errors import StorageError
from kccdesk.service.desk import Desk, NotAllowed
from kccdesk.teamlead.feedback import CATEGORIES, FeedbackChange, FeedbackRefused
from kccdesk.teamlead.reconstruction import lines, relative

AMS = ZoneInfo("Europe/Amsterdam")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=AMS)
HEAT = "storingsdienst-warmtenet"
MUNI = "gemeente-oosterwold"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(MONDAY_10)


@pytest.fixture
def lead(demo_store, clock) -> Desk:
    """A desk of a team lead who is also shift lead (enters the late absence)."""
    return Desk(demo_store, clock=clock, actor=Actor("ilse", shift_lead=True, team_lead=True))


def transfer_call(desk: Desk, clock: Clock, person: str, override: str = "") -> int:
    call = CallSession(HEAT, clock.now, caller="+31612345678", explicit=True)
    call.transferred(person, override)
    desk.log_call(call, "Sanne", clock.now + timedelta(minutes=2))
    return desk._db.calls(HEAT, limit=1)[0].id


def test_the_call_log_keeps_what_the_desk_showed(lead, clock):
    call_id = transfer_call(lead, clock, "jdekker")
    call = lead._db.call(call_id)
    shown = Shown.from_dict(call.shown)
    assert shown is not None and shown.person == "jdekker" and shown.state == "dienst"
    assert shown.absent == {"emulder": "rbos"}  # Erik Mulder absent, Rik Bos replaces him
    assert "koudegolf" in shown.topics and shown.instructions
    assert call.timing == "desk" and call.uuid


def test_a_note_keeps_its_call_and_what_the_desk_showed(lead, clock):
    call = CallSession(HEAT, clock.now, caller="+31612345678", explicit=True)
    note = lead.add_note(HEAT, "rbos", "Jan", "0612345678", "storing", agent="Sanne", call=call.id)
    assert note.call_uuid == call.id
    assert Shown.from_dict(note.shown).person == "rbos"


def test_late_absence_is_the_clients_cause_not_ours(lead, clock):
    """Transferred to Jelle, on duty by the roster; the client entered his absence 40 minutes
    after the call: the desk showed what it could know."""
    call_id = transfer_call(lead, clock, "jdekker")
    clock.now = MONDAY_10 + timedelta(minutes=40)
    lead.save_roster_entry(HEAT, Absence("jdekker", date(2026, 11, 23), date(2026, 11, 24), "ziek"))
    clock.now = MONDAY_10 + timedelta(days=1)
    item = lead.add_feedback(
        HEAT, "doorverbonden-zonder-dienst", "Jelle was ziek, toch doorverbonden", call_id=call_id
    )
    assert item.person == "jdekker" and item.happened_at == MONDAY_10
    r = lead.reconstruct(item.id)
    assert r.cause == "client"
    assert "afwezigheid toegevoegd 40 min na het gesprek" in r.verdict
    assert "de desk toonde toen 'dienst'" in r.verdict
    text = "\n".join(lines(lead.client(HEAT), r))
    assert "⚠" in text and "door ilse via rooster" in text


def test_transfer_against_the_desk_is_ours(lead, clock):
    """Sietske had no duty, the desk said so, the agent overrode the warning."""
    call_id = transfer_call(lead, clock, "shoekstra", override="geen dienst; doorverbonden: spoed")
    item = lead.add_feedback(
        HEAT, "doorverbonden-zonder-dienst", "Sietske was vrij", call_id=call_id
    )
    r = lead.reconstruct(item.id)
    assert r.cause == "ons"
    assert "doorverbonden terwijl de desk 'geen dienst' toonde" in r.verdict
    assert "spoed" in r.verdict


def test_note_kept_for_an_absent_recipient_is_ours(lead, clock):
    note = lead.add_note(
        HEAT,
        "emulder",
        "Piet",
        "0612345678",
        "bel terug",
        agent="Sanne",
        keep_absent_recipient=True,
    )
    item = lead.add_feedback(HEAT, "verkeerde-ontvanger", "Erik was met verlof", note_id=note.id)
    r = lead.reconstruct(item.id)
    assert r.cause == "ons" and "tegen de waarschuwing in" in r.verdict
    assert r.shown is not None and r.shown.state == "afwezig" and r.shown.replacement == "rbos"


def test_wrong_number_names_the_number_as_stored(lead, clock):
    note = lead.add_note(HEAT, "rbos", "Piet", "0612345678", "bel terug", agent="Sanne")
    item = lead.add_feedback(HEAT, "fout-nummer", "nummer klopte niet", note_id=note.id)
    r = lead.reconstruct(item.id)
    assert "06 12 34 56 78" in r.verdict and r.cause == "onbekend"


def test_a_change_just_before_the_call_may_not_have_reached_the_screen(lead, clock, demo_store):
    """Another desk still showed Jelle on duty: the absence came in 5 minutes before."""
    stale = Desk(demo_store, clock=clock, actor=Actor("sanne"))
    stale.client(HEAT)  # loaded before the change
    clock.now = MONDAY_10 - timedelta(minutes=5)
    lead.save_roster_entry(HEAT, Absence("jdekker", date(2026, 11, 23), date(2026, 11, 23)))
    clock.now = MONDAY_10
    call_id = transfer_call(stale, clock, "jdekker")
    item = lead.add_feedback(
        HEAT, "doorverbonden-zonder-dienst", "Jelle was er niet", call_id=call_id
    )
    r = lead.reconstruct(item.id)
    assert r.shown is not None and r.shown.state == "dienst"
    assert "afwezigheid 5 min vóór het gesprek ingevoerd" in r.verdict


@pytest.mark.parametrize("category", CATEGORIES)
def test_each_category_becomes_structural_on_the_third_time(lead, clock, category):
    ids = []
    for day in range(3):
        clock.now = MONDAY_10 + timedelta(days=day)
        note = lead.add_note(HEAT, "rbos", "Jan", "0612345678", "storing", agent="Sanne")
        clock.now += timedelta(hours=2)
        ids.append(lead.add_feedback(HEAT, category, f"fout {day}", note_id=note.id).id)
        found = lead.patterns(HEAT)
        assert bool(found) == (day == 2), (category, day)
    (pattern,) = lead.patterns(HEAT)
    assert pattern.items == tuple(ids) and pattern.person == "rbos"
    assert pattern.text.startswith("3× ") and "steeds R. Bos" in pattern.text
    review = lead.review(date(2026, 11, 25))
    (heat,) = [c for c in review.clients if c.client == HEAT]
    assert heat.structural == set(ids) and heat.patterns[0].text == pattern.text


def test_pattern_names_late_roster_updates(lead, clock):
    for day in range(3):
        moment = MONDAY_10 + timedelta(days=day)
        clock.now = moment
        call_id = transfer_call(lead, clock, "jdekker")
        if day < 2:  # twice the absence came in after the call
            clock.now = moment + timedelta(minutes=30)
            lead.save_roster_entry(HEAT, Absence("jdekker", moment.date(), moment.date(), "ziek"))
        clock.now = moment + timedelta(hours=3)
        lead.add_feedback(HEAT, "doorverbonden-zonder-dienst", "weer", call_id=call_id)
    (pattern,) = lead.patterns(HEAT)
    assert pattern.text == (
        "3× doorverbonden zonder dienst bij Storingsdienst Warmtenet Noord, steeds J. Dekker, "
        "rooster 2× te laat bijgewerkt"
    )


def test_no_pattern_for_three_spread_over_more_than_a_fortnight_or_unfounded(lead, clock):
    for day in (0, 8, 16):
        clock.now = MONDAY_10 + timedelta(days=day)
        lead.add_feedback(HEAT, "fout-nummer", "x", at=clock.now, person="rbos")
    assert lead.patterns(HEAT) == []
    clock.now = MONDAY_10 + timedelta(days=17)
    item = lead.add_feedback(HEAT, "fout-nummer", "x", at=clock.now, person="rbos")
    assert len(lead.patterns(HEAT)) == 1
    lead.update_feedback(item.id, FeedbackChange(status="onterecht"))
    assert lead.patterns(HEAT) == []


def test_same_category_about_different_people_of_one_department(lead, clock):
    # Oosterwold's front office: two people, three complaints
    client = lead.client(MUNI)
    front = [p.id for p in client.people if p.department == client.person("frontoffice").department]
    assert len(front) >= 2
    for i, person in enumerate([front[0], front[1], front[0]]):
        lead.add_feedback(
            MUNI, "informatie-ontbrak", "x", at=MONDAY_10 - timedelta(hours=i), person=person
        )
    (pattern,) = lead.patterns(MUNI)
    assert pattern.department and "steeds afdeling" in pattern.text


def test_review_holds_yesterday_open_items_overrides_and_failed_notes(lead, clock):
    transfer_call(lead, clock, "shoekstra", override="geen dienst; doorverbonden: spoed")
    old = lead.add_feedback(HEAT, "anders", "oud maar open", at=MONDAY_10 - timedelta(days=5))
    done = lead.add_feedback(HEAT, "anders", "oud en klaar", at=MONDAY_10 - timedelta(days=5))
    lead.update_feedback(done.id, FeedbackChange(status="afgerond"))
    yesterday = lead.add_feedback(MUNI, "fout-nummer", "gisteren", at=MONDAY_10)
    clock.now = MONDAY_10 + timedelta(days=1)
    review = lead.review()
    assert review.day == date(2026, 11, 23)
    ids = {f.id for c in review.clients for f in c.feedback}
    assert ids == {old.id, yesterday.id}
    (heat,) = [c for c in review.clients if c.client == HEAT]
    assert heat.overrides and "spoed" in heat.overrides[0].text
    assert review.as_dict()["open_feedback"] == 2


def test_refusals_store_nothing(lead, clock, demo_store):
    refusals = [
        (dict(category="kapot", said="x", at=MONDAY_10), "onbekende categorie"),
        (dict(category="anders", said="   ", at=MONDAY_10), "leeg"),
        (dict(category="anders", said="a\x1b[31mb", at=MONDAY_10), "stuurteken"),
        (dict(category="anders", said="x" * 10_000, at=MONDAY_10), "te lang"),
        (dict(category="anders", said="x"), "wanneer gebeurde het"),
        (dict(category="anders", said="x", at=MONDAY_10 + timedelta(days=1)), "toekomst"),
        (dict(category="anders", said="x", at=datetime(1, 1, 2, tzinfo=AMS)), "buiten"),
        (dict(category="anders", said="x", at=MONDAY_10, person="nobody"), "onbekende persoon"),
        (dict(category="anders", said="x", at=MONDAY_10, cause="god"), "onbekende oorzaak"),
    ]
    for kwargs, message in refusals:
        with pytest.raises(FeedbackRefused, match=message):
            lead.add_feedback(HEAT, **kwargs)
    other = lead.add_note(MUNI, "frontoffice", "Jan", "0612345678", "x", agent="Sanne")
    with pytest.raises(FeedbackRefused, match="hoort bij gemeente-oosterwold"):
        lead.add_feedback(HEAT, "anders", "x", note_id=other.id)
    with pytest.raises(StorageError, match="onbekende notitie"):
        lead.add_feedback(HEAT, "anders", "x", note_id=999)
    with pytest.raises(StorageError, match="onbekend gesprek"):
        lead.add_feedback(HEAT, "anders", "x", call_id=999)
    with pytest.raises(StorageError, match="onbekende klant"):
        lead.add_feedback("nope", "anders", "x", at=MONDAY_10)
    assert demo_store.feedback() == []


def test_emoji_rtl_and_line_breaks_are_kept(lead):
    said = "Klant: 'bel mij 🙏'\nمرحبا — twee regels"
    item = lead.add_feedback(HEAT, "anders", said, at=MONDAY_10)
    assert lead.feedback_item(item.id).said == said


def test_updates_follow_the_rules(lead):
    item = lead.add_feedback(HEAT, "anders", "x", at=MONDAY_10)
    with pytest.raises(FeedbackRefused, match="beschrijf de actie"):
        lead.update_feedback(item.id, FeedbackChange(status="actie-uitgezet"))
    with pytest.raises(FeedbackRefused, match="wie pakt het op"):
        lead.update_feedback(item.id, FeedbackChange(status="actie-uitgezet", action="oefenen"))
    with pytest.raises(FeedbackRefused, match="niets te wijzigen"):
        lead.update_feedback(item.id, FeedbackChange())
    with pytest.raises(FeedbackRefused, match="onbekende status"):
        lead.update_feedback(item.id, FeedbackChange(status="weg"))
    done = lead.update_feedback(
        item.id, FeedbackChange(status="actie-uitgezet", action="teruglezen", owner="ilse")
    )
    assert (done.status, done.action, done.owner, done.updated_by) == (
        "actie-uitgezet",
        "teruglezen",
        "ilse",
        "ilse",
    )
    with pytest.raises(StorageError, match="onbekend feedbackitem"):
        lead.update_feedback(999, FeedbackChange(status="afgerond"))


def test_only_leads_record_and_only_team_leads_review(demo_store, clock):
    agent = Desk(demo_store, clock=clock, actor=Actor("anna"))
    with pytest.raises(NotAllowed, match="feedbacklog"):
        agent.add_feedback(HEAT, "anders", "x", at=MONDAY_10)
    with pytest.raises(NotAllowed, match="dagoverzicht"):
        agent.review()
    shift_lead = Desk(demo_store, clock=clock, actor=Actor("marieke", shift_lead=True))
    assert shift_lead.add_feedback(HEAT, "anders", "x", at=MONDAY_10).created_by == "marieke"
    with pytest.raises(NotAllowed):
        shift_lead.review()


def test_candidates_by_number_and_recipient(lead, clock):
    a = lead.add_note(HEAT, "rbos", "Jan", "0612345678", "x", agent="Sanne")
    lead.add_note(HEAT, "jdekker", "Piet", "0687654321", "x", agent="Sanne")
    notes, calls = lead.feedback_candidates(HEAT, date(2026, 11, 23), phone="06-12345678")
    assert [n.id for n in notes] == [a.id] and calls == []
    notes, _ = lead.feedback_candidates(HEAT, date(2026, 11, 23), recipient="rbos")
    assert [n.id for n in notes] == [a.id]
    notes, _ = lead.feedback_candidates(HEAT, date(2026, 11, 24), recipient="rbos")
    assert notes == []
    with pytest.raises(StorageError, match="geen geldig telefoonnummer"):
        lead.feedback_candidates(HEAT, date(2026, 11, 23), phone="0612")


def test_old_rows_without_a_record_of_the_screen(lead, clock, demo_store):
    """Calls logged before this version carry no record: said so, not guessed."""
    demo_store.log_call(HEAT, MONDAY_10, "transferred", ended_at=MONDAY_10, transferred_to="rbos")
    call_id = demo_store.calls(HEAT, limit=1)[0].id
    item = lead.add_feedback(HEAT, "anders", "x", call_id=call_id)
    r = lead.reconstruct(item.id)
    assert r.shown is None and "niet vast te stellen" in r.verdict
    assert any("niet vastgelegd" in line for line in lines(lead.client(HEAT), r))


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (40, "40 min na"),
        (-5, "5 min vóór"),
        (125, "2 u 5 min na"),
        (60, "1 u na"),
        (4320, "3 dagen na"),
    ],
)
def test_relative_times_read_naturally(minutes, text):
    assert relative(timedelta(minutes=minutes)) == text


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_calls_and_notes_from_before_the_upgrade_read_as_unrecorded(engine, tmp_path, demo_clients):
    from sqlalchemy import text

    from conftest import drop_schema, postgres_schema_url
    from kccdesk.storage import Store
    from kccdesk.storage.schema import HEAD_REVISION, upgrade

    schema = None
    if engine == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        schema, url = postgres_schema_url()
    store = Store(url)
    try:
        assert upgrade(store.engine, "0008") == (None, "0008")
        with store.engine.begin() as c:
            c.execute(
                text(
                    "INSERT INTO call_log (client_id, caller, started_at, outcome, "
                    "warnings_overridden, stopped, agent) VALUES "
                    "('x', '+31612345678', '2026-11-23 09:00:00', 'answered', '', '', 'Sanne')"
                )
            )
        assert store.upgrade_schema() == ("0008", HEAD_REVISION)
        (call,) = store.calls()
        assert (call.uuid, call.timing, call.shown) == ("", "desk", None)
        assert store.feedback() == []
    finally:
        store.close()
        if schema:
            drop_schema(schema)


def test_short_names_keep_titles_and_particles():
    from kccdesk.teamlead.patterns import short_name

    assert short_name("Erik Mulder") == "E. Mulder"
    assert short_name("Lieke van den Berg") == "L. van den Berg"
    assert short_name("dr. Sanne Bakker") == "dr. S. Bakker"
    assert short_name("Meldkamer") == "Meldkamer"


def test_a_notes_override_is_listed_once(lead, clock):
    """The note keeps its override, and the call it was taken in repeats it: one entry."""
    call = CallSession(HEAT, clock.now, caller="+31612345678", explicit=True)
    note = lead.add_note(
        HEAT, "emulder", "Piet", "0612345678", "x", agent="Sanne", keep_absent_recipient=True,
        call=call.id,
    )  # fmt: skip
    call.note_taken(note.id, note.override)
    lead.log_call(call, "Sanne")
    found = lead.overrides(HEAT)
    assert [o.kind for o in found] == ["notitie"]


def test_one_overridden_warning_counts_once_in_the_figures(lead, clock):
    """A warning's text holds '; ' itself ('… geen dienst; toch doorverbonden'): one override
    in the call is one in the week's figures and one line in the overrides list."""
    transfer_call(
        lead, clock, "shoekstra", override="Sietske Hoekstra: geen dienst; toch doorverbonden"
    )
    clock.now = MONDAY_10 + timedelta(days=7)
    assert lead.indicators(HEAT, "2026-W48").overrides == 1
    assert [o.kind for o in lead.overrides(HEAT, days=8)] == ["doorverbonden"]


def test_a_call_ended_within_seconds_with_nothing_done_is_not_logged():
    started = MONDAY_10
    idle = CallSession(HEAT, started, explicit=True)
    assert not idle.worth_logging_until(started + timedelta(seconds=3))
    assert idle.worth_logging_until(started + timedelta(seconds=40))  # a short question
    asked = CallSession(HEAT, started, caller="+31612345678", explicit=True)
    assert asked.worth_logging_until(started + timedelta(seconds=3))


STORING = {"adres": "Dorpsstraat 1", "postcode": "9711LM", "gaslucht": "nee"}


def test_onvolledig_names_the_questions_left_open_and_shows_the_type_as_it_was(lead, clock):
    """Issue 24: the review takes "onvolledig"; the verdict names the questions not
    answered and the reconstruction lists the answers with the labels of that moment."""
    note = lead.add_note(HEAT, "rbos", "Piet", "0612345678", "geen warmte", agent="Sanne",
                         call_type="storing", answers=STORING)  # fmt: skip
    item = lead.add_feedback(HEAT, "onvolledig", "warm water niet gevraagd", note_id=note.id)
    r = lead.reconstruct(item.id)
    assert (r.cause, r.verdict) == ("ons", "niet ingevuld bij Storing melden: Nog warm water?")
    text = "\n".join(lines(lead.client(HEAT), r))
    assert "  gesprekssoort Storing melden:" in text
    assert "    Postcode: 9711 LM" in text and "    Nog warm water?: — (niet ingevuld)" in text
    plain = lead.add_note(HEAT, "rbos", "Jan", "0612345678", "storing", agent="Sanne")
    item = lead.add_feedback(HEAT, "onvolledig", "adres ontbrak", note_id=plain.id)
    assert "zonder gesprekssoort" in lead.reconstruct(item.id).verdict
    full = lead.add_note(HEAT, "rbos", "Kees", "0612345678", "storing", agent="Sanne",
                         call_type="storing", answers={**STORING, "warm_water": "ja"})  # fmt: skip
    item = lead.add_feedback(HEAT, "onvolledig", "etage ontbrak", note_id=full.id)
    assert lead.reconstruct(item.id).cause == "client"


def test_the_report_counts_notes_per_call_type_and_how_many_were_complete(lead, clock):
    from kccdesk.teamlead import report as formats

    for answers in (STORING, {**STORING, "warm_water": "ja"}, {**STORING, "warm_water": "nee"}):
        lead.add_note(HEAT, "rbos", "Piet", "0612345678", "geen warmte", agent="Sanne",
                      call_type="storing", answers=answers)  # fmt: skip
    lead.add_note(HEAT, "rbos", "Jan", "0612345678", "iets anders", agent="Sanne")
    report = lead.report(HEAT, "2026-W48")
    assert report.indicators.call_types == (("Storing melden", 3, 2),)
    text = formats.to_text(report)
    assert "Notities: Storing melden" in text
    assert "volledig bij eerste opslag (alle vragen beantwoord): 2 (66,7%)" in text
    as_json = json.loads(formats.to_json(report))
    assert as_json["indicators"]["call_types"] == [
        {"title": "Storing melden", "notes": 3, "complete": 2}
    ]
    assert "gesprekssoort,Storing melden" in formats.to_csv(report)
